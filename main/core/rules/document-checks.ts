/**
 * Judgements on one entity document at a time, for the rules whose condition is in a document's contents rather
 * than in an indexed column: an alert's required elements (填报不规范), a device's registered info (信息报错) and
 * its place on the risk map (风险一张图), a scene's sync figures (同步率). Documents come from the cache's `data`
 * column as the central platform sent them, so every field is unknown until looked at here.
 */
import type { RulesConfig } from './config';

export type NonStandardRuleConfig = RulesConfig['rules']['non-standard'];
export type RiskMapRuleConfig = RulesConfig['rules']['risk-map-anomaly'];
export type SyncRateRuleConfig = RulesConfig['rules']['sync-rate-low'];

export interface ElementProblem {
  key: string;
  label: string;
  problem: 'missing' | 'malformed';
  /** In plain Chinese: 未填写联系电话, 联系电话格式不正确, 事件地点为占位符“详见附件”. */
  detail: string;
}

interface CompiledField {
  key: string;
  label: string;
  format: { pattern: RegExp; message: string } | null;
}

/** The non-standard rule with its formats compiled once. */
export interface ElementChecker {
  check(category: string, document: unknown): ElementProblem[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function createElementChecker(rule: NonStandardRuleConfig): ElementChecker {
  const formats = new Map(
    Object.entries(rule.formats).map(([name, format]) => [
      name,
      { pattern: new RegExp(format.pattern, 'u'), message: format.message },
    ]),
  );
  const compile = (fields: NonStandardRuleConfig['requiredElements']['common']): CompiledField[] =>
    fields.map((field) => ({
      key: field.key,
      label: field.label,
      format: field.format === undefined ? null : (formats.get(field.format) ?? null),
    }));
  const common = compile(rule.requiredElements.common);
  const byCategory = new Map(
    Object.entries(rule.requiredElements.byCategory).map(([category, fields]) => [
      category,
      [...common, ...compile(fields).filter((field) => !common.some((known) => known.key === field.key))],
    ]),
  );
  const placeholders = new Set(rule.placeholders);

  return {
    check(category, document) {
      const fields = byCategory.get(category) ?? common;
      const elements = isRecord(document) && isRecord(document.elements) ? document.elements : {};
      const problems: ElementProblem[] = [];
      for (const field of fields) {
        const raw = elements[field.key];
        const value = typeof raw === 'string' ? raw.trim() : '';
        if (value === '') {
          problems.push({
            key: field.key,
            label: field.label,
            problem: 'missing',
            detail: `未填写${field.label}`,
          });
        } else if (placeholders.has(value)) {
          problems.push({
            key: field.key,
            label: field.label,
            problem: 'malformed',
            detail: `${field.label}为占位符“${value}”`,
          });
        } else if (field.format !== null && !field.format.pattern.test(value)) {
          problems.push({
            key: field.key,
            label: field.label,
            problem: 'malformed',
            detail: `${field.label}${field.format.message}`,
          });
        }
      }
      if (rule.includePlatformIssues && isRecord(document) && Array.isArray(document.elementIssues)) {
        for (const issue of document.elementIssues) {
          if (!isRecord(issue) || typeof issue.key !== 'string') continue;
          if (problems.some((known) => known.key === issue.key)) continue;
          const label = fields.find((field) => field.key === issue.key)?.label ?? issue.key;
          problems.push({
            key: issue.key,
            label,
            problem: issue.problem === 'missing' ? 'missing' : 'malformed',
            detail:
              typeof issue.detail === 'string' && issue.detail !== '' ? issue.detail : `${label}填报不规范`,
          });
        }
      }
      return problems;
    },
  };
}

export interface DeviceInfoProblem {
  field: string;
  registered: string;
  observed: string;
  /** When the platform detected it (ms), or null when the document does not say. */
  detectedAt: number | null;
}

/** The device's info error as the platform reported it (DeviceData.infoError), or null. */
export function deviceInfoProblem(document: unknown): DeviceInfoProblem | null {
  if (!isRecord(document) || !isRecord(document.infoError)) return null;
  const error = document.infoError;
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const detectedAt = typeof error.detectedAt === 'string' ? Date.parse(error.detectedAt) : Number.NaN;
  return {
    field: text(error.field) || '设备信息',
    registered: text(error.registered),
    observed: text(error.observed),
    detectedAt: Number.isFinite(detectedAt) ? detectedAt : null,
  };
}

export interface LocationProblem {
  problem: 'missing' | 'outOfBounds';
  lng: number | null;
  lat: number | null;
}

/** A risk source the risk map cannot place: no coordinates, or coordinates outside the district. */
export function deviceLocationProblem(
  document: unknown,
  bounds: RiskMapRuleConfig['bounds'],
): LocationProblem | null {
  const location = isRecord(document) && isRecord(document.location) ? document.location : null;
  const lng = typeof location?.lng === 'number' && Number.isFinite(location.lng) ? location.lng : null;
  const lat = typeof location?.lat === 'number' && Number.isFinite(location.lat) ? location.lat : null;
  if (lng === null || lat === null) return { problem: 'missing', lng, lat };
  const inside = lng >= bounds.minLng && lng <= bounds.maxLng && lat >= bounds.minLat && lat <= bounds.maxLat;
  return inside ? null : { problem: 'outOfBounds', lng, lat };
}

export type SyncProblem =
  | { kind: 'low'; rate: number; minRate: number }
  | { kind: 'inconsistent'; reportedByScene: number; receivedByCentral: number };

/**
 * A scene's sync to the centre judged from SceneData.sync: a rate strictly below the minimum (exactly 90 % is
 * not low), or, when asked, more alerts received by the centre than the scene reported (the figures disagree).
 */
export function sceneSyncProblem(
  rate: number | null,
  document: unknown,
  rule: SyncRateRuleConfig,
): SyncProblem | null {
  if (rate !== null && rate < rule.minRate) return { kind: 'low', rate, minRate: rule.minRate };
  if (!rule.flagInconsistent) return null;
  const sync = isRecord(document) && isRecord(document.sync) ? document.sync : null;
  const reported = sync?.reportedByScene;
  const received = sync?.receivedByCentral;
  if (typeof reported === 'number' && typeof received === 'number' && received > reported) {
    return { kind: 'inconsistent', reportedByScene: reported, receivedByCentral: received };
  }
  return null;
}
