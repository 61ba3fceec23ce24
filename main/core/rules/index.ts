/** The work-prompt rules engine (issue 5): configuration, evaluation, prompts and their schedule. */
export {
  loadRulesConfig,
  resolveRulesConfig,
  shippedRulesConfig,
  type LoadedRulesConfig,
  type RuleId,
  type RulesConfig,
} from './config';
export {
  createRulesEngine,
  DEFAULT_FULL_PASS_EVERY_MS,
  DEFAULT_TICK_BUDGET,
  type RulesActionResult,
  type RulesCounts,
  type RulesEngine,
  type RulesEngineOptions,
  type TickReport,
} from './engine';
export type { ListPromptsQuery, PromptState, ResolutionKind, WorkPromptRecord } from './prompt-store';
export { DEFAULT_TICK_INTERVAL_MS, startRulesSchedule, type RulesSchedule } from './schedule';
