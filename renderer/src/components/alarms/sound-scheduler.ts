/**
 * When the alarm sounds: the pattern of the most urgent level sounding, at once when an alarm appears (or a new
 * one joins), then again at the level's interval while any unacknowledged alarm remains and no mute is in force.
 * The sound itself goes to a sink (Web Audio in the page, a recorder in tests), so what would play can be checked
 * without audio.
 */

export type AlarmLevel = 'red' | 'orange';

/** One tone of a pattern, relative to the pattern's start. */
export interface Tone {
  frequencyHz: number;
  startMs: number;
  durationMs: number;
}

export interface SoundPattern {
  level: AlarmLevel;
  tones: readonly Tone[];
}

/** Six short alternating high tones, the siren-like two-tone of a red alert. */
const redTones: Tone[] = [0, 1, 2, 3, 4, 5].map((index) => ({
  frequencyHz: index % 2 === 0 ? 988 : 1319,
  startMs: index * 170,
  durationMs: 150,
}));

/** Two slow, lower tones of one pitch: noticeable, less urgent. */
const orangeTones: Tone[] = [
  { frequencyHz: 660, startMs: 0, durationMs: 500 },
  { frequencyHz: 660, startMs: 900, durationMs: 500 },
];

export const ALARM_PATTERNS: Readonly<Record<AlarmLevel, SoundPattern>> = {
  red: { level: 'red', tones: redTones },
  orange: { level: 'orange', tones: orangeTones },
};

/** How often the pattern repeats while its level sounds. */
export const REPEAT_INTERVAL_MS: Readonly<Record<AlarmLevel, number>> = { red: 10_000, orange: 30_000 };

export interface AlarmSoundSink {
  play(pattern: SoundPattern): void;
}

export interface SchedulerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserTimers: SchedulerTimers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface SoundingAlarm {
  alertId: string;
  level: AlarmLevel;
}

const urgency: Record<AlarmLevel, number> = { orange: 1, red: 2 };

/** The most urgent level among the alarms, or null when none sounds. */
export function loudestLevel(alarms: readonly SoundingAlarm[]): AlarmLevel | null {
  let loudest: AlarmLevel | null = null;
  for (const alarm of alarms) {
    if (loudest === null || urgency[alarm.level] > urgency[loudest]) loudest = alarm.level;
  }
  return loudest;
}

export class AlarmSoundScheduler {
  readonly #sink: AlarmSoundSink;
  readonly #timers: SchedulerTimers;
  readonly #intervals: Readonly<Record<AlarmLevel, number>>;
  #level: AlarmLevel | null = null;
  #timer: unknown = null;
  #known = new Set<string>();

  constructor(
    sink: AlarmSoundSink,
    timers: SchedulerTimers = browserTimers,
    intervals: Readonly<Record<AlarmLevel, number>> = REPEAT_INTERVAL_MS,
  ) {
    this.#sink = sink;
    this.#timers = timers;
    this.#intervals = intervals;
  }

  /** The alarms sounding now (unacknowledged) and whether a mute is in force. */
  update(alarms: readonly SoundingAlarm[], muted: boolean): void {
    const level = muted ? null : loudestLevel(alarms);
    const joined = alarms.some((alarm) => !this.#known.has(alarm.alertId));
    this.#known = new Set(alarms.map((alarm) => alarm.alertId));
    const previous = this.#level;
    this.#level = level;
    if (level === null) {
      this.#cancel();
      return;
    }
    if (previous === null || urgency[level] > urgency[previous] || joined) {
      this.#playAndRepeat();
    } else if (level !== previous) {
      // Quieter now (the red ones were acknowledged): carry on at the remaining level's pace, without a new burst.
      this.#schedule();
    }
  }

  /** Stops for good (the page or component goes). */
  dispose(): void {
    this.#cancel();
    this.#level = null;
    this.#known.clear();
  }

  #playAndRepeat(): void {
    if (this.#level === null) return;
    this.#sink.play(ALARM_PATTERNS[this.#level]);
    this.#schedule();
  }

  #schedule(): void {
    this.#cancel();
    if (this.#level === null) return;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null;
      this.#playAndRepeat();
    }, this.#intervals[this.#level]);
  }

  #cancel(): void {
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
