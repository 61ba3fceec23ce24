import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh token for every start: 256 random bits, URL-safe. */
export function createAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokensEqual(expected: string, provided: string | null | undefined): boolean {
  if (typeof provided !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who may drive browser mode: only pages of this very host (127.0.0.1 or localhost on our port).
 *
 * - Host must name loopback on our port, which defeats DNS rebinding (a foreign name resolving to 127.0.0.1).
 * - Origin, when a browser sends one, must be ours: no other page can call the API or open the socket.
 * - The token must be present: on the API as `Authorization: Bearer`, on the socket as `?token=`.
 */
export class AccessPolicy {
  readonly allowedHosts: ReadonlySet<string>;
  readonly allowedOrigins: ReadonlySet<string>;

  constructor(
    readonly token: string,
    readonly port: number,
  ) {
    this.allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    this.allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  }

  hostAllowed(host: string | undefined): boolean {
    return host !== undefined && this.allowedHosts.has(host.toLowerCase());
  }

  /** A missing Origin is allowed (non-browser clients still need the token); a present one must be ours. */
  originAllowed(origin: string | undefined): boolean {
    return origin === undefined || this.allowedOrigins.has(origin.toLowerCase());
  }

  tokenValid(provided: string | null | undefined): boolean {
    return tokensEqual(this.token, provided);
  }

  /** The page's cookie name includes the port: cookies are not port-scoped, two instances must not mix. */
  get cookieName(): string {
    return `dutydesk_token_${this.port}`;
  }
}

export function bearerToken(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  return match?.[1] ?? null;
}

export function cookieValue(cookieHeader: string | undefined, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return null;
}
