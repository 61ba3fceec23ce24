import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startServedApp, stopServedApp, type ServedApp } from './fixtures';

// What went wrong with the workstation's own files is told to the operator, in words, and work goes on.
let app: ServedApp;

test.beforeAll(async () => {
  app = await startServedApp(['--demo'], (dataDir) => {
    // A cache that is not a database at all, and a site rules file with a mistake in it.
    fs.writeFileSync(path.join(dataDir, 'cache.db'), 'this is not a SQLite file');
    fs.writeFileSync(
      path.join(dataDir, 'rules.json'),
      JSON.stringify({ formatVersion: 1, rules: { 'scene-silent': { stages: [{ afterHours: 'a day' }] } } }),
    );
  });
});
test.afterAll(async () => {
  await stopServedApp(app);
});

test('a damaged cache and a refused rules override are told in Chinese, and the damaged file is kept', async ({
  page,
}) => {
  await page.goto(app.url);
  await expect(page.getByTestId('notice-cacheRebuilt')).toContainText('本地缓存已损坏');
  await expect(page.getByTestId('notice-rulesOverrideRefused')).toContainText('scene-silent');
  await expect(page.getByTestId('status-connection')).toContainText('在线', { timeout: 20_000 });
  const kept = fs.readdirSync(app.dataDir).filter((name) => name.startsWith('cache.db.corrupt-'));
  expect(kept).toHaveLength(1);
  expect(fs.readFileSync(path.join(app.dataDir, kept[0]!), 'utf8')).toBe('this is not a SQLite file');
});

test('the same notices in English', async ({ page, request }) => {
  await request.post(`${app.origin}/api/call`, {
    headers: { authorization: `Bearer ${app.token}` },
    data: { name: 'setPreferences', args: [{ locale: 'en' }] },
  });
  await page.goto(app.url);
  await expect(page.getByTestId('notice-cacheRebuilt')).toContainText('The local cache was damaged');
  await expect(page.getByTestId('notice-rulesOverrideRefused')).toContainText('were not applied');
});
