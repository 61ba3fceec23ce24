import type { ReadingSeries } from '../../../preload/contract';

export type Level = ReadingSeries['level'];

/** Least to most severe. */
export const LEVEL_ORDER: readonly Level[] = ['blue', 'yellow', 'orange', 'red'];

export interface ChartPoint {
  /** Epoch ms. */
  t: number;
  value: number;
}

export interface ThresholdLine {
  level: Level;
  value: number;
  /** The threshold the alert's readings crossed (its own level's). */
  crossed: boolean;
}

export interface ChartModel {
  /** The samples, in time order; empty when only the alert's summary is known. */
  points: ChartPoint[];
  thresholds: ThresholdLine[];
  /** Drawn as labelled horizontal lines when there are no samples to show them. */
  summaryLines: { kind: 'peak' | 'latest'; value: number }[];
  exceededAtMs: number;
  reportedAtMs: number;
  xDomain: [number, number];
  yDomain: [number, number];
  yTicks: number[];
}

const MINUTE_MS = 60_000;

/**
 * What the readings chart draws. Thresholds: the crossed one, the less severe ones below it, and the next more
 * severe one (how far the reading is from the next level), each in its level's colour; all four would squash the
 * readings into a band when the red threshold is far above them.
 */
export function readingsChartModel(series: ReadingSeries): ChartModel {
  const points = series.samples
    .map((sample) => ({ t: Date.parse(sample.at), value: sample.value }))
    .filter((point) => Number.isFinite(point.t))
    .sort((a, b) => a.t - b.t);
  const crossedIndex = LEVEL_ORDER.indexOf(series.level);
  const thresholds: ThresholdLine[] = series.thresholds
    ? LEVEL_ORDER.slice(0, crossedIndex + 2).map((level) => ({
        level,
        value: (series.thresholds as Record<Level, number>)[level],
        crossed: level === series.level,
      }))
    : [{ level: series.level, value: series.threshold, crossed: true }];
  const summaryLines =
    points.length === 0
      ? [
          { kind: 'peak' as const, value: series.peak },
          { kind: 'latest' as const, value: series.latest },
        ]
      : [];
  const exceededAtMs = Date.parse(series.exceededAt);
  const reportedAtMs = Date.parse(series.reportedAt);

  const values = [
    ...points.map((point) => point.value),
    ...thresholds.map((line) => line.value),
    series.peak,
    series.latest,
  ];
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = (high - low) * 0.08 || Math.abs(high) * 0.1 || 1;
  const { domain: yDomain, ticks: yTicks } = niceScale(low - pad, high + pad);

  const firstT = points[0]?.t;
  const lastT = points.at(-1)?.t;
  const xDomain: [number, number] =
    firstT !== undefined && lastT !== undefined && lastT > firstT
      ? [firstT, lastT]
      : [exceededAtMs - 10 * MINUTE_MS, Math.max(reportedAtMs, exceededAtMs) + 5 * MINUTE_MS];
  return { points, thresholds, summaryLines, exceededAtMs, reportedAtMs, xDomain, yDomain, yTicks };
}

/**
 * The range widened to round numbers, with about `count` ticks 1, 2 or 5 times a power of ten apart, so the axis
 * reads 0, 10, 20... rather than 2, 17, 32.
 */
export function niceScale(
  low: number,
  high: number,
  count = 5,
): { domain: [number, number]; ticks: number[] } {
  const rough = (high - low) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((factor) => factor * power >= rough) ?? 10) * power;
  // Rounded to the step's precision, so 0.1 + 0.2 shows as 0.3.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const round = (value: number) => Number(value.toFixed(decimals));
  const first = Math.floor(low / step) * step;
  const last = Math.ceil(high / step) * step;
  const ticks: number[] = [];
  for (let tick = first; tick <= last + step / 2; tick += step) ticks.push(round(tick));
  return { domain: [round(first), round(last)], ticks };
}

/** A reading as an operator reads it: up to three decimals, no trailing zeros. */
export function formatReading(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
