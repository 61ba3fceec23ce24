/**
 * A moderately large district (about 50,000 alerts) generated and paged out completely through GET /changes,
 * every page validated against the spec. Not timed: the 1,000,000-alert measurement is bench/central-paging.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCentral, type TestCentral } from './testing/fixture';

let test: TestCentral;

beforeAll(async () => {
  test = await startTestCentral({ alerts: 50_000, historyDays: 30 });
  await test.client.login();
}, 120_000);

afterAll(async () => {
  await test.close();
});

describe('a large district', () => {
  it(
    'generates about the alerts asked for and pages every change out exactly once',
    { timeout: 180_000 },
    async () => {
      const generated = test.central.generation;
      expect(generated?.alerts).toBeGreaterThan(47_500);
      expect(generated?.alerts).toBeLessThan(52_500);

      const seen = new Set<string>();
      let alerts = 0;
      let pages = 0;
      let cursor: string | undefined;
      for (;;) {
        const response = await test.client.changes({ cursor, limit: 5000 });
        expect(response.status).toBe(200);
        for (const change of response.body.changes) {
          const key = `${change.entity}|${change.id}`;
          expect(seen.has(key)).toBe(false);
          seen.add(key);
          if (change.entity === 'alert') alerts++;
        }
        pages++;
        cursor = response.body.cursor;
        if (!response.body.hasMore) break;
      }
      expect(alerts).toBe(generated?.alerts);
      expect(seen.size).toBe(generated?.feedRows);
      expect(pages).toBeGreaterThan(20);
    },
  );
});
