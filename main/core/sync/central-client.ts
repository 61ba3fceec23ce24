/**
 * HTTP to the central platform (central/openapi.yaml): JSON requests with a time limit and a byte
 * limit on every body, and every outcome classified, so the sync engine can tell a network outage from
 * an expired token, a gone cursor or a malformed page, and the network state follows real requests.
 */
import { isUtf8 } from 'node:buffer';

export type CentralFailure =
  | { kind: 'network'; message: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'unauthorized'; code: string; message: string }
  | { kind: 'cursorGone'; code: string; message: string }
  | { kind: 'http'; status: number; code: string | null; message: string }
  | { kind: 'invalidBody'; message: string };

export class CentralError extends Error {
  constructor(readonly failure: CentralFailure) {
    super(failure.message);
    this.name = 'CentralError';
  }
}

export interface RequestOutcome {
  ok: boolean;
  roundTripMs: number;
  failure?: CentralFailure;
}

export interface CentralClientOptions {
  baseUrl: string;
  fetch: typeof globalThis.fetch;
  monoNow: () => number;
  timeoutMs: number;
  /** The largest body accepted from the server, checked while reading, before parsing. */
  maxBodyBytes: number;
  /** Told of every request's outcome (feeds the network state). */
  onOutcome: (outcome: RequestOutcome) => void;
}

export interface JsonResponse<Body = unknown> {
  /** The body as read (JSON.parse unless the caller reads it its own way). */
  body: Body;
  /** Monotonic instants around the request, for clock-offset measurement. */
  sentMono: number;
  receivedMono: number;
  bytes: number;
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && 'code' in cause)
    return `cannot reach the central platform (${String(cause.code)})`;
  return `the connection to the central platform failed (${(error as Error).message})`;
}

async function readLimited(response: Response, limit: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    throw new CentralError({
      kind: 'invalidBody',
      message: `the response is ${declared} bytes, over the ${limit}-byte limit`,
    });
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  // With a declared length the body is copied into its place as it arrives, so a page is held once, not
  // twice (its chunks and their concatenation); a body longer than declared is refused. A compressed body
  // declares its compressed length, and fetch hands over the decoded bytes: those are gathered in chunks.
  const encoding = response.headers.get('content-encoding');
  const expected =
    response.headers.has('content-length') &&
    Number.isSafeInteger(declared) &&
    (encoding === null || encoding === 'identity')
      ? declared
      : null;
  // Filled as chunks arrive when the length is known; otherwise the chunks are joined at the end.
  const placed = expected === null ? null : new Uint8Array(expected);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const grown = size + value.byteLength;
    if (grown > limit || (expected !== null && grown > expected)) {
      await reader.cancel();
      throw new CentralError({
        kind: 'invalidBody',
        message:
          grown > limit
            ? `the response exceeds the ${limit}-byte limit`
            : `the response is longer than its declared ${expected} bytes`,
      });
    }
    if (placed) placed.set(value, size);
    else chunks.push(value);
    size = grown;
  }
  if (placed) return size === placed.byteLength ? placed : placed.subarray(0, size);
  return Buffer.concat(chunks, size);
}

class InvalidUtf8 extends Error {}

/** Refuses a body that is not valid UTF-8 (simdutf's check: a fatal TextDecoder took a tenth of a sync thread). */
function checkUtf8(bytes: Uint8Array): void {
  if (!isUtf8(bytes)) throw new InvalidUtf8('the body is not valid UTF-8');
}

/** Valid UTF-8 bytes as text. */
export function utf8Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** A body read as JSON, the default reader of CentralClient.parse. */
const readJson = (bytes: Uint8Array): unknown => JSON.parse(utf8Text(bytes));

/** A body as received, not yet decoded (see CentralClient.receive). */
export interface ReceivedResponse {
  bytes: Uint8Array;
  sentMono: number;
  receivedMono: number;
}

export interface RequestInit {
  token?: string | null;
  body?: unknown;
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** Ends the request early (the caller no longer wants it): reported as a network failure. */
  signal?: AbortSignal;
}

const malformedBody = (error: unknown): CentralError =>
  new CentralError({
    kind: 'invalidBody',
    message: `the central platform answered with malformed JSON (${(error as Error).message})`,
  });

/** A refusal's body when it is JSON, else null: it only adds a code and a message to the status. */
function refusalBody(bytes: Uint8Array): unknown {
  try {
    checkUtf8(bytes);
    return readJson(bytes);
  } catch {
    return null;
  }
}

/**
 * Makes `follower` abort when `outer` does, with its reason; returns what undoes the link. Used instead of
 * AbortSignal.any, whose composite stays tied to a long-lived outer signal after its request is done
 * (about 1.5 KB a request on Node 22: over 2,000 requests to a loopback server the heap after a full
 * collection grew by 3.1 MB with it, by 0.6 MB with this link), and of AbortSignal.timeout, whose timer
 * outlives its request by the whole timeout.
 */
