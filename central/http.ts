/** HTTP plumbing for the central server: reading bodies, writing JSON replies, and the faults applied to them. */
import type http from 'node:http';
import type { ErrorCode } from './domain';
import type { ResponseFault } from './faults';
import type { FieldProblem } from './validation';

export const MAX_REQUEST_BYTES = 1024 * 1024;

export interface JsonReply {
  status: number;
  /** Serialised JSON (pages are spliced together from stored bytes, so replies carry text or bytes, not objects). */
  body: string | Buffer;
  headers?: Record<string, string>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldProblem[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function json(status: number, value: unknown, headers?: Record<string, string>): JsonReply {
  return headers ? { status, body: JSON.stringify(value), headers } : { status, body: JSON.stringify(value) };
}

export function errorReply(error: HttpError): JsonReply {
  const body: { code: ErrorCode; message: string; details?: FieldProblem[] } = {
    code: error.code,
    message: error.message,
  };
  if (error.details && error.details.length > 0) body.details = error.details;
  return json(error.status, body, error.headers);
}

/** Reads a JSON request body (at most 1 MiB) and parses it; the result is `unknown` until validated. */
export async function readJsonBody(request: http.IncomingMessage): Promise<unknown> {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `send the body as application/json (got "${type || 'nothing'}")`,
    );
  }
  const declared = Number(request.headers['content-length'] ?? '0');
  if (declared > MAX_REQUEST_BYTES) {
    request.resume();
    throw new HttpError(413, 'BODY_TOO_LARGE', `the body may be at most ${MAX_REQUEST_BYTES} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) {
      request.resume();
      throw new HttpError(413, 'BODY_TOO_LARGE', `the body may be at most ${MAX_REQUEST_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(
      400,
      'INVALID_JSON',
      `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
} as const;

/**
 * Writes a reply, damaging it as the fault plan says. Returns a promise that settles when the reply is written
 * (or abandoned), so that a huge oversized body is streamed with back-pressure.
 */
export async function writeReply(
  response: http.ServerResponse,
  reply: JsonReply,
  fault: ResponseFault | null,
): Promise<void> {
  const headers = { ...BASE_HEADERS, ...reply.headers };
  if (fault?.loseMutationResponse) {
    // The mutations are committed; the client never hears so. Its retry must come back `duplicate`.
    response.socket?.destroy();
    return;
  }
  let bytes = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  if (fault?.malformed) bytes = Buffer.from(malform(bytes.toString('utf8')), 'utf8');
  if (fault?.truncated) bytes = bytes.subarray(0, utf8Boundary(bytes, Math.floor(bytes.length * 0.6)));
  if (fault?.oversized) {
    await writeOversized(response, reply.status, headers, bytes, fault);
    return;
  }
  if (fault?.dropMidBody) {
    response.writeHead(reply.status, { ...headers, 'content-length': String(bytes.length) });
    response.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))), () =>
      response.socket?.destroy(),
    );
    return;
  }
  response.writeHead(reply.status, { ...headers, 'content-length': String(bytes.length) });
  response.end(bytes);
}

/** The nearest cut at or before `index` that does not split a UTF-8 character (at least one byte). */
function utf8Boundary(bytes: Buffer, index: number): number {
  let cut = Math.max(1, index);
  // Continuation bytes are 10xxxxxx: step back to the character's first byte.
  while (cut > 1 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return cut;
}

/** A trailing comma before the final brace: a classic broken serialiser, invalid JSON everywhere. */
function malform(text: string): string {
  const end = text.lastIndexOf('}');
  return end < 0 ? `${text},` : `${text.slice(0, end)},${text.slice(end)}`;
}

/** Pads the JSON with whitespace before its final brace up to the configured size: still valid, absurdly large. */
async function writeOversized(
  response: http.ServerResponse,
  status: number,
  headers: Record<string, string>,
  bytes: Buffer,
  fault: ResponseFault,
): Promise<void> {
  const target = Math.max(fault.oversizedBytes, bytes.length + 1);
  const head = bytes.subarray(0, bytes.length - 1);
  const tail = bytes.subarray(bytes.length - 1);
  let padding = target - bytes.length;
  response.writeHead(status, { ...headers, 'content-length': String(target) });
  response.write(head);
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  while (padding > 0 && !response.destroyed) {
    const piece = padding >= chunk.length ? chunk : chunk.subarray(0, padding);
    padding -= piece.length;
    if (!response.write(piece))
      await new Promise<void>((resolve) => response.once('drain', resolve).once('close', resolve));
  }
  if (!response.destroyed) response.end(tail);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
