/**
 * What the tests of the operator's prompt actions and of prompts following the platform stand on: a real cache,
 * a manual clock, the rules engine, the outbox and the prompt store over it, and a prompt as the rules raise it.
 */
import { createManualClock } from '../clock';
import { silentLogger } from '../logger';
import { Outbox } from '../sync/outbox';
import { createRulesEngine, shippedRulesConfig, type RulesEngine } from './index';
import { PromptStore, type NewPrompt } from './prompt-store';
import { openTestCache, type TestCache } from './test-cache';

const HOUR_MS = 3_600_000;

export interface PromptBed {
  cache: TestCache;
  clock: ReturnType<typeof createManualClock>;
  rules: RulesEngine;
  outbox: Outbox;
  store: PromptStore;
}

/** A fresh cache (removed with `cache.remove()`) and its parts, the clock at `startMs`. */
export function openPromptBed(prefix: string, startMs: number): PromptBed {
  const cache = openTestCache(prefix);
  const clock = createManualClock(startMs);
  return {
    cache,
    clock,
    rules: createRulesEngine({ db: cache.db, clock, config: shippedRulesConfig(), logger: silentLogger }),
    outbox: new Outbox(cache.db),
    store: new PromptStore(cache.db),
  };
}

/** A prompt as the rules raise it at `at`: no handler on the alert for over an hour since `episode`. */
export function undispatchedPrompt(subjectId: string, episode: number, at: number): NewPrompt {
  return {
    rule: 'undispatched',
    subject: { entity: 'alert', id: subjectId },
    episode,
    stage: 0,
    recipientRole: 'sceneOperator',
    reason: '预警超过 1 小时无处置人员',
    dueAt: at + HOUR_MS,
    dataAsOf: at,
    detail: {},
  };
}
