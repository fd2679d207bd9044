// One poller per process reads the outbox forward and fans each event out to every open stream,
// so that a hundred consoles cost one query per interval, not a hundred. Each stream gets only what
// its principal may see (live.events.ts), in outbox order, and can resume from an event id.
import type { Db } from '../platform/db/db.ts';
import type { Principal } from '../platform/auth/principal.ts';
import { readEvents, type StoredEvent } from '../platform/events/outbox.ts';
import { liveRepository as repo } from './live.repository.ts';
import { presentLiveEvent, sseHeartbeat, sseMessage } from './live.events.ts';

/** Where a stream's bytes go; `write` answers false when the client has fallen too far behind. */
export interface StreamSink {
  write(text: string): boolean;
  end(): void;
}

export interface HubOptions {
  db: Db;
  /** The credential's current principal, or null once the session or key is no longer valid. */
  revalidate(credential: string): Promise<Principal | null>;
  onError(error: unknown): void;
  pollMs?: number;
  heartbeatMs?: number;
  revalidateMs?: number;
}

/** Why a stream was ended by the server: sent as the data of a final `end` event. */
export type EndReason = 'shutdown' | 'signed-out' | 'too-slow' | 'error';

export interface Subscription {
  /** Resolves once the stream has caught up and is live (the `ready` event has been sent). */
  readonly ready: Promise<void>;
  close(): void;
}

const BATCH = 500;
/** A client resuming from further back than this many events is told to reload instead of replayed. */
const MAX_RESUME = 10_000;
/**
 * How long an id missing below newer events is waited for. On PostgreSQL, transactions commit out
 * of the order in which they took their outbox ids: a missing id is usually a transaction about to
 * commit, and delivering past it would lose its event. After this long it was rolled back.
 */
const GAP_WAIT_MS = 3_000;

interface Subscriber {
  principal: Principal;
  credential: string;
  sink: StreamSink;
  /** The outbox id up to which this stream has been given everything it may see. */
  cursor: number;
  closed: boolean;
}

