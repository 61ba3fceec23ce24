import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDistrict } from './district';
import type { AlertData } from './entities';
import { alertReadings, type AlertReadingsBody } from './readings';
import { startTestCentral, type TestCentral } from './testing/fixture';

let test: TestCentral;
let alerts: AlertData[];

beforeAll(async () => {
  test = await startTestCentral({ historyDays: 2 });
  await test.client.login('zhangmin');
  const { changes } = await test.client.pullAll();
  alerts = changes
    .filter((change) => change.entity === 'alert')
    .map((change) => change.data as unknown as AlertData);
});

afterAll(async () => {
  await test.close();
});

const path = (alertId: string): string => `/api/v1/alerts/${encodeURIComponent(alertId)}/readings`;

/** Whether a value lies beyond the threshold in the element's direction (the threshold itself counts). */
const beyond = (body: { direction: 'above' | 'below'; threshold: number }, value: number): boolean =>
  body.direction === 'above' ? value >= body.threshold : value <= body.threshold;

describe('GET /alerts/{alertId}/readings', () => {
  it('answers samples that agree with the alert summary, validated against the spec', async () => {
    const sample = alerts.filter((_, index) => index % 97 === 0).slice(0, 25);
    expect(sample.length).toBeGreaterThan(5);
    for (const alert of sample) {
      // The client validates status and body against openapi.yaml (ajv) on every response.
      const response = await test.client.request<AlertReadingsBody>('GET', path(alert.id));
      expect(response.status, alert.id).toBe(200);
      const body = response.body;
      const summary = alert.readings;
      expect(body).toMatchObject({
        alertId: alert.id,
        elementId: summary.elementId,
        unit: summary.unit,
        direction: summary.direction,
        level: alert.level,
        threshold: summary.threshold,
        exceededAt: summary.exceededAt,
        reportedAt: alert.reportedAt,
      });
      const times = body.samples.map((entry) => Date.parse(entry.at));
      expect(times, alert.id).toEqual([...times].sort((a, b) => a - b));
      const exceededAt = Date.parse(summary.exceededAt);
      // Nothing beyond before the crossing; the first sample at the crossing is beyond.
      const beforeCrossing = body.samples.filter((entry) => Date.parse(entry.at) < exceededAt);
      expect(beforeCrossing.length).toBeGreaterThan(0);
      expect(
        beforeCrossing.every((entry) => !beyond(body, entry.value)),
        alert.id,
      ).toBe(true);
      const atCrossing = body.samples.find((entry) => Date.parse(entry.at) === exceededAt);
      expect(atCrossing && beyond(body, atCrossing.value), alert.id).toBe(true);
      // The most extreme sample is the peak, the last the latest.
      const values = body.samples.map((entry) => entry.value);
      const extreme = summary.direction === 'above' ? Math.max(...values) : Math.min(...values);
      expect(extreme, alert.id).toBe(summary.peak);
      expect(values.at(-1), alert.id).toBe(summary.latest);
      const beyondCount = values.filter((value) => beyond(body, value)).length;
      const practical =
        summary.samplesBeyondThreshold === 1 &&
        summary.latest !== summary.peak &&
        beyond(body, summary.latest)
          ? 2
          : summary.samplesBeyondThreshold;
      expect(beyondCount, alert.id).toBe(practical);
      // The thresholds are the scene's monitoring element's, the alert's level's among them.
      expect(body.thresholds?.[alert.level], alert.id).toBe(summary.threshold);
    }
  });

  it('is the same on every request (derived from the alert, not drawn per request)', async () => {
    const alert = alerts[3] as AlertData;
    const first = await test.client.request<AlertReadingsBody>('GET', path(alert.id));
    const second = await test.client.request<AlertReadingsBody>('GET', path(alert.id));
    expect(second.body.samples).toEqual(first.body.samples);
  });

  it('answers 404 NOT_FOUND for an unknown alert and 401 without a token', async () => {
    const missing = await test.client.request<{ code: string }>('GET', path('YJ-none'));
    expect([missing.status, missing.body.code]).toEqual([404, 'NOT_FOUND']);
    const anonymous = await test.client.request<{ code: string }>('GET', path(alerts[0]?.id ?? 'x'), {
      token: null,
    });
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'TOKEN_MISSING']);
  });

  it('keeps the figures when the summary cannot all hold: one sample beyond, a different latest', () => {
    const district = buildDistrict(7, 1);
    const alert = alerts.find((candidate) => candidate.readings.direction === 'above') as AlertData;
    const readings = {
      ...alert.readings,
      samplesBeyondThreshold: 1,
      peak: alert.readings.threshold + 5,
      latest: alert.readings.threshold + 1,
    };
    const body = alertReadings(district, { ...alert, readings });
    const values = body.samples.map((entry) => entry.value);
    expect(Math.max(...values)).toBe(readings.peak);
    expect(values.at(-1)).toBe(readings.latest);
    expect(values.filter((value) => value >= readings.threshold)).toHaveLength(2);
  });

  it('draws a below-threshold element approaching from above (oxygen, pressure)', () => {
    const district = buildDistrict(7, 1);
    const below = alerts.find((candidate) => candidate.readings.direction === 'below');
    expect(below, 'the test district has an element whose lower readings are worse').toBeDefined();
    const body = alertReadings(district, below as AlertData);
    const values = body.samples.map((entry) => entry.value);
    expect(Math.min(...values)).toBe(below?.readings.peak);
    expect(values[0]).toBeGreaterThan(below?.readings.threshold ?? Number.NaN);
  });
});
