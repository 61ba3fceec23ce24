/**
 * The readings of an alert's monitored element for the detail pane's chart (GET /alerts/{id}/readings,
 * central/openapi.yaml `AlertReadings`). Fetched with the signed-in operator's token when the pane opens, validated
 * (the body is `unknown` until then), kept in `readings_cache` (migration m003) so the chart still shows them
 * offline, and, for an alert never fetched while the platform is out of reach, replaced by what the alert's own
 * summary says (threshold, peak, latest), labelled as such.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { ReadingSeries } from '../../preload/contract';
import type { ServerClock } from './clock';
import { CentralError, type CentralClient } from './sync/central-client';
import { readSession } from './sync/session';
import { describeIssues } from './validation';

const levels = ['blue', 'yellow', 'orange', 'red'] as const;
const instant = z.iso.datetime({ offset: true });
// zod 4's numbers are finite: NaN and Infinity are refused.
const finite = z.number();

/** What the platform answers (unknown properties are ignored, as the contract asks of clients). */
const readingsResponseSchema = z.object({
  alertId: z.string().min(1),
  elementName: z.string(),
  unit: z.string(),
  direction: z.enum(['above', 'below']),
  level: z.enum(levels),
  threshold: finite,
  thresholds: z.object({ blue: finite, yellow: finite, orange: finite, red: finite }).nullable(),
  exceededAt: instant,
  reportedAt: instant,
  samples: z
    .array(z.object({ at: instant, value: finite }))
    .min(1)
    .max(10_000),
});

/** The alert's own summary of its readings (Alert.readings), as the cache holds the alert document. */
const alertSummarySchema = z.object({
  level: z.enum(levels),
  reportedAt: instant,
  readings: z.object({
    elementName: z.string(),
    unit: z.string(),
    direction: z.enum(['above', 'below']),
    threshold: finite,
    peak: finite,
    latest: finite,
    samplesBeyondThreshold: z.int().min(0),
    exceededAt: instant,
  }),
});

type StoredSeries = Omit<ReadingSeries, 'source' | 'fetchedAt' | 'unavailable'>;
type Unavailable = NonNullable<ReadingSeries['unavailable']>;

/** Cached series older than this are dropped when a new one is stored: alerts that old are long closed. */
export const READINGS_CACHE_RETENTION_MS = 90 * 24 * 3_600_000;
/** The pane waits this long at most before it shows what it has. */
export const READINGS_FETCH_TIMEOUT_MS = 5_000;

export class ReadingsUnknown extends Error {
  constructor(alertId: string) {
    super(`alert ${alertId} is not in the cache and its readings could not be fetched`);
    this.name = 'ReadingsUnknown';
  }
}

/** The platform's answer as a series, or a message naming the offending field. */
export function parseReadingsResponse(
  alertId: string,
  body: unknown,
): { ok: true; series: StoredSeries } | { ok: false; message: string } {
  const parsed = readingsResponseSchema.safeParse(body);
  if (!parsed.success) return { ok: false, message: describeIssues(parsed.error, 'readings') };
  const data = parsed.data;
  if (data.alertId !== alertId) {
    return { ok: false, message: `readings: alertId: expected ${alertId}, got ${data.alertId}` };
  }
  const samples = [...data.samples].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const values = samples.map((sample) => sample.value);
  const beyond = (value: number): boolean =>
    data.direction === 'above' ? value >= data.threshold : value <= data.threshold;
  return {
    ok: true,
    series: {
      alertId,
      elementName: data.elementName,
      unit: data.unit,
      direction: data.direction,
      level: data.level,
      threshold: data.threshold,
      exceededAt: data.exceededAt,
      reportedAt: data.reportedAt,
      peak: data.direction === 'above' ? Math.max(...values) : Math.min(...values),
      latest: values.at(-1) ?? data.threshold,
      samplesBeyondThreshold: values.filter(beyond).length,
      thresholds: data.thresholds,
      samples,
    },
  };
}

export interface ReadingsServiceOptions {
  db: Database.Database;
  client: CentralClient;
  clock: ServerClock;
  warn: (message: string) => void;
  timeoutMs?: number;
}

export class ReadingsService {
  readonly #options: ReadingsServiceOptions;
  readonly #statements;

