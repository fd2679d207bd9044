// Files sent to the API as they are (a CSV stock report, a tariff schedule, a scanner's image): the
// body is the file itself with its own content type, the rest as for every call (bearer token,
// errors turned into ApiError with the server's details). The JSON calls go through api() in
// api/client.ts.
import { ApiError, getToken, newIdempotencyKey } from '../api/client.ts';
import type { ErrorDetail } from '../api/types.ts';

interface TextRequest {
  method: 'POST' | 'PUT';
  text: string;
  contentType: string;
  signal?: AbortSignal;
}

export function sendText<T>(path: string, request: TextRequest): Promise<T> {
  return sendBody<T>(path, request.method, request.text, request.contentType, newIdempotencyKey(), request.signal);
}

interface FileRequest {
  method: 'POST' | 'PUT';
  file: Blob;
  /** The same key for a retry of the same upload, so that the server keeps the file once. */
  idempotencyKey: string;
  signal?: AbortSignal;
}

/** A binary file (an image) as the request body, its type as the browser knows it. */
export function sendFile<T>(path: string, request: FileRequest): Promise<T> {
  return sendBody<T>(path, request.method, request.file, request.file.type || 'application/octet-stream', request.idempotencyKey, request.signal);
}

async function sendBody<T>(path: string, method: 'POST' | 'PUT', payload: string | Blob, contentType: string, idempotencyKey: string, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': contentType,
    // One upload is one action: a retry of this very request never stores the file twice.
    'idempotency-key': idempotencyKey,
  };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload, signal: signal ?? null });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Check the connection and try again.');
  }
  if (!response.ok) {
    let body: { error?: { code?: string; message?: string; details?: ErrorDetail[] } } = {};
    try {
      body = (await response.json()) as typeof body;
    } catch {
      // not JSON: the status says it
    }
    throw new ApiError(
      response.status,
      body.error?.code ?? `HTTP_${response.status}`,
      body.error?.message ?? `The server answered ${response.status} ${response.statusText}`,
      body.error?.details ?? [],
    );
  }
  return (await response.json()) as T;
}

/** The text of a file the user picked, refusing what is plainly not a text file. */
export async function readTextFile(file: File, maxBytes: number): Promise<string> {
  if (file.size > maxBytes) throw new ApiError(0, 'CLIENT', `The file is ${Math.ceil(file.size / 1024)} KB; at most ${Math.floor(maxBytes / 1024)} KB is accepted.`);
  return file.text();
}
