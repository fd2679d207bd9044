// Reads one API resource for a component: loading, data, error, and reload. A new URL aborts the
// request for the old one, so a fast typist never sees an older answer overwrite a newer one.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, isAbort } from '../api/client.ts';

export interface Resource<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  /** Reads the resource again; `quiet` keeps the current data on screen while it loads. */
  reload: (quiet?: boolean) => void;
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'CLIENT', error instanceof Error ? error.message : String(error));
}

export function useResource<T>(url: string | null): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(url !== null);
  const [generation, setGeneration] = useState(0);
  const quietRef = useRef(false);

  useEffect(() => {
    if (url === null) {
      setData(null);
      setError(null);
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    if (!quietRef.current) setData(null);
    quietRef.current = false;
    setLoading(true);
    setError(null);
    api<T>(url, { signal: controller.signal }).then(
      (value) => {
        setData(value);
        setLoading(false);
      },
      (reason: unknown) => {
        if (isAbort(reason)) return;
        setError(toApiError(reason));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [url, generation]);

  const reload = useCallback((quiet = false) => {
    quietRef.current = quiet;
    setGeneration((g) => g + 1);
  }, []);

  return { data, error, loading, reload };
}

/** Every page of a list endpoint (small lists only: zones, books, items of one enterprise). */
export async function fetchAll<T>(path: string, signal?: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const url: string = `${path}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const reply: { items: T[]; nextCursor: string | null } = await api(url, signal ? { signal } : {});
    items.push(...reply.items);
    cursor = reply.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/** A value that follows `value` once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