export function createLiveHub(options: HubOptions) {
  const { db } = options;
  const pollMs = options.pollMs ?? 500;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const revalidateMs = options.revalidateMs ?? 30_000;
  // PGlite runs one statement at a time, so no transaction is open while the poller reads: a
  // missing id there is a rollback, never a commit to come.
  const gapWaitMs = db.dialect === 'pglite' ? 0 : GAP_WAIT_MS;

  /** Every open stream, and those of them that have caught up and get each new event. */
  const streams = new Set<Subscriber>();
  const live = new Set<Subscriber>();
  /** Every event up to `head` has been handed to every live subscriber. */
  let head = 0;
  let headRead: Promise<void> | null = null;
  let gap: { id: number; since: number } | null = null;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let timers: NodeJS.Timeout[] = [];
  let closed = false;

  function end(subscriber: Subscriber, reason: EndReason | null): void {
    if (subscriber.closed) return;
    subscriber.closed = true;
    streams.delete(subscriber);
    live.delete(subscriber);
    if (reason) subscriber.sink.write(sseMessage({ event: 'end', data: { reason } }));
    subscriber.sink.end();
    if (live.size === 0) stopTimers();
  }

  function send(subscriber: Subscriber, text: string): void {
    if (!subscriber.sink.write(text)) end(subscriber, 'too-slow');
  }

  function deliver(subscriber: Subscriber, event: StoredEvent): void {
    if (subscriber.closed || event.id <= subscriber.cursor) return;
    subscriber.cursor = event.id;
    const visible = presentLiveEvent(subscriber.principal, event);
    if (visible) send(subscriber, sseMessage({ id: visible.id, data: visible }));
  }

  /** Reads the next events and hands them out; true when there may be more to read at once. */
  async function pollOnce(): Promise<boolean> {
    const events = await readEvents(db, head, BATCH);
    const now = Date.now();
    const ready: StoredEvent[] = [];
    let expected = head + 1;
    for (const event of events) {
      if (event.id !== expected) {
        if (gap?.id !== expected) gap = { id: expected, since: now };
        if (now - gap.since < gapWaitMs) break;
        gap = null;
      }
      ready.push(event);
      expected = event.id + 1;
    }
    for (const event of ready) for (const subscriber of live) deliver(subscriber, event);
    const last = ready[ready.length - 1];
    if (last) {
      head = last.id;
      for (const subscriber of live) subscriber.cursor = Math.max(subscriber.cursor, head);
    }
    return events.length === BATCH && ready.length === events.length;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });
  }

  function ensurePolling(): void {
    if (loop || closed) return;
    loop = (async () => {
      while (live.size > 0 && !closed) {
        let more = false;
        try {
          more = await pollOnce();
        } catch (error) {
          if (!closed) options.onError(error);
        }
        if (!more && live.size > 0 && !closed) await sleep(pollMs);
      }
    })().finally(() => {
      loop = null;
      // Idle: the next stream starts again from the newest event.
      if (live.size === 0) headRead = null;
      else ensurePolling();
    });
  }

  function startTimers(): void {
    if (timers.length > 0) return;
    const heartbeat = setInterval(() => {
      for (const subscriber of live) send(subscriber, sseHeartbeat(subscriber.cursor));
    }, heartbeatMs);
    const revalidation = setInterval(() => void revalidateAll(), revalidateMs);
    heartbeat.unref();
    revalidation.unref();
    timers = [heartbeat, revalidation];
  }

  function stopTimers(): void {
    for (const timer of timers) clearInterval(timer);
    timers = [];
  }

  /** Ends the streams of sessions that have ended (logout, expiry, a change of rights) and of revoked keys. */
  async function revalidateAll(): Promise<void> {
    const byCredential = new Map<string, Subscriber[]>();
    for (const subscriber of live) byCredential.set(subscriber.credential, [...(byCredential.get(subscriber.credential) ?? []), subscriber]);
    for (const [credential, subscribers] of byCredential) {
      try {
        const principal = await options.revalidate(credential);
        for (const subscriber of subscribers) {
          if (principal) subscriber.principal = principal;
          else end(subscriber, 'signed-out');
        }
      } catch (error) {
        if (!closed) options.onError(error);
      }
    }
  }

  /** Replays (cursor, head] to a resuming subscriber, then makes it live; no await between the two. */
  async function catchUp(subscriber: Subscriber): Promise<void> {
    while (subscriber.cursor < head && !subscriber.closed) {
      const upTo = head;
      const events = await repo.eventsBetween(db, subscriber.cursor, upTo, BATCH);
      for (const event of events) deliver(subscriber, event);
      subscriber.cursor = events.length === BATCH ? (events[events.length - 1]?.id ?? upTo) : Math.max(subscriber.cursor, upTo);
    }
    if (subscriber.closed) return;
    if (closed) return end(subscriber, 'shutdown');
    live.add(subscriber);
    send(subscriber, sseMessage({ event: 'ready', id: subscriber.cursor, data: { lastEventId: subscriber.cursor } }));
    startTimers();
    ensurePolling();
  }

  async function join(subscriber: Subscriber, lastEventId: number | null): Promise<void> {
    headRead ??= repo.newestEventId(db).then((id) => {
      head = Math.max(head, id);
    });
    await headRead;
    if (lastEventId === null || lastEventId > head) {
      subscriber.cursor = head;
    } else if (head - lastEventId > MAX_RESUME) {
      send(subscriber, sseMessage({ event: 'reset', data: { reason: 'too-far-behind', lastEventId: head } }));
      subscriber.cursor = head;
    } else {
      subscriber.cursor = lastEventId;
    }
    await catchUp(subscriber);
  }

  return {
    /** Opens a stream for `principal` from just after `lastEventId` (or from now). */
    subscribe(principal: Principal, credential: string, lastEventId: number | null, sink: StreamSink): Subscription {
      const subscriber: Subscriber = { principal, credential, sink, cursor: 0, closed: false };
      streams.add(subscriber);
      if (closed) {
        end(subscriber, 'shutdown');
        return { ready: Promise.resolve(), close: () => undefined };
      }
      // Reconnecting browsers wait this long before trying again.
      sink.write('retry: 3000\n\n');
      const ready = join(subscriber, lastEventId).catch((error: unknown) => {
        options.onError(error);
        end(subscriber, 'error');
      });
      return { ready, close: () => end(subscriber, null) };
    },

    /** Open streams of the principal (of one kind and id), live or still catching up. */
    streamsOf(principal: Pick<Principal, 'kind' | 'id'>): number {
      let count = 0;
      for (const subscriber of streams) if (subscriber.principal.kind === principal.kind && subscriber.principal.id === principal.id) count++;
      return count;
    },

    get closed(): boolean {
      return closed;
    },

    /** Ends every stream (the clients are told why) and stops polling; for the server's shutdown. */
    async close(): Promise<void> {
      closed = true;
      for (const subscriber of [...streams]) end(subscriber, 'shutdown');
      stopTimers();
      wake?.();
      await loop;
    },
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;
