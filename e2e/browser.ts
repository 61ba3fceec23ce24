import fs from 'node:fs';

/** Which Chromium the e2e tests drive: $DUTYDESK_CHROMIUM, Debian's, or (undefined) Playwright's own. */
export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.DUTYDESK_CHROMIUM ?? env.PLAYWRIGHT_CHROMIUM_EXECUTABLE;
  if (fromEnv) return fromEnv;
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}
