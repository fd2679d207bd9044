// A Server-Sent Events client over real HTTP (fetch with a streaming reader), as a console's would
// be: it parses messages as they arrive and lets a test wait for the one it expects.

export interface SseMessage {
  id: string | null;
  event: string;
  data: any;
}

export interface EventStream {
  status: number;
  headers: Headers;
  /** The error body when the stream was refused. */
  body: any;
  messages: SseMessage[];
  /** Every byte received so far, as text. */
  raw(): string;
  /** The first message (already received or still to come) matching `match`. */
  next(match: (message: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  /** Resolves when the server has ended the stream. */
  ended: Promise<void>;
  close(): void;
}

function parse(block: string): SseMessage | null {
  let id: string | null = null;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  const text = data.join('\n');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { id, event, data: parsed };
}

export async function openEventStream(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(new URL(path, baseUrl), { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const messages: SseMessage[] = [];
  const waiters: Array<{ match: (m: SseMessage) => boolean; resolve: (m: SseMessage) => void }> = [];
  let text = '';
  let pending = '';

  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const body = await response.text();
    let parsed: unknown = body;
    try {
      parsed = JSON.parse(body);
    } catch {
      // not JSON
    }
    return {
      status: response.status,
      headers: response.headers,
      body: parsed,
      messages,
      raw: () => body,
      next: () => Promise.reject(new Error(`the stream was refused (${response.status}): ${body}`)),
      ended: Promise.resolve(),
      close: () => undefined,
    };
  }

  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        const chunk = decoder.decode(value, { stream: true });
        text += chunk;
        pending += chunk;
        let end = pending.indexOf('\n\n');
        while (end !== -1) {
          const message = parse(pending.slice(0, end));
          pending = pending.slice(end + 2);
          end = pending.indexOf('\n\n');
          if (!message) continue;
          messages.push(message);
          for (const waiter of [...waiters]) {
            if (waiter.match(message)) {
              waiters.splice(waiters.indexOf(waiter), 1);
              waiter.resolve(message);
            }
          }
        }
      }
    } catch {
      // aborted by close()
    }
  })();

  return {
    status: response.status,
    headers: response.headers,
    body: null,
    messages,
    raw: () => text,
    next(match, timeoutMs = 5000) {
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no matching message within ${timeoutMs} ms; received: ${text.slice(-2000)}`));
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (m: SseMessage) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        waiters.push(waiter);
      });
    },
    ended,
    close: () => controller.abort(),
  };
}
