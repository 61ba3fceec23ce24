import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATORS } from './district';
import { startCentral } from './server';
import { openEventStream } from './testing/event-stream';
import { startTestCentral, uniqueId, type TestCentral } from './testing/fixture';
import { CentralClient, SpecValidator } from './testing/spec-client';

let test: TestCentral;

beforeAll(async () => {
  test = await startTestCentral({ historyDays: 2 });
});

afterAll(async () => {
  await test.close();
});

describe('POST /session', () => {
  it('logs in each demo account with its profile and role', async () => {
    for (const operator of DEMO_OPERATORS) {
      const client = test.newClient();
      const session = await client.login(operator.username);
      expect(session.operator).toMatchObject({ id: operator.id, role: operator.role, name: operator.name });
      expect(session.expiresInSeconds).toBe(12 * 3600);
    }
    expect(DEMO_OPERATORS.filter((operator) => operator.role === 'shiftLead')).toHaveLength(1);
  });

  it('refuses a wrong password or an unknown user alike, and a malformed body', async () => {
    for (const body of [
      { username: 'wangfang', password: 'wrong' },
      { username: 'nobody', password: 'nobody-demo' },
    ]) {
      const response = await test.client.request<{ code: string }>('POST', '/api/v1/session', {
        body,
        token: null,
      });
      expect([response.status, response.body.code]).toEqual([401, 'CREDENTIALS_INVALID']);
    }
    const malformed = await test.client.request<{ code: string; details: { field: string }[] }>(
      'POST',
      '/api/v1/session',
      {
        body: { username: 'wangfang' },
        token: null,
        unchecked: true,
      },
    );
    expect([malformed.status, malformed.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(malformed.body.details[0]?.field).toBe('password');
  });

  it('stores passwords only as scrypt hashes', () => {
    const db = new Database(test.central.dataFile, { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT username, password_hash AS hash FROM account').all() as {
        username: string;
        hash: string;
      }[];
      expect(rows).toHaveLength(DEMO_OPERATORS.length);
      for (const row of rows) {
        expect(row.hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
        expect(row.hash).not.toContain(`${row.username}-demo`);
      }
    } finally {
      db.close();
    }
  });
});

describe('authentication', () => {
  it('answers 401 with a code for a missing, malformed or unknown token', async () => {
    const cases: [string | null, Record<string, string>, string][] = [
      [null, {}, 'TOKEN_MISSING'],
      [null, { authorization: 'Basic d2FuZ2Zhbmc6eA==' }, 'TOKEN_INVALID'],
      ['this-token-was-never-issued-by-anyone', {}, 'TOKEN_INVALID'],
    ];
    for (const [token, headers, code] of cases) {
      const response = await test.client.request<{ code: string }>('GET', '/api/v1/changes', {
        token,
        headers,
      });
      expect([response.status, response.body.code], code).toEqual([401, code]);
    }
  });

  it('serves time and health without a token', async () => {
    const time = await test.client.request<{ serverTime: string }>('GET', '/api/v1/time', { token: null });
    expect(time.status).toBe(200);
    expect(time.body.serverTime).toBe('2025-07-10T02:00:00.000Z'); // the frozen test clock
    expect((await test.client.request('GET', '/api/v1/health', { token: null })).status).toBe(200);
  });
});

describe('routing', () => {
  it('answers 404 for an unknown path and 405 with Allow for a wrong method', async () => {
    const missing = await fetch(new URL('/api/v1/nothing-here', test.central.url));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('NOT_FOUND');
    const wrong = await fetch(new URL('/api/v1/time', test.central.url), { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect(((await wrong.json()) as { code: string }).code).toBe('METHOD_NOT_ALLOWED');
  });

  it('refuses the admin API with 403 unless started with testAdmin', async () => {
    const plain = await startTestCentral({ historyDays: 1, testAdmin: false });
    try {
      for (const [method, action, body] of [
        ['GET', 'state', undefined],
        ['POST', 'clock', { advanceBySeconds: 60 }],
        ['PUT', 'faults', { latencyMs: 1 }],
      ] as const) {
        const response = await plain.client.request<{ code: string }>(
          method,
          `/api/v1/admin/${action}`,
          body ? { body } : {},
        );
        expect([response.status, response.body.code], action).toEqual([403, 'ADMIN_DISABLED']);
      }
    } finally {
      await plain.close();
    }
  });
});

describe('GET /events', () => {
  it('pokes with the feed head when something changes, and sends heartbeats', async () => {
    const client = test.newClient();
    const { token } = await client.login('liqiang');
    const stream = await openEventStream(test.central.url, token, client.validator);
    const first = await stream.next('poke');
    expect((first.data as { cursor: string }).cursor).toBe((await client.pullAll()).cursor);
    await stream.next('heartbeat');

    const poked = stream.next('poke');
    const result = await client.mutate(uniqueId('ws'), [
      {
        id: uniqueId('m'),
        seq: 1,
        name: 'claimItem',
        args: { subject: { entity: 'scene', id: 'SC004' } },
        createdAt: new Date().toISOString(),
      },
    ]);
    const poke = await poked;
    expect((poke.data as { cursor: string }).cursor).toBe(result.cursor);
    stream.close();
  });

  it('needs a token', async () => {
    const response = await test.client.request<{ code: string }>('GET', '/api/v1/events', { token: null });
    expect([response.status, response.body.code]).toEqual([401, 'TOKEN_MISSING']);
  });
});

describe('starting', () => {
  it('rejects a port in use and leaves no temporary directory behind', async () => {
    // A private temporary directory, so that other servers starting meanwhile do not count.
    const privateTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'central-start-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    try {
      await expect(startCentral({ port: test.central.port, seed: 1, historyDays: 1 })).rejects.toThrow(
        /EADDRINUSE/,
      );
      expect(fs.readdirSync(privateTmp)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      fs.rmSync(privateTmp, { recursive: true, force: true });
    }
  });

  it('refuses options that make no sense, naming them', async () => {
    await expect(startCentral({ port: 70_000, seed: 1.5 })).rejects.toThrow(
      /port must be 0-65535.*seed must be a whole number/,
    );
  });
});

describe('the data directory', () => {
  it('resumes the same district on restart, so clients keep their cursors', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'central-resume-'));
    const validator = new SpecValidator();
    try {
      const first = await startCentral({ port: 0, seed: 5, historyDays: 2, dataDir });
      expect(first.generation?.alerts).toBeGreaterThan(100);
      const client = new CentralClient(first.url, validator);
      await client.login();
      const { cursor, changes } = await client.pullAll();
      await first.close();

      const second = await startCentral({ port: 0, seed: 5, historyDays: 2, dataDir });
      try {
        expect(second.generation).toBeNull();
        const again = new CentralClient(second.url, validator);
        await again.login();
        const resumed = await again.changes({ cursor });
        expect(resumed.status).toBe(200);
        expect(changes.length).toBeGreaterThan(1000);
      } finally {
        await second.close();
      }

      // Another seed is another district: the file is regenerated and old cursors are unknown.
      const third = await startCentral({ port: 0, seed: 6, historyDays: 2, dataDir });
      try {
        expect(third.generation).not.toBeNull();
        const other = new CentralClient(third.url, validator);
        await other.login();
        expect((await other.changes({ cursor })).status).toBe(410);
      } finally {
        await third.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
