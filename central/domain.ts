/**
 * The vocabulary of the central API, shared by the server code and its tests. Every list here is also an enum in
 * openapi.yaml; `openapi.test.ts` proves the two agree, so the spec stays the one source of truth for the wire.
 * Identifiers follow ../shared/DESIGN.md's glossary.
 */

export const ENTITY_KINDS = [
  'scene',
  'device',
  'alert',
  'workOrder',
  'workPrompt',
  'timelineEntry',
  'commandManual',
  'keyPeriod',
  'operator',
  'claim',
  'handover',
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** Warning levels, most severe last (红橙黄蓝 read from the other end). */
export const ALERT_LEVELS = ['blue', 'yellow', 'orange', 'red'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

export const ALERT_STATUSES = ['pending', 'dispatched', 'handling', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const LOOPS = ['enterprise', 'sector', 'major'] as const;
export type Loop = (typeof LOOPS)[number];

export const MAJOR_LOOP_KINDS = ['emergency', 'risk'] as const;
export type MajorLoopKind = (typeof MAJOR_LOOP_KINDS)[number];

/** Who receives a major loop of each kind (regulation art. 6). */
export const MAJOR_LOOP_RECIPIENT: Record<MajorLoopKind, string> = {
  emergency: '区应急管理局应急指挥中心',
  risk: '区应急管理局综合减灾处',
};

export const DOMAINS = ['lifeline', 'publicSafety', 'productionSafety', 'naturalDisaster'] as const;
export type Domain = (typeof DOMAINS)[number];

export const SCENE_KINDS = ['scene', 'subplatform', 'regional'] as const;
export type SceneKind = (typeof SCENE_KINDS)[number];

export const RISK_CATEGORIES = [
  'gasPipeline',
  'restaurantGas',
  'bridge',
  'waterSupply',
  'undergroundUtility',
  'oldBuilding',
  'crowd',
  'buildingFire',
  'elevator',
  'keyVehicle',
  'hazardousChemicals',
  'construction',
  'waterlogging',
  'typhoon',
  'geological',
] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

export const RECIPIENT_ROLES = [
  'sceneOperator',
  'sceneTechnician',
  'sceneHead',
  'techOps',
  'dutyTeam',
] as const;
export type RecipientRole = (typeof RECIPIENT_ROLES)[number];

/** The work-prompt rules of DESIGN.md; a prompt names the rule that raised it. `manual` is an operator's own. */
export const WORK_PROMPT_RULES = [
  'device-offline',
  'device-info-error',
  'scene-silent',
  'sync-rate-low',
  'red-alert',
  'undispatched',
  'overdue-closure',
  'non-standard',
  'annual-elements',
  'annual-manual',
  'annual-roster',
  'weekly-report',
  'monthly-report',
  'period-outlook',
  'weekly-meeting',
  'risk-map-anomaly',
  'manual',
] as const;
export type WorkPromptRule = (typeof WORK_PROMPT_RULES)[number];

export const WORK_PROMPT_STATUSES = ['issued', 'acknowledged', 'resolved'] as const;
export type WorkPromptStatus = (typeof WORK_PROMPT_STATUSES)[number];

export const OPERATOR_ROLES = ['operator', 'shiftLead'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export const KEY_PERIOD_KINDS = [
  'floodSeason',
  'typhoonSeason',
  'freezingPeriod',
  'holiday',
  'majorEvent',
] as const;
export type KeyPeriodKind = (typeof KEY_PERIOD_KINDS)[number];

export const TIMELINE_KINDS = [
  'push',
  'dispatch',
  'feedback',
  'elementsCompleted',
  'verification',
  'majorLoop',
  'note',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** Entities a work prompt, note or claim may be about. */
export const SUBJECT_KINDS = [
  'alert',
  'workOrder',
  'workPrompt',
  'scene',
  'device',
  'keyPeriod',
  'district',
] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export const MUTATION_NAMES = [
  'verifyAlert',
  'startMajorLoop',
  'issueWorkPrompt',
  'acknowledgeWorkPrompt',
  'resolveWorkPrompt',
  'addNote',
  'claimItem',
  'releaseItem',
  'recordHandover',
] as const;
export type MutationName = (typeof MUTATION_NAMES)[number];

export const MUTATION_STATUSES = ['applied', 'duplicate', 'rejected'] as const;
export type MutationStatus = (typeof MUTATION_STATUSES)[number];

/** Why one mutation was rejected (the request itself succeeded). */
export const MUTATION_REJECTION_CODES = [
  'VALIDATION_FAILED',
  'UNKNOWN_MUTATION',
  'NOT_FOUND',
  'INVALID_STATE',
  'ALREADY_EXISTS',
  'CLAIMED_ELSEWHERE',
  'NOT_CLAIMANT',
  'NOT_CLAIMED',
  'SEQUENCE_GAP',
  'SEQUENCE_REUSED',
] as const;
export type MutationRejectionCode = (typeof MUTATION_REJECTION_CODES)[number];

/** Why a whole request failed: the `code` of every error body. */
export const ERROR_CODES = [
  'INVALID_JSON',
  'VALIDATION_FAILED',
  'UNSUPPORTED_MEDIA_TYPE',
  'BODY_TOO_LARGE',
  'CREDENTIALS_INVALID',
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'ADMIN_DISABLED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CURSOR_UNKNOWN',
  'CURSOR_EXPIRED',
  'CLOCK_BACKWARDS',
  'INJECTED_FAULT',
  'INTERNAL_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
