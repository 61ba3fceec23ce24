import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { ServerClock } from '../clock';
import type { CentralClient } from './central-client';

const sessionSchema = z.object({
  token: z.string().min(1),
  expiresAt: z.iso.datetime({ offset: true }),
  serverTime: z.iso.datetime({ offset: true }),
  operator: z.object({
    id: z.string().min(1),
    username: z.string(),
    name: z.string(),
    role: z.enum(['operator', 'shiftLead']),
    dutyRoom: z.string(),
  }),
});

export type OperatorProfile = z.output<typeof sessionSchema>['operator'];

export interface StoredSession {
  operator: OperatorProfile;
  /** Null once the platform refused it (expired): the operator stays signed in locally and keeps working. */
  token: string | null;
  expiresAtMs: number | null;
}

/**
 * Signs an operator in against the central platform (POST /session) and keeps the session in the
 * cache, so it survives a restart and an outage. Throws the client's CentralError on failure.
 */
export async function signIn(
  client: CentralClient,
  db: Database.Database,
  clock: ServerClock,
  credentials: { username: string; password: string },
): Promise<StoredSession> {
  const response = await client.request('POST', '/api/v1/session', { body: credentials });
  const session = sessionSchema.parse(response.body);
  clock.observe({
    sentMono: response.sentMono,
    receivedMono: response.receivedMono,
    serverMs: Date.parse(session.serverTime),
  });
  const stored: StoredSession = {
    operator: session.operator,
    token: session.token,
    expiresAtMs: Date.parse(session.expiresAt),
  };
  db.prepare(
    `INSERT INTO session (id, operator_id, operator, token, expires_at) VALUES (1, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET operator_id = excluded.operator_id, operator = excluded.operator,
       token = excluded.token, expires_at = excluded.expires_at`,
  ).run(session.operator.id, JSON.stringify(session.operator), session.token, stored.expiresAtMs);
  return stored;
}

export function readSession(db: Database.Database): StoredSession | null {
  const row = db.prepare('SELECT operator, token, expires_at FROM session WHERE id = 1').get() as
    { operator: string; token: string | null; expires_at: number | null } | undefined;
  if (!row) return null;
  return {
    operator: JSON.parse(row.operator) as OperatorProfile,
    token: row.token,
    expiresAtMs: row.expires_at,
  };
}

/** Signing out forgets the session; unsent actions stay in the outbox under the operator who made them. */
export function signOut(db: Database.Database): void {
  db.prepare('DELETE FROM session WHERE id = 1').run();
}
