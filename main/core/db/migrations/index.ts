import type { Migration } from '../migrate';
import { m001Initial } from './m001-initial';
import { m002RulesEngine } from './m002-rules-engine';
import { m003ReadingsCache } from './m003-readings-cache';
import { m004Alarms } from './m004-alarms';
import { m005PromptFollow } from './m005-prompt-follow';

/** Every schema version, in order; `migrate` checks that the versions run 1, 2, 3, ... */
export const cacheMigrations: readonly Migration[] = [
  m001Initial,
  m002RulesEngine,
  m003ReadingsCache,
  m004Alarms,
  m005PromptFollow,
];
