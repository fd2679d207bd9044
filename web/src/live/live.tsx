// The live connection: one Server-Sent Events stream per signed-in tab, opened with a single-use
// ticket (an EventSource cannot send the bearer token) and reopened with a fresh ticket whenever it
// drops, resuming after the last event received. Pages subscribe to refresh what they show.
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, ApiError } from '../api/client.ts';
import type { LiveEvent, Ticket } from '../api/types.ts';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

type Listener = (event: LiveEvent) => void;

interface Live {
  status: LiveStatus;
  subscribe: (listener: Listener) => () => void;
  /** Called when the stream had to skip events: everything on screen should be read again. */
  onReset: (listener: () => void) => () => void;
}

const LiveContext = createContext<Live | null>(null);

const MAX_DELAY_MS = 30_000;

/**
 * Records this tab acted on: the events its own actions cause come back on the stream, and the
 * user, who has just been told, is not told again.
 */
const ownActions = new Map<string, number>();
const OWN_ACTION_MS = 15_000;

export function markOwnAction(aggregateId: string): void {
  ownActions.set(aggregateId, Date.now() + OWN_ACTION_MS);
}

export function isOwnAction(aggregateId: string): boolean {
  const until = ownActions.get(aggregateId);
  if (until === undefined) return false;
  if (until < Date.now()) {
    ownActions.delete(aggregateId);
    return false;
  }
  return true;
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const listeners = useRef(new Set<Listener>());
  const resetListeners = useRef(new Set<() => void>());

  useEffect(() => {
    let stopped = false;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let lastEventId: number | null = null;

    const schedule = () => {
      if (stopped) return;
      setStatus('reconnecting');
      const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      attempt += 1;
      timer = setTimeout(() => void connect(), delay);
    };

    const remember = (message: MessageEvent) => {
      const id = Number(message.lastEventId);
      if (message.lastEventId !== '' && Number.isFinite(id)) lastEventId = id;
    };

    const connect = async () => {
      if (stopped) return;
      let ticket: Ticket;
      try {
        ticket = await api<Ticket>('/api/v1/events/tickets', { method: 'POST' });
      } catch (error) {
        // A refused session is handled by the client (back to sign-in); anything else is retried.
        if (error instanceof ApiError && error.status === 401) {
          setStatus('offline');
          return;
        }
        schedule();
        return;
      }
      if (stopped) return;
      const url = lastEventId === null ? ticket.streamUrl : `${ticket.streamUrl}&lastEventId=${lastEventId}`;
      const stream = new EventSource(url);
      source = stream;
      stream.addEventListener('ready', (message) => {
        remember(message);
        attempt = 0;
        setStatus('live');
      });
      stream.addEventListener('reset', (message) => {
        remember(message);
        for (const listener of resetListeners.current) listener();
      });
      stream.addEventListener('end', (message) => {
        stream.close();
        let reason = '';
        try {
          reason = String((JSON.parse(String(message.data)) as { reason?: string }).reason ?? '');
        } catch {
          // no reason given
        }
        if (reason === 'signed-out') {
          setStatus('offline');
          return;
        }
        schedule();
      });
      stream.onmessage = (message) => {
        remember(message);
        let event: LiveEvent;
        try {
          event = JSON.parse(String(message.data)) as LiveEvent;
        } catch {
          return;
        }
        for (const listener of listeners.current) listener(event);
      };
      // The browser would retry with the same ticket, which is used up: reopen with a new one.
      stream.onerror = () => {
        stream.close();
        if (source === stream) source = null;
        schedule();
      };
    };

    void connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, []);

  const value = useMemo<Live>(
    () => ({
      status,
      subscribe(listener) {
        listeners.current.add(listener);
        return () => listeners.current.delete(listener);
      },
      onReset(listener) {
        resetListeners.current.add(listener);
        return () => resetListeners.current.delete(listener);
      },
    }),
    [status],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside LiveProvider');
  return live;
}

/**
 * Calls `handler` for each live event (and with null after a reset), always the latest handler
 * without re-subscribing on every render.
 */
export function useLiveEvents(handler: (event: LiveEvent | null) => void): void {
  const { subscribe, onReset } = useLive();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    const off = subscribe((event) => latest.current(event));
    const offReset = onReset(() => latest.current(null));
    return () => {
      off();
      offReset();
    };
  }, [subscribe, onReset]);
}

/** A callback that runs at most once per `ms`, at the end of a burst (refreshes after live events). */
export function useThrottled(callback: () => void, ms: number): () => void {
  const latest = useRef(callback);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    latest.current = callback;
  });
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return useMemo(
    () => () => {
      if (timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        latest.current();
      }, ms);
    },
    [ms],
  );
}
