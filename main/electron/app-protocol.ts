/**
 * Serves the built renderer on `app://dutydesk/` (registered with protocol.handle in main.ts). Plain
 * Request -> Response, so Vitest runs it in Node. The CSP travels as a response header of every file:
 * pages loaded from a custom protocol obey the headers its handler returns.
 */
import { contentTypeOf } from '../core/content-types';
import { contentSecurityPolicy } from '../core/csp';
import type { Logger } from '../core/logger';
import { resolveAppFile } from './policy';

export interface AppProtocolOptions {
  /** The built renderer (dist/renderer). */
  rendererRoot: string;
  readFile: (file: string) => Promise<Uint8Array>;
  logger: Pick<Logger, 'warn'>;
}

const MISSING_FILE_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

export function createAppProtocolHandler(
  options: AppProtocolOptions,
): (request: Request) => Promise<Response> {
  const baseHeaders = {
    // Desktop mode talks to main over IPC only, so the page may connect nowhere but itself.
    'content-security-policy': contentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  const plain = (status: number, text: string): Response =>
    new Response(text, { status, headers: { ...baseHeaders, 'content-type': 'text/plain; charset=utf-8' } });

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed');
    const file = resolveAppFile(request.url, options.rendererRoot);
    if (file === null) return plain(404, 'not found');
    let body: Uint8Array;
    try {
      body = await options.readFile(file);
    } catch (error) {
      if (MISSING_FILE_CODES.has(errorCode(error) ?? '')) return plain(404, 'not found');
      options.logger.warn(`app protocol could not read ${file}`, error);
      return plain(500, 'could not read the file');
    }
    const contentType = contentTypeOf(file);
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: { ...baseHeaders, 'content-type': contentType, 'content-length': String(body.byteLength) },
    });
  };
}
