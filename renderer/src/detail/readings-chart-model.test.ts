import { describe, expect, it } from 'vitest';
import type { ReadingSeries } from '../../../preload/contract';
import { formatReading, niceScale, readingsChartModel } from './readings-chart-model';

const series = (overrides: Partial<ReadingSeries> = {}): ReadingSeries => ({
  alertId: 'A1',
  elementName: '甲烷浓度',
  unit: '%LEL',
  direction: 'above',
  level: 'yellow',
  threshold: 15,
  exceededAt: '2026-11-23T02:00:00.000Z',
  reportedAt: '2026-11-23T02:03:00.000Z',
  peak: 19.6,
  latest: 17.2,
  samplesBeyondThreshold: 2,
  thresholds: { blue: 8, yellow: 15, orange: 25, red: 40 },
  samples: [
    { at: '2026-11-23T02:01:00.000Z', value: 19.6 },
    { at: '2026-11-23T01:59:00.000Z', value: 13.5 },
    { at: '2026-11-23T02:02:00.000Z', value: 17.2 },
  ],
  source: 'central',
  fetchedAt: '2026-11-23T03:00:00.000Z',
  unavailable: null,
  ...overrides,
});

describe('readingsChartModel', () => {
  it('draws the samples in time order against the crossed threshold, those below it and the next level', () => {
    const model = readingsChartModel(series());
    expect(model.points.map((point) => point.value)).toEqual([13.5, 19.6, 17.2]);
    expect(model.thresholds).toEqual([
      { level: 'blue', value: 8, crossed: false },
      { level: 'yellow', value: 15, crossed: true },
      { level: 'orange', value: 25, crossed: false },
    ]);
    expect(model.summaryLines).toEqual([]);
    expect(model.xDomain).toEqual([
      Date.parse('2026-11-23T01:59:00.000Z'),
      Date.parse('2026-11-23T02:02:00.000Z'),
    ]);
    // Every line drawn fits in the value axis.
    expect(model.yDomain[0]).toBeLessThan(8);
    expect(model.yDomain[1]).toBeGreaterThan(25);
  });

  it('for a red alert shows every level (there is no next one)', () => {
    const model = readingsChartModel(series({ level: 'red', threshold: 40 }));
    expect(model.thresholds.map((line) => [line.level, line.crossed])).toEqual([
      ['blue', false],
      ['yellow', false],
      ['orange', false],
      ['red', true],
    ]);
  });

  it('from the summary alone: the crossed threshold, the peak and the latest value as lines, no curve', () => {
    const model = readingsChartModel(
      series({ samples: [], thresholds: null, source: 'summary', fetchedAt: null }),
    );
    expect(model.points).toEqual([]);
    expect(model.thresholds).toEqual([{ level: 'yellow', value: 15, crossed: true }]);
    expect(model.summaryLines).toEqual([
      { kind: 'peak', value: 19.6 },
      { kind: 'latest', value: 17.2 },
    ]);
    // Around the crossing and the report, so both markers show.
    expect(model.xDomain[0]).toBeLessThan(model.exceededAtMs);
    expect(model.xDomain[1]).toBeGreaterThan(model.reportedAtMs);
    expect(model.yDomain[0]).toBeLessThan(15);
    expect(model.yDomain[1]).toBeGreaterThan(19.6);
  });

  it('keeps a flat series visible', () => {
    const model = readingsChartModel(
      series({
        thresholds: null,
        threshold: 5,
        peak: 5,
        latest: 5,
        samples: [{ at: '2026-11-23T02:00:00.000Z', value: 5 }],
      }),
    );
    expect(model.yDomain[0]).toBeLessThan(5);
    expect(model.yDomain[1]).toBeGreaterThan(5);
  });
});

describe('formatReading', () => {
  it('shows up to three decimals without trailing zeros', () => {
    expect([
      formatReading(19.6),
      formatReading(0.1 + 0.2),
      formatReading(8000),
      formatReading(2.50001),
    ]).toEqual(['19.6', '0.3', '8000', '2.5']);
  });
});

describe('niceScale', () => {
  it('widens a range to round numbers, ticks 1, 2 or 5 times a power of ten apart', () => {
    expect(niceScale(2.1, 47.7)).toEqual({ domain: [0, 60], ticks: [0, 20, 40, 60] });
    expect(niceScale(1118.4, 1325.52)).toEqual({ domain: [1100, 1400], ticks: [1100, 1200, 1300, 1400] });
    expect(niceScale(0.12, 0.47)).toEqual({ domain: [0.1, 0.5], ticks: [0.1, 0.2, 0.3, 0.4, 0.5] });
  });
});
