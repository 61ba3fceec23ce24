/**
 * Starts a small, frozen-clock test district for a test file: five days of history, admin API on, a fast
 * heartbeat. The clock only moves when a test moves it, so every test sees exact instants.
 */
import { startCentral, type CentralOptions, type RunningCentral } from '../server';
import { CentralClient, SpecValidator } from './spec-client';

/** A fixed "now" for test districts: mid-July, in the flood and typhoon seasons. */
export const TEST_START = '2025-07-10T02:00:00.000Z';

let sharedValidator: SpecValidator | null = null;

export interface TestCentral {
  central: RunningCentral;
  client: CentralClient;
  /** Another workstation talking to the same server. */
  newClient(): CentralClient;
  close(): Promise<void>;
}

export async function startTestCentral(overrides: Partial<CentralOptions> = {}): Promise<TestCentral> {
  sharedValidator ??= new SpecValidator();
  const validator = sharedValidator;
  const central = await startCentral({
    port: 0,
    seed: 7,
    historyDays: 5,
    testAdmin: true,
    freezeClock: true,
    startTime: TEST_START,
    tickMs: 60_000,
    heartbeatMs: 200,
    ...overrides,
  });
  return {
    central,
    client: new CentralClient(central.url, validator),
    newClient: () => new CentralClient(central.url, validator),
    close: () => central.close(),
  };
}

let counter = 0;

/** A unique mutation (or prompt, note...) id for a test. */
export function uniqueId(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}
