import type { Migration } from '../migrate';
import { m001Initial } from './m001-initial';
import { m002RulesEngine } from './m002-rules-engine';

/** Every schema version, in order; `migrate` checks that the versions run 1, 2, 3, ... */
export const cacheMigrations: readonly Migration[] = [m001Initial, m002RulesEngine];
