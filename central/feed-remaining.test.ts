/**
 * ChangesPage.remaining: the platform's estimate of what a client still has to pull, which a workstation's
 * initial-sync progress bar divides by its rate. Every page here is validated against openapi.yaml by the client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCentral, type TestCentral } from './testing/fixture';
import type { ChangesPage } from './testing/spec-client';

let test: TestCentral;

beforeAll(async () => {
  test = await startTestCentral();
  await test.client.login();
});

afterAll(async () => {
  await test.close();
});

const remainingOf = (page: ChangesPage): number | undefined =>
  (page as ChangesPage & { remaining?: number }).remaining;

describe('GET /changes: remaining', () => {
  for (const scope of ['open', 'all'] as const) {
    it(`estimates what is left after each page of a first sync (scope=${scope}), ending at 0`, async () => {
      const { changes, pages } = await test.client.pullAll({ scope, limit: 1000 });
      expect(pages.length).toBeGreaterThan(5);
      let served = 0;
      for (const page of pages) {
        served += page.changes.length;
        const remaining = remainingOf(page);
        expect(Number.isInteger(remaining)).toBe(true);
        if (!page.hasMore) {
          expect(remaining).toBe(0);
          continue;
        }
        // served + remaining estimates the whole sync: within 10 % of what the sync turned out to be.
        const estimate = served + (remaining as number);
        expect(Math.abs(estimate - changes.length) / changes.length).toBeLessThan(0.1);
      }
      expect(served).toBe(changes.length);
    });
  }

  it('counts the changes made after a caught-up cursor', async () => {
    const { cursor } = await test.client.pullAll();
    await test.client.admin('POST', 'clock', { advanceBySeconds: 6 * 3600 });
    const page = await test.client.changes({ cursor, limit: 1 });
    expect(page.body.hasMore).toBe(true);
    const rest = await test.client.pullAll({ cursor: page.body.cursor, limit: 5000 });
    const remaining = remainingOf(page.body) ?? -1;
    // The live tail can hold gaps (entities that changed twice moved on): the estimate may run over, never wildly.
    expect(remaining).toBeGreaterThan(0);
    expect(Math.abs(remaining - rest.changes.length)).toBeLessThanOrEqual(Math.max(50, rest.changes.length));
  });
});
