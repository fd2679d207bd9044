// Files sent to the API as they are (a CSV stock report, a tariff schedule): the body is the
// file's text with its own content type, the rest as for every call (bearer token, errors turned
// into ApiError with the server's details). The JSON calls go through api() in api/client.ts.
import { ApiError, getToken, newIdempotencyKey } from '../api/client.ts';
import type { ErrorDetail } from '../api/types.ts';

interface TextRequest {
  method: 'POST' | 'PUT';
  text: string;
  contentType: string;
  signal?: AbortSignal;
}

export async function sendText<T>(path: string, request: TextRequest): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': request.contentType,
    // One upload is one action: a retry of this very request never stores the file twice.
    'idempotency-key': newIdempotencyKey(),
  };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(path, { method: request.method, headers, body: request.text, signal: request.signal ?? null });
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
