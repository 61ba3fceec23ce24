import { describe, expect, it } from 'vitest';
import { createManualClock, createServerClock, type ClockSources } from './clock';

function fakeSources(
  wallStart: number,
): ClockSources & { tick(ms: number): void; jumpWall(ms: number): void } {
  let mono = 1_000;
  let wall = wallStart;
  return {
    wallNow: () => wall,
    monoNow: () => mono,
    tick(ms) {
      mono += ms;
      wall += ms;
    },
    jumpWall(ms) {
      wall += ms;
    },
  };
}

describe('createServerClock', () => {
  const server = Date.parse('2026-11-23T08:00:00Z');

  it('follows the machine clock until the first measurement, then the server', () => {
    const sources = fakeSources(server - 3_600_000); // the machine is an hour behind
    const clock = createServerClock(sources);
    expect(clock.isSynchronised()).toBe(false);
    expect(clock.now()).toBe(server - 3_600_000);

    sources.tick(100);
    clock.observe({ sentMono: 1_000, receivedMono: 1_100, serverMs: server });
    expect(clock.isSynchronised()).toBe(true);
    // serverMs + half the round trip, at the instant of receipt
    expect(clock.now()).toBe(server + 50);
    // The machine read server - 1 h + 100 ms at that instant.
    expect(clock.offsetMs()).toBe(3_600_000 + 50 - 100);
  });

  it('keeps counting on the monotonic clock while offline, whatever the machine clock does', () => {
    const sources = fakeSources(server + 86_400_000); // a day ahead
    const clock = createServerClock(sources);
    clock.observe({ sentMono: 1_000, receivedMono: 1_000, serverMs: server });
    sources.tick(2 * 3_600_000);
    sources.jumpWall(-5 * 86_400_000); // someone changes the machine's date
    expect(clock.now()).toBe(server + 2 * 3_600_000);
  });

  it('prefers a sample with a short round trip over a noisy one shortly after', () => {
    const sources = fakeSources(server);
    const clock = createServerClock(sources);
    sources.tick(20);
    clock.observe({ sentMono: 1_000, receivedMono: 1_020, serverMs: server });
    // A slow answer 5 s later carries a less certain time (it claims 1 s more than the fast one); not taken.
    sources.tick(9_000 - 1_020);
    clock.observe({ sentMono: 6_000, receivedMono: 9_000, serverMs: server + 9_000 });
    expect(clock.now()).toBe(server + 10 + (9_000 - 1_020));
  });

  it('takes a newer sample after a minute even if slower, so drift is followed', () => {
    const sources = fakeSources(server);
    const clock = createServerClock(sources);
    clock.observe({ sentMono: 1_000, receivedMono: 1_020, serverMs: server });
    clock.observe({ sentMono: 70_000, receivedMono: 70_400, serverMs: server + 80_000 });
    sources.tick(70_400 - 1_000);
    expect(clock.now()).toBe(server + 80_200);
  });
});

describe('adoptOffset', () => {
  it('tells the server time from an offset measured on another thread', () => {
    const server = Date.parse('2026-11-23T08:00:00Z');
    const sources = fakeSources(server - 7_200_000);
    const clock = createServerClock(sources);
    clock.adoptOffset(7_200_000);
    expect(clock.isSynchronised()).toBe(true);
    expect(clock.now()).toBe(server);
    sources.tick(1_000);
    expect(clock.now()).toBe(server + 1_000);
    expect(clock.offsetMs()).toBe(7_200_000);
  });
});

describe('createManualClock', () => {
  it('moves only when told', () => {
    const clock = createManualClock(1_000);
    clock.advance(500);
    expect(clock.now()).toBe(1_500);
    clock.set(42);
    expect(clock.now()).toBe(42);
  });
});
