/**
 * The work-prompt rules as configuration: resources/rules/work-prompt-rules.json ships with the app, and a site
 * may override any part of it from `<dataDir>/rules.json`. Both are validated here. An override is merged over
 * the shipped rules and the result validated as a whole, so an override either applies entirely or not at all:
 * a site that mistypes one threshold keeps every shipped default and is told which rule and field were wrong.
 */
import { z } from 'zod';
import shippedRulesDocument from '../../../resources/rules/work-prompt-rules.json';
import { readJsonFile } from '../json-file';

export const RULES_FORMAT_VERSION = 1;

/** Rules judged from the cache's current state, on every tick. */
export const CONDITION_RULE_IDS = [
  'device-offline',
  'device-info-error',
  'scene-silent',
  'sync-rate-low',
  'red-alert',
  'undispatched',
  'overdue-closure',
  'non-standard',
  'risk-map-anomaly',
] as const;
export type ConditionRuleId = (typeof CONDITION_RULE_IDS)[number];

/** Rules that fall due on the calendar of the platform's time zone. */
export const CALENDAR_RULE_IDS = [
  'annual-elements',
  'annual-manual',
  'annual-roster',
  'weekly-report',
  'monthly-report',
  'period-outlook',
  'weekly-meeting',
] as const;
export type CalendarRuleId = (typeof CALENDAR_RULE_IDS)[number];

export type RuleId = ConditionRuleId | CalendarRuleId;
export const RULE_IDS: readonly RuleId[] = [...CONDITION_RULE_IDS, ...CALENDAR_RULE_IDS];

export const RECIPIENT_ROLES = [
  'sceneOperator',
  'sceneTechnician',
  'sceneHead',
  'techOps',
  'dutyTeam',
] as const;
export type RecipientRole = (typeof RECIPIENT_ROLES)[number];

export const SCENE_KINDS = ['scene', 'subplatform', 'regional'] as const;

const HOURS_IN_A_YEAR = 24 * 366;

const recipient = z.enum(RECIPIENT_ROLES);
const ruleText = { title: z.string().min(1).max(40), source: z.string().max(40) };

const stage = z.strictObject({
  /** How long the condition must have held (hours, fractions allowed) before this stage's prompt. */
  afterHours: z.number().min(0).max(HOURS_IN_A_YEAR),
  recipient,
  /** Deadline after raising (hours), or null when the prompt is tracked until the condition clears. */
  dueHours: z.number().positive().max(HOURS_IN_A_YEAR).nullable(),
});
export type StageConfig = z.infer<typeof stage>;

/** An escalation ladder: each stage starts strictly later than the one before. */
const stages = z
  .array(stage)
  .min(1)
  .max(6)
  .superRefine((list, context) => {
    list.forEach((current, index) => {
      const previous = list[index - 1];
      if (previous !== undefined && current.afterHours <= previous.afterHours) {
        context.addIssue({
          code: 'custom',
          path: [index, 'afterHours'],
          message: `must be greater than stages[${index - 1}].afterHours (${previous.afterHours}): stages escalate in order`,
        });
      }
    });
  });

const conditionRule = z.strictObject({ enabled: z.boolean(), ...ruleText, stages });

const flowStep = z.strictObject({
  recipient,
  dueMinutes: z
    .number()
    .positive()
    .max(60 * HOURS_IN_A_YEAR)
    .nullable(),
});

const elementKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be an element key such as contactPhone');
const elementField = z.strictObject({
  key: elementKey,
  label: z.string().min(1).max(40),
  /** Name of an entry of `formats` the value must match. */
  format: z.string().min(1).optional(),
});
export type ElementFieldConfig = z.infer<typeof elementField>;