export function followAbort(outer: AbortSignal, follower: AbortController): () => void {
  if (outer.aborted) {
    follower.abort(outer.reason);
    return () => undefined;
  }
  const onAbort = (): void => follower.abort(outer.reason);
  outer.addEventListener('abort', onAbort, { once: true });
  return () => outer.removeEventListener('abort', onAbort);
}

export class CentralClient {
  constructor(private readonly options: CentralClientOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  async request(method: 'GET' | 'POST', path: string, init: RequestInit = {}): Promise<JsonResponse> {
    return this.parse(await this.receive(method, path, init));
  }

  /**
   * The first half of request(): the answer's body read whole, within the byte limit, and not yet decoded,
   * so that a caller fetching ahead (page-fetch-worker.ts) can hold it while it parses the page before. A
   * failed transport or a refusing status throws here, reported as request() would; a success is reported
   * by parse().
   */
  async receive(method: 'GET' | 'POST', path: string, init: RequestInit = {}): Promise<ReceivedResponse> {
    const { monoNow } = this.options;
    const sentMono = monoNow();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const timeoutMs = init.timeoutMs ?? this.options.timeoutMs;
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new DOMException('the request timed out', 'TimeoutError')),
      timeoutMs,
    );
    const detach = init.signal ? followAbort(init.signal, abort) : () => undefined;
    try {
      let response: Response;
      try {
        response = await this.options.fetch(`${this.options.baseUrl}${path}`, {
          method,
          headers,
          body: init.body === undefined ? null : JSON.stringify(init.body),
          signal: abort.signal,
        });
      } catch (error) {
        throw this.#transportError(error);
      }
      let bytes: Uint8Array;
      try {
        bytes = await readLimited(response, init.maxBodyBytes ?? this.options.maxBodyBytes);
      } catch (error) {
        throw error instanceof CentralError ? error : this.#transportError(error);
      }
      const received = { bytes, sentMono, receivedMono: monoNow() };
      if (!response.ok) {
        // A refusal is classified by its status; its body only adds the code and message, when it has them.
        throw new CentralError(classifyStatus(response.status, refusalBody(bytes)));
      }
      return received;
    } catch (error) {
      const failure =
        error instanceof CentralError ? error.failure : { kind: 'network' as const, message: String(error) };
      // Cancelled by the caller: says nothing about the network.
      if (init.signal?.aborted)
        throw new CentralError({ kind: 'network', message: 'the request was cancelled' });
      this.#report(sentMono, failure);
      throw error instanceof CentralError ? error : new CentralError(failure);
    } finally {
      clearTimeout(timer);
      detach();
    }
  }

  /**
   * The second half of request(): the received body, checked to be UTF-8, read as JSON unless `read` says
   * otherwise (it is handed the checked bytes); reports the request's outcome. A SyntaxError from `read` is a
   * malformed body; any other error it throws is the caller's (the body was JSON) and passes through.
   */
  parse(received: ReceivedResponse): JsonResponse;
  parse<Body>(received: ReceivedResponse, read: (bytes: Uint8Array) => Body): JsonResponse<Body>;
  parse(received: ReceivedResponse, read: (bytes: Uint8Array) => unknown = readJson): JsonResponse {
    const { bytes, sentMono, receivedMono } = received;
    let body: unknown;
    try {
      checkUtf8(bytes);
      body = read(bytes);
    } catch (error) {
      const malformed =
        error instanceof SyntaxError || error instanceof InvalidUtf8 ? malformedBody(error) : null;
      this.#report(sentMono, malformed?.failure, receivedMono);
      throw malformed ?? error;
    }
    this.#report(sentMono, undefined, receivedMono);
    return { body, sentMono, receivedMono, bytes: bytes.byteLength };
  }

  #report(sentMono: number, failure?: CentralFailure, receivedMono = this.options.monoNow()): void {
    this.options.onOutcome({
      ok: failure === undefined,
      roundTripMs: receivedMono - sentMono,
      ...(failure ? { failure } : {}),
    });
  }

  #transportError(error: unknown): CentralError {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new CentralError({ kind: 'timeout', message: 'the central platform did not answer in time' });
    }
    return new CentralError({ kind: 'network', message: describeNetworkError(error) });
  }
}

function classifyStatus(status: number, body: unknown): CentralFailure {
  const code =
    typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string'
      ? (body as { code: string }).code
      : null;
  const serverMessage =
    typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string'
      ? (body as { message: string }).message
      : '';
  if (status === 401) {
    return {
      kind: 'unauthorized',
      code: code ?? 'TOKEN_INVALID',
      message: `the session was refused (${code ?? status}) ${serverMessage}`.trim(),
    };
  }
  if (status === 410) {
    return {
      kind: 'cursorGone',
      code: code ?? 'CURSOR_EXPIRED',
      message: `the sync position is no longer valid: ${serverMessage}`,
    };
  }
  return {
    kind: 'http',
    status,
    code,
    message: `the central platform answered HTTP ${status}${code ? ` ${code}` : ''} ${serverMessage}`.trim(),
  };
}
