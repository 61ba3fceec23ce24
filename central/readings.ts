/**
 * GET /alerts/{alertId}/readings: the samples of an alert's monitored element around the moment it crossed its
 * threshold. The simulated district keeps no time series, so the samples are derived from the alert's own summary,
 * deterministically (same alert, same samples, on every request and every server): they start below the threshold,
 * cross it at `exceededAt`, reach `peak`, end at `latest`, and as many of them lie beyond the threshold as
 * `samplesBeyondThreshold` says (one more when the summary's figures cannot all hold at once: a single sample beyond
 * cannot be both the peak and a different latest value).
 */
import { categorySpec, type ElementSpec } from './catalogue';
import type { District } from './district';
import type { AlertData } from './entities';
import { iso } from './lifecycle';
import { hashString, rngFor } from './random';

/** Samples shown before the crossing, so the chart shows the approach. */
const SAMPLES_BEFORE_CROSSING = 10;
/** The sampling interval stays within these bounds (real devices report every half minute to every few minutes). */
const MIN_INTERVAL_MS = 30_000;
const MAX_INTERVAL_MS = 5 * 60_000;
const DEFAULT_INTERVAL_MS = 60_000;

export interface ReadingSample {
  at: string;
  value: number;
}

export interface AlertReadingsBody {
  alertId: string;
  elementId: string;
  elementName: string;
  unit: string;
  direction: 'above' | 'below';
  level: AlertData['level'];
  threshold: number;
  thresholds: { blue: number; yellow: number; orange: number; red: number } | null;
  exceededAt: string;
  reportedAt: string;
  intervalSeconds: number;
  samples: ReadingSample[];
}

type Alert = Pick<AlertData, 'id' | 'sceneId' | 'category' | 'level' | 'reportedAt' | 'readings'>;

/** The element's figures the samples are drawn from: its normal value and precision, from the catalogue. */
function elementSpecOf(alert: Alert): ElementSpec | null {
  try {
    const category = categorySpec(alert.category);
    return (
      category.elements.find((element) => `${category.id}.${element.code}` === alert.readings.elementId) ??
      null
    );
  } catch {
    return null;
  }
}

const roundTo = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

export function alertReadings(district: District, alert: Alert): AlertReadingsBody {
  const summary = alert.readings;
  const above = summary.direction === 'above';
  const spec = elementSpecOf(alert);
  const decimals = spec?.decimals ?? 2;
  const step = 10 ** -decimals;
  const beyond = (value: number, threshold: number): boolean =>
    above ? value >= threshold : value <= threshold;
  const threshold = summary.threshold;
  // A summary whose peak does not cross its threshold (not produced by this server) is drawn as just crossing.
  const peak = beyond(summary.peak, threshold) ? summary.peak : threshold;
  const latest = summary.latest;
  const latestBeyond = beyond(latest, threshold);

  // The normal value must lie on the safe side of the threshold for the approach to make sense.
  const safeGap = Math.max(Math.abs(threshold) * 0.3, 10 * step);
  const catalogueNormal = spec?.normal ?? null;
  const normal =
    catalogueNormal !== null && !beyond(catalogueNormal, threshold)
      ? catalogueNormal
      : above
        ? threshold - safeGap
        : threshold + safeGap;

  // The run of samples beyond the threshold, the peak among them, and `latest` last.
  const count = Math.max(1, summary.samplesBeyondThreshold);
  let run: number[];
  if (latestBeyond) {
    if (count === 1) {
      run = latest === peak ? [peak] : [peak, latest];
    } else {
      const peakIndex = Math.floor((count - 1) / 2);
      run = interpolateRun(count, peakIndex, threshold, peak, latest);
    }
  } else {
    const peakIndex = Math.floor(count / 2);
    const settle = threshold + (peak - threshold) * 0.15;
    run =
      count === 1 ? [peak] : interpolateRun(count, Math.min(peakIndex, count - 1), threshold, peak, settle);
  }

  const rng = rngFor(hashString(alert.id), 0x5ea1);
  // Jitter beyond the threshold stays between the threshold and the peak, so the peak stays the highest.
  run = run.map((value, index) => {
    if (value === peak || (latestBeyond && index === run.length - 1)) return value;
    const jittered = value + (rng.next() - 0.5) * 0.1 * (peak - threshold);
    const low = Math.min(threshold, peak);
    const high = Math.max(threshold, peak);
    return roundTo(Math.min(high, Math.max(low, jittered)), decimals);
  });

  const after = latestBeyond ? run : [...run, latest];
  const exceededAtMs = Date.parse(summary.exceededAt);
  const reportedAtMs = Date.parse(alert.reportedAt);
  // Spread the samples after the crossing up to the report time where the interval allows it.
  const intervalMs =
    after.length > 1 && reportedAtMs > exceededAtMs
      ? clamp(
          Math.round((reportedAtMs - exceededAtMs) / (after.length - 1) / MIN_INTERVAL_MS) * MIN_INTERVAL_MS,
          MIN_INTERVAL_MS,
          MAX_INTERVAL_MS,
        )
      : DEFAULT_INTERVAL_MS;

  const before: number[] = [];
  for (let index = 0; index < SAMPLES_BEFORE_CROSSING; index += 1) {
    const share = 0.15 + 0.75 * (index / (SAMPLES_BEFORE_CROSSING - 1)) ** 2;
    const noise = (rng.next() - 0.5) * 0.08 * Math.abs(threshold - normal);
    let value = roundTo(normal + (threshold - normal) * share + noise, decimals);
    // Strictly on the safe side: the crossing happens at exceededAt, not before.
    if (beyond(value, threshold)) value = roundTo(above ? threshold - step : threshold + step, decimals);
    before.push(value);
  }

  const samples: ReadingSample[] = [
    ...before.map((value, index) => ({
      at: iso(exceededAtMs - (SAMPLES_BEFORE_CROSSING - index) * intervalMs),
      value,
    })),
    ...after.map((value, index) => ({ at: iso(exceededAtMs + index * intervalMs), value })),
  ];

  const scene = district.sceneById.get(alert.sceneId);
  const element = scene?.monitoringElements.find((candidate) => candidate.id === summary.elementId);
  return {
    alertId: alert.id,
    elementId: summary.elementId,
    elementName: summary.elementName,
    unit: summary.unit,
    direction: summary.direction,
    level: alert.level,
    threshold,
    thresholds: element ? { ...element.thresholds } : null,
    exceededAt: summary.exceededAt,
    reportedAt: alert.reportedAt,
    intervalSeconds: intervalMs / 1000,
    samples,
  };
}

/** `length` values from just past the threshold up to the peak at `peakIndex`, then towards `end`. */
function interpolateRun(
  length: number,
  peakIndex: number,
  threshold: number,
  peak: number,
  end: number,
): number[] {
  const values: number[] = [];
  for (let index = 0; index < length; index += 1) {
    if (index < peakIndex) {
      values.push(threshold + (peak - threshold) * (0.35 + (0.65 * index) / peakIndex));
    } else if (index === peakIndex) {
      values.push(peak);
    } else {
      const last = length - 1;
      values.push(peak + (end - peak) * ((index - peakIndex) / (last - peakIndex)));
    }
  }
  values[length - 1] = length - 1 === peakIndex ? peak : end;
  return values;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