const regexSource = z
  .string()
  .min(1)
  .max(500)
  .refine(
    (source) => {
      try {
        new RegExp(source, 'u');
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be a valid regular expression' },
  );

const nonStandardRule = conditionRule
  .extend({
    /** Also count the issues the central platform itself reported on the alert (AlertData.elementIssues). */
    includePlatformIssues: z.boolean(),
    /** Values that only pretend to fill a field (填报占位符). */
    placeholders: z.array(z.string().min(1).max(20)).max(50),
    formats: z.record(
      z.string().min(1).max(40),
      z.strictObject({ pattern: regexSource, message: z.string().min(1).max(40) }),
    ),
    requiredElements: z.strictObject({
      common: z.array(elementField).max(40),
      byCategory: z.record(z.string().min(1).max(40), z.array(elementField).max(40)),
    }),
  })
  .superRefine((rule, context) => {
    const check = (fields: readonly ElementFieldConfig[], path: (string | number)[]): void => {
      fields.forEach((field, index) => {
        if (field.format !== undefined && !(field.format in rule.formats)) {
          context.addIssue({
            code: 'custom',
            path: [...path, index, 'format'],
            message: `names no entry of formats (known: ${Object.keys(rule.formats).join(', ')})`,
          });
        }
      });
    };
    check(rule.requiredElements.common, ['requiredElements', 'common']);
    for (const [category, fields] of Object.entries(rule.requiredElements.byCategory)) {
      check(fields, ['requiredElements', 'byCategory', category]);
    }
  });

const longitude = z.number().min(-180).max(180);
const latitude = z.number().min(-90).max(90);
const riskMapRule = conditionRule.extend({
  /** The district's bounding box: a risk source plotted outside it (or without coordinates) is an anomaly. */
  bounds: z
    .strictObject({ minLng: longitude, maxLng: longitude, minLat: latitude, maxLat: latitude })
    .refine((box) => box.minLng < box.maxLng, { path: ['maxLng'], message: 'must exceed minLng' })
    .refine((box) => box.minLat < box.maxLat, { path: ['maxLat'], message: 'must exceed minLat' }),
});

const wallTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM (24-hour)');
const calendarBase = {
  enabled: z.boolean(),
  ...ruleText,
  recipient,
  /** Wall-clock time of day, in the configured time zone, when the duty falls due. */
  at: wallTime,
  /** The deadline is midnight this many days after the occurrence's date. */
  dueAfterDays: z.number().int().min(1).max(366),
};
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const yearlyRule = z
  .strictObject({
    ...calendarBase,
    /** One prompt per scene (每个场景和平台) rather than one for the duty team. */
    perScene: z.boolean(),
    month: z.number().int().min(1).max(12),
    day: z.number().int().min(1).max(31),
  })
  .refine((rule) => rule.day <= (rule.month === 2 ? 28 : (DAYS_IN_MONTH[rule.month - 1] ?? 31)), {
    path: ['day'],
    message: 'does not exist in that month (29 February is refused: it would skip three years in four)',
  });
const weeklyRule = z.strictObject({
  ...calendarBase,
  /** 0 Sunday ... 6 Saturday, as in cron. */
  weekday: z.number().int().min(0).max(6),
});
const monthlyRule = z.strictObject({
  ...calendarBase,
  /** Day of the month; at most 28 so that every month has it. */
  day: z.number().int().min(1).max(28),
});
const beforeKeyPeriodRule = z.strictObject({
  ...calendarBase,
  /** Calendar days before the key period's first day. */
  daysBefore: z.number().int().min(0).max(60),
  /** The report summarises the data of this many days before it is written. */
  dataWindowDays: z.number().int().min(1).max(90),
});

const timeZone = z
  .string()
  .min(1)
  .refine(
    (zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be an IANA time zone such as Asia/Shanghai' },
  );

export const rulesConfigSchema = z.strictObject({
  $comment: z.string().optional(),
  formatVersion: z.literal(RULES_FORMAT_VERSION),
  timeZone,
  /** The district's id in the central platform: the subject of district-wide duties. */
  districtId: z.string().min(1).max(100),
  /** The longest an operator may snooze a prompt. */
  maxSnoozeHours: z
    .number()
    .positive()
    .max(24 * 31),
  rules: z.strictObject({
    'device-offline': conditionRule,
    'device-info-error': conditionRule,
    'scene-silent': conditionRule.extend({ sceneKinds: z.array(z.enum(SCENE_KINDS)).min(1) }),
    'sync-rate-low': conditionRule.extend({
      /** A scene below this share of alerts reaching the centre is prompted; exactly at it is not. */
      minRate: z.number().gt(0).max(1),
      /** Also prompt when the centre received more alerts than the scene reported (数据异常). */
      flagInconsistent: z.boolean(),
    }),
    'red-alert': z.strictObject({
      enabled: z.boolean(),
      ...ruleText,
      verify: flowStep,
      startMajorLoop: flowStep,
      trackMajorLoop: flowStep,
    }),
    undispatched: conditionRule,
    'overdue-closure': conditionRule,
    'non-standard': nonStandardRule,
    'risk-map-anomaly': riskMapRule,
    'annual-elements': yearlyRule,
    'annual-manual': yearlyRule,
    'annual-roster': yearlyRule,
    'weekly-report': weeklyRule,
    'monthly-report': monthlyRule,
    'period-outlook': beforeKeyPeriodRule,
    'weekly-meeting': weeklyRule,
  }),
});

export type RulesConfig = z.infer<typeof rulesConfigSchema>;
export type RulesSection = RulesConfig['rules'];
export type YearlyRuleConfig = z.infer<typeof yearlyRule>;
export type WeeklyRuleConfig = z.infer<typeof weeklyRule>;
export type MonthlyRuleConfig = z.infer<typeof monthlyRule>;
export type BeforeKeyPeriodRuleConfig = z.infer<typeof beforeKeyPeriodRule>;
export type CalendarRuleConfig = RulesSection[CalendarRuleId];

export interface LoadedRulesConfig {
  config: RulesConfig;
  /** Where the rules in force come from. */
  source: 'shipped' | 'override';
  /** For the operator: why an override was not applied. Empty when all is well. */
  warnings: string[];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Objects merge key by key; anything else (lists included) in the override replaces the shipped value. */
function mergeOver(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergeOver(base[key], value);
  return merged;
}

/**
 * `rules.scene-silent.stages[1].afterHours` reads as `scene-silent.stages[1].afterHours`: the rule id leads,
 * as the operator knows it.
 */
function describePath(path: readonly PropertyKey[]): string {
  const segments = path[0] === 'rules' && path.length > 1 ? path.slice(1) : path;
  if (segments.length === 0) return '(root)';
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function describeRulesIssues(error: z.ZodError, fileName: string): string {
  const parts = error.issues.slice(0, 5).map((issue) => `${describePath(issue.path)}: ${issue.message}`);
  const more = error.issues.length > 5 ? ` (+${error.issues.length - 5} more)` : '';
  return `${fileName}: ${parts.join('; ')}${more}`;
}

/**
 * Resolves the rules in force from the shipped document and a site's override (both unknown until validated).
 * Invalid shipped rules are a build defect and throw; an invalid override is refused whole, with a warning that
 * names the rule and the field, and the shipped rules stay in force.
 */
export function resolveRulesConfig(
  shipped: unknown,
  override: unknown,
  overrideName = 'rules.json',
): LoadedRulesConfig {
  const base = rulesConfigSchema.safeParse(shipped);
  if (!base.success) throw new Error(describeRulesIssues(base.error, 'work-prompt-rules.json (shipped)'));
  if (override === undefined) return { config: base.data, source: 'shipped', warnings: [] };

  const refuse = (why: string): LoadedRulesConfig => ({
    config: base.data,
    source: 'shipped',
    warnings: [`${why}; the site override was not applied and the shipped rules stay in force`],
  });
  if (!isPlainObject(override)) return refuse(`${overrideName}: (root): expected a JSON object`);
  if (override.formatVersion !== RULES_FORMAT_VERSION) {
    return refuse(
      `${overrideName}: formatVersion: expected ${RULES_FORMAT_VERSION}, found ${override.formatVersion === undefined ? 'nothing' : JSON.stringify(override.formatVersion)}`,
    );
  }
  const merged = rulesConfigSchema.safeParse(mergeOver(shipped, override));
  if (!merged.success) return refuse(describeRulesIssues(merged.error, overrideName));
  return { config: merged.data, source: 'override', warnings: [] };
}

/** The shipped rules, validated (they are bundled with the code, so they are always there). */
export function shippedRulesConfig(): RulesConfig {
  return resolveRulesConfig(shippedRulesDocument, undefined).config;
}

/**
 * Loads the rules in force: the shipped ones, with `<dataDir>/rules.json` over them when it exists. A site file
 * that cannot be read or parsed is refused like an invalid one.
 */
export function loadRulesConfig(overrideFile: string): LoadedRulesConfig {
  let override: unknown;
  try {
    override = readJsonFile(overrideFile);
  } catch (error) {
    const base = resolveRulesConfig(shippedRulesDocument, undefined);
    return {
      ...base,
      warnings: [
        `${(error as Error).message}; the site override was not applied and the shipped rules stay in force`,
      ],
    };
  }
  return resolveRulesConfig(shippedRulesDocument, override, overrideFile);
}
