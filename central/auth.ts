/**
 * Operator accounts and bearer sessions. Passwords are stored as scrypt hashes (node:crypto, with a random salt
 * each); tokens are random and stored only as their SHA-256, so the SQLite file alone lets nobody in. The demo
 * accounts and their passwords are listed in central/README.md: they exist for the demo and tests only.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { DEMO_OPERATORS, type OperatorProfile } from './district';
import type { Store } from './store';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keyLength: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** scrypt cost parameters (N = 2^14, r = 8, p = 1: node's defaults, about 16 MiB and 30-60 ms per hash). */
const SCRYPT = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;

/** A shift is twelve hours; a session lasts one shift unless the token-expiry fault shortens it. */
export const SESSION_LIFETIME_MS = 12 * 3_600_000;

/** Demo passwords: `<username>-demo`. Documented in README.md; never use such accounts outside the demo. */
export function demoPassword(username: string): string {
  return `${username}-demo`;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LENGTH, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltText, keyText] = stored.split('$');
  if (scheme !== 'scrypt' || !saltText || !keyText) return false;
  const expected = Buffer.from(keyText, 'base64');
  const key = await scryptAsync(password, Buffer.from(saltText, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Stores the demo accounts (hashing in parallel on libuv's pool keeps start-up short). */
export async function seedDemoAccounts(store: Store): Promise<void> {
  const hashes = await Promise.all(
    DEMO_OPERATORS.map((operator) => hashPassword(demoPassword(operator.username))),
  );
  const insert = store.db.prepare(
    'INSERT INTO account (username, operator_id, password_hash) VALUES (?, ?, ?) ON CONFLICT(username) DO NOTHING',
  );
  store.transaction(() => {
    DEMO_OPERATORS.forEach((operator, index) => insert.run(operator.username, operator.id, hashes[index]));
  });
}

export interface Session {
  operator: OperatorProfile;
  issuedAt: number;
  expiresAt: number;
}

export type Authentication =
  | { ok: true; session: Session }
  | { ok: false; code: 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED'; message: string };

/**
 * Sessions run on real elapsed time, not on the simulated clock: a test that advances the district by days does
 * not log its operators out. (The login response still states the expiry on the server clock.)
 */
export class Sessions {
  readonly #store: Store;
  readonly #operators: Map<string, OperatorProfile>;
  /** The token-expiry fault: when it returns a number, sessions last that long from when they were issued. */
  readonly #lifetimeOverride: () => number | null;

  constructor(store: Store, operators: readonly OperatorProfile[], lifetimeOverride: () => number | null) {
    this.#store = store;
    this.#operators = new Map(operators.map((operator) => [operator.id, operator]));
    this.#lifetimeOverride = lifetimeOverride;
  }

  async login(
    username: string,
    password: string,
    now: number,
  ): Promise<{ token: string; session: Session } | null> {
    const account = this.#store.db
      .prepare('SELECT operator_id AS operatorId, password_hash AS hash FROM account WHERE username = ?')
      .get(username) as { operatorId: string; hash: string } | undefined;
    // Hash even for unknown users so that timing does not reveal which usernames exist.
    const valid = await verifyPassword(password, account?.hash ?? UNKNOWN_USER_HASH);
    const operator = account ? this.#operators.get(account.operatorId) : undefined;
    if (!valid || !operator) return null;
    const token = randomBytes(32).toString('base64url');
    const lifetime = this.#lifetimeOverride() ?? SESSION_LIFETIME_MS;
    const session: Session = { operator, issuedAt: now, expiresAt: now + lifetime };
    this.#store.db
      .prepare('INSERT INTO session (token_hash, operator_id, issued_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(tokenHash(token), operator.id, now, session.expiresAt);
    return { token, session };
  }

  authenticate(header: string | undefined, now: number): Authentication {
    if (!header)
      return {
        ok: false,
        code: 'TOKEN_MISSING',
        message: 'this operation needs an Authorization: Bearer token',
      };
    const match = /^Bearer ([A-Za-z0-9_-]{16,200})$/.exec(header);
    if (!match?.[1]) {
      return {
        ok: false,
        code: 'TOKEN_INVALID',
        message: 'the Authorization header must be "Bearer <token>"',
      };
    }
    const row = this.#store.db
      .prepare(
        'SELECT operator_id AS operatorId, issued_at AS issuedAt, expires_at AS expiresAt FROM session WHERE token_hash = ?',
      )
      .get(tokenHash(match[1])) as { operatorId: string; issuedAt: number; expiresAt: number } | undefined;
    const operator = row ? this.#operators.get(row.operatorId) : undefined;
    if (!row || !operator)
      return { ok: false, code: 'TOKEN_INVALID', message: 'the token is not known; log in again' };
    const override = this.#lifetimeOverride();
    const expiresAt = override === null ? row.expiresAt : Math.min(row.expiresAt, row.issuedAt + override);
    if (now >= expiresAt) {
      return {
        ok: false,
        code: 'TOKEN_EXPIRED',
        message: `the session expired at ${new Date(expiresAt).toISOString()}; log in again`,
      };
    }
    return { ok: true, session: { operator, issuedAt: row.issuedAt, expiresAt } };
  }
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A well-formed hash of a random password: verifying against it costs what a real check costs, and fails. */
const UNKNOWN_USER_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${randomBytes(16).toString('base64')}$${randomBytes(KEY_LENGTH).toString('base64')}`;
