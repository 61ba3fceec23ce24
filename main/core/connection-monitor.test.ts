import { afterEach, describe, expect, it } from 'vitest';
import { startCentral, type RunningCentral } from '../../central/server';
import { createServerClock, systemClockSources } from './clock';
import { ConnectionMonitor } from './connection-monitor';
import type { NetworkStateSnapshot } from './network-state';

let central: RunningCentral | null = null;
afterEach(async () => {
  await central?.close();
  central = null;
});

function monitorFor(centralUrl: string, seen: NetworkStateSnapshot[]) {
  const clock = createServerClock();
  const monitor = new ConnectionMonitor({
    centralUrl,
    clock,
    monoNow: systemClockSources.monoNow,
    fetch: globalThis.fetch,
    intervalMs: 60_000,
    timeoutMs: 2_000,
    onChange: (snapshot) => seen.push(snapshot),
  });
  return { clock, monitor };
}

describe('ConnectionMonitor against the reference central server', () => {
  it('goes online and measures the server clock', async () => {
    central = await startCentral({ port: 0, seed: 1 });
    const seen: NetworkStateSnapshot[] = [];
    const { clock, monitor } = monitorFor(central.url, seen);
    await monitor.checkOnce();
    expect(seen.at(-1)).toMatchObject({ state: 'online', lastError: null });
    expect(clock.isSynchronised()).toBe(true);
  });

  it('goes offline with a plain reason when the server is gone, and back online when it returns', async () => {
    central = await startCentral({ port: 0, seed: 1 });
    const { port } = central;
    const seen: NetworkStateSnapshot[] = [];
    const { monitor } = monitorFor(central.url, seen);
    await monitor.checkOnce();
    await central.close();
    central = null;
    for (let attempt = 0; attempt < 3; attempt += 1) await monitor.checkOnce();
    expect(seen.at(-1)?.state).toBe('offline');
    expect(seen.at(-1)?.lastError).toMatch(/cannot reach the central platform \(ECONNREFUSED\)/);

    central = await startCentral({ port, seed: 1 });
    await monitor.checkOnce();
    expect(seen.at(-1)?.state).toBe('online');
  });
});