  constructor(options: ReadingsServiceOptions) {
    this.#options = options;
    const { db } = options;
    this.#statements = {
      cached: db.prepare<[string], { fetched_at: number; data: string }>(
        'SELECT fetched_at, data FROM readings_cache WHERE alert_id = ?',
      ),
      store: db.prepare<[string, number, string]>(
        `INSERT INTO readings_cache (alert_id, fetched_at, data) VALUES (?, ?, ?)
         ON CONFLICT (alert_id) DO UPDATE SET fetched_at = excluded.fetched_at, data = excluded.data`,
      ),
      prune: db.prepare<[number]>('DELETE FROM readings_cache WHERE fetched_at < ?'),
      alert: db.prepare<[string], { data: string }>('SELECT data FROM alert WHERE id = ?'),
    };
  }

  /** The freshest readings this workstation can have now: fetched, else cached, else the alert's summary. */
  async get(alertId: string): Promise<ReadingSeries> {
    const fetched = await this.#fetch(alertId);
    if (fetched.ok) {
      const fetchedAtMs = this.#options.clock.now();
      this.#options.db
        .transaction(() => {
          this.#statements.store.run(alertId, fetchedAtMs, JSON.stringify(fetched.series));
          this.#statements.prune.run(fetchedAtMs - READINGS_CACHE_RETENTION_MS);
        })
        .immediate();
      return {
        ...fetched.series,
        source: 'central',
        fetchedAt: new Date(fetchedAtMs).toISOString(),
        unavailable: null,
      };
    }
    const cached = this.#cached(alertId);
    if (cached)
      return { ...cached.series, source: 'cache', fetchedAt: cached.fetchedAt, unavailable: fetched.why };
    const summary = this.#summary(alertId);
    if (summary) return { ...summary, source: 'summary', fetchedAt: null, unavailable: fetched.why };
    throw new ReadingsUnknown(alertId);
  }

  async #fetch(
    alertId: string,
  ): Promise<{ ok: true; series: StoredSeries } | { ok: false; why: Unavailable }> {
    const token = readSession(this.#options.db)?.token ?? null;
    if (token === null) {
      return {
        ok: false,
        why: { reason: 'signedOut', message: 'no signed-in session with the central platform' },
      };
    }
    let body: unknown;
    try {
      const response = await this.#options.client.request(
        'GET',
        `/api/v1/alerts/${encodeURIComponent(alertId)}/readings`,
        { token, timeoutMs: this.#options.timeoutMs ?? READINGS_FETCH_TIMEOUT_MS },
      );
      body = response.body;
    } catch (error) {
      if (!(error instanceof CentralError)) throw error;
      const failure = error.failure;
      const reason: Unavailable['reason'] =
        failure.kind === 'network' || failure.kind === 'timeout'
          ? 'offline'
          : failure.kind === 'unauthorized'
            ? 'signedOut'
            : failure.kind === 'http' && failure.status === 404
              ? 'notFound'
              : failure.kind === 'invalidBody'
                ? 'invalid'
                : 'refused';
      return { ok: false, why: { reason, message: failure.message } };
    }
    const parsed = parseReadingsResponse(alertId, body);
    if (!parsed.ok) {
      this.#options.warn(
        `the central platform's readings of alert ${alertId} were refused: ${parsed.message}`,
      );
      return { ok: false, why: { reason: 'invalid', message: parsed.message } };
    }
    return parsed;
  }

  #cached(alertId: string): { series: StoredSeries; fetchedAt: string } | null {
    const row = this.#statements.cached.get(alertId);
    if (!row) return null;
    try {
      // Written by this class from a validated series; a damaged row is treated as absent.
      return {
        series: JSON.parse(row.data) as StoredSeries,
        fetchedAt: new Date(row.fetched_at).toISOString(),
      };
    } catch {
      return null;
    }
  }

  /** What the alert's summary says: no samples, only its figures (the chart draws them as such). */
  #summary(alertId: string): StoredSeries | null {
    const row = this.#statements.alert.get(alertId);
    if (!row) return null;
    let document: unknown;
    try {
      document = JSON.parse(row.data);
    } catch {
      return null;
    }
    const parsed = alertSummarySchema.safeParse(document);
    if (!parsed.success) {
      this.#options.warn(describeIssues(parsed.error, `alert ${alertId} readings summary`));
      return null;
    }
    const { level, reportedAt, readings } = parsed.data;
    return {
      alertId,
      elementName: readings.elementName,
      unit: readings.unit,
      direction: readings.direction,
      level,
      threshold: readings.threshold,
      exceededAt: readings.exceededAt,
      reportedAt,
      peak: readings.peak,
      latest: readings.latest,
      samplesBeyondThreshold: readings.samplesBeyondThreshold,
      thresholds: null,
      samples: [],
    };
  }
}
