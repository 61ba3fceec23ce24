import { test, expect } from './fixtures';

// Browser mode must be drivable only by its own page: these prove the token and Origin guards.

test('a bridge call with the token is answered', async ({ app, request }) => {
  const response = await request.post(`${app.origin}/api/call`, {
    headers: { authorization: `Bearer ${app.token}` },
    data: { name: 'getAppInfo', args: [] },
  });
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { ok: boolean; value: { mode: string } };
  expect(body).toMatchObject({ ok: true, value: { mode: 'browser' } });
});

test('a bridge call without the token is refused', async ({ app, request }) => {
  const response = await request.post(`${app.origin}/api/call`, { data: { name: 'getAppInfo', args: [] } });
  expect(response.status()).toBe(401);
  expect(await response.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
});

test('a bridge call with a wrong token is refused', async ({ app, request }) => {
  const response = await request.post(`${app.origin}/api/call`, {
    headers: { authorization: `Bearer ${app.token.slice(0, -2)}xx` },
    data: { name: 'getAppInfo', args: [] },
  });
  expect(response.status()).toBe(401);
});

test('a bridge call from a foreign Origin is refused even with the token', async ({ app, request }) => {
  const response = await request.post(`${app.origin}/api/call`, {
    headers: { authorization: `Bearer ${app.token}`, origin: 'http://evil.example' },
    data: { name: 'getAppInfo', args: [] },
  });
  expect(response.status()).toBe(403);
  expect(await response.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
});

test('a foreign page in Chromium cannot call the bridge', async ({ app, page }) => {
  // A page served from another origin (a data: URL has an opaque origin) tries the API with a stolen token.
  await page.goto('data:text/html,<title>foreign</title>');
  const outcome = await page.evaluate(
    async ({ origin, token }) => {
      try {
        const response = await fetch(`${origin}/api/call`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ name: 'getAppInfo', args: [] }),
        });
        return `status ${response.status}`;
      } catch {
        return 'blocked';
      }
    },
    { origin: app.origin, token: app.token },
  );
  expect(outcome).not.toBe('status 200');
});

test('the page itself needs the token', async ({ app, request }) => {
  const response = await request.get(`${app.origin}/`);
  expect(response.status()).toBe(401);
  expect(await response.text()).toContain('需要访问令牌');
});

test('a request naming another host is refused (DNS rebinding)', async ({ app, request }) => {
  const response = await request.get(`${app.origin}/?token=${app.token}`, {
    headers: { host: `attacker.example:${app.port}` },
  });
  expect(response.status()).toBe(421);
});

test('the event socket refuses a missing token and a foreign Origin', async ({ app, page }) => {
  await page.goto(app.url);
  const results = await page.evaluate(async (port) => {
    const attempt = (url: string) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(url);
        socket.onopen = () => {
          socket.close();
          resolve('open');
        };
        socket.onerror = () => resolve('refused');
      });
    return {
      withoutToken: await attempt(`ws://127.0.0.1:${port}/api/events`),
      wrongToken: await attempt(`ws://127.0.0.1:${port}/api/events?token=nope`),
    };
  }, app.port);
  expect(results).toEqual({ withoutToken: 'refused', wrongToken: 'refused' });
});
