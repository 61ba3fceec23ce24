import cron from 'node-cron';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  cronExpressionFor,
  dueCalendarOccurrences,
  latestOccurrence,
  nextOccurrence,
  type CalendarOccurrence,
  type KeyPeriodRef,
} from './calendar';
import { CALENDAR_RULE_IDS, shippedRulesConfig } from './config';

const config = shippedRulesConfig();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** An instant given as Shanghai wall-clock time (UTC+8, no daylight saving since 1991). */
const shanghai = (year: number, month: number, day: number, hour = 0, minute = 0): number =>
  Date.UTC(year, month - 1, day, hour - 8, minute);

const rulesOf = (occurrences: CalendarOccurrence[]): string[] => occurrences.map((o) => o.rule).sort();

const floodSeason: KeyPeriodRef = {
  id: 'kp-flood-2027',
  name: '2027 年汛期',
  startsAt: shanghai(2027, 6, 1),
  endsAt: shanghai(2027, 9, 30),
};

// The machine's zone must not matter: every boundary is checked with the process in Shanghai, New York and UTC.
describe.each(['Asia/Shanghai', 'America/New_York', 'UTC'])(
  'calendar rules with the machine in %s',
  (zone) => {
    const originalZone = process.env.TZ;
    beforeAll(() => {
      process.env.TZ = zone;
    });
    afterAll(() => {
      if (originalZone === undefined) delete process.env.TZ;
      else process.env.TZ = originalZone;
    });

    it('runs in the zone it claims (so the test means something)', () => {
      // `|| 0` turns UTC's -0 into 0.
      const offsetHours = new Date(shanghai(2026, 11, 27, 9)).getTimezoneOffset() / -60 || 0;
      expect(offsetHours).toBe({ 'Asia/Shanghai': 8, 'America/New_York': -5, UTC: 0 }[zone]);
    });

    it('31 October vs 1 November: the three annual updates start in November', () => {
      const evening = shanghai(2026, 10, 31, 23, 59);
      expect(
        rulesOf(dueCalendarOccurrences(evening - HOUR, evening, config, [])).filter((r) =>
          r.startsWith('annual'),
        ),
      ).toEqual([]);
      const morning = shanghai(2026, 11, 1, 9, 0);
      const due = dueCalendarOccurrences(morning - 10 * HOUR, morning, config, []).filter((o) =>
        o.rule.startsWith('annual'),
      );
      expect(rulesOf(due)).toEqual(['annual-elements', 'annual-manual', 'annual-roster']);
      for (const occurrence of due) {
        expect(occurrence.date).toEqual({ year: 2026, month: 11, day: 1 });
        expect(occurrence.at).toBe(shanghai(2026, 11, 1, 9, 0));
        expect(occurrence.dueAt).toBe(shanghai(2026, 12, 1));
        expect(occurrence.late).toBe(false);
      }
      // A minute before its time on 1 November it is not yet due.
      const early = shanghai(2026, 11, 1, 8, 59);
      expect(
        rulesOf(dueCalendarOccurrences(early - HOUR, early, config, [])).filter((r) =>
          r.startsWith('annual'),
        ),
      ).toEqual([]);
    });

    it('a workstation first started mid-November still gets the annual prompts; in December it does not', () => {
      const mid = shanghai(2026, 11, 15, 14, 0);
      expect(
        rulesOf(dueCalendarOccurrences(null, mid, config, [])).filter((r) => r.startsWith('annual')),
      ).toHaveLength(3);
      const december = shanghai(2026, 12, 1, 0, 0);
      expect(
        rulesOf(dueCalendarOccurrences(null, december, config, [])).filter((r) => r.startsWith('annual')),
      ).toEqual([]);
    });

    it('Thursday vs Friday: the weekly report falls due on Friday', () => {
      const thursdayNight = shanghai(2026, 11, 26, 23, 59);
      expect(rulesOf(dueCalendarOccurrences(thursdayNight - HOUR, thursdayNight, config, []))).not.toContain(
        'weekly-report',
      );
      const fridayMorning = shanghai(2026, 11, 27, 9, 0);
      const due = dueCalendarOccurrences(fridayMorning - HOUR, fridayMorning, config, []);
      const report = due.find((o) => o.rule === 'weekly-report');
      expect(report).toMatchObject({
        date: { year: 2026, month: 11, day: 27 },
        at: fridayMorning,
        dueAt: shanghai(2026, 11, 28),
        late: false,
      });
    });

    it('the 4th vs the 5th: the monthly report is due before the 5th', () => {
      const fourth = shanghai(2026, 12, 4, 23, 59);
      const onFourth = dueCalendarOccurrences(null, fourth, config, []).find(
        (o) => o.rule === 'monthly-report',
      );
      expect(onFourth).toMatchObject({
        date: { year: 2026, month: 12, day: 1 },
        dueAt: shanghai(2026, 12, 5),
        late: false,
      });
      const fifth = shanghai(2026, 12, 5, 0, 0);
      expect(rulesOf(dueCalendarOccurrences(null, fifth, config, []))).not.toContain('monthly-report');
      // Evaluated on the 4th and again on the 5th: nothing new falls due.
      expect(rulesOf(dueCalendarOccurrences(fourth, fifth, config, []))).not.toContain('monthly-report');
    });

    it('4 vs 3 days before a key period: the outlook falls due 3 days before, covering the 2 weeks before', () => {
      const fourDaysBefore = shanghai(2027, 5, 28, 9, 0);
      expect(
        rulesOf(dueCalendarOccurrences(fourDaysBefore - HOUR, fourDaysBefore, config, [floodSeason])),
      ).not.toContain('period-outlook');
      const threeDaysBefore = shanghai(2027, 5, 29, 9, 0);
      const outlook = dueCalendarOccurrences(threeDaysBefore - HOUR, threeDaysBefore, config, [
        floodSeason,
      ]).find((o) => o.rule === 'period-outlook');
      expect(outlook).toMatchObject({
        date: { year: 2027, month: 5, day: 29 },
        at: threeDaysBefore,
        dueAt: shanghai(2027, 5, 30),
        keyPeriod: floodSeason,
        dataWindow: { from: shanghai(2027, 5, 15), to: shanghai(2027, 5, 29) },
      });
      // Synced too late to be on time, but before the period starts: still raised, marked late.
      const dayBefore = shanghai(2027, 5, 31, 12, 0);
      expect(
        dueCalendarOccurrences(null, dayBefore, config, [floodSeason]).find(
          (o) => o.rule === 'period-outlook',
        ),
      ).toMatchObject({
        late: true,
      });
      // Asleep from before the outlook until after the period ended: nothing to catch up.
      expect(
        rulesOf(dueCalendarOccurrences(fourDaysBefore, shanghai(2027, 10, 1, 9, 0), config, [floodSeason])),
      ).not.toContain('period-outlook');
      // Asleep through the outlook's day but woken before the period is over: raised, late.
      expect(
        dueCalendarOccurrences(fourDaysBefore, shanghai(2027, 6, 10, 9, 0), config, [floodSeason]).find(
          (o) => o.rule === 'period-outlook',
        ),
      ).toMatchObject({ late: true });
      // Once the period has begun, a first evaluation no longer raises it.
      const during = shanghai(2027, 6, 2, 12, 0);
      expect(rulesOf(dueCalendarOccurrences(null, during, config, [floodSeason]))).not.toContain(
        'period-outlook',
      );
    });

    it('fires on wake: Friday slept through is raised on Saturday, marked late', () => {
      const thursdayEvening = shanghai(2026, 11, 26, 20, 0);
      const saturdayMorning = shanghai(2026, 11, 28, 10, 0);
      const report = dueCalendarOccurrences(thursdayEvening, saturdayMorning, config, []).find(
        (o) => o.rule === 'weekly-report',
      );
      expect(report).toMatchObject({ at: shanghai(2026, 11, 27, 9, 0), late: true });
      // Without a record of the last evaluation, Saturday has no reason to raise last Friday's report.
      expect(rulesOf(dueCalendarOccurrences(null, saturdayMorning, config, []))).not.toContain(
        'weekly-report',
      );
    });

    it('after weeks off, only the latest missed occurrence of each rule comes back', () => {
      const threeWeeksAgo = shanghai(2026, 11, 6, 20, 0);
      const now = shanghai(2026, 11, 28, 10, 0);
      const reports = dueCalendarOccurrences(threeWeeksAgo, now, config, []).filter(
        (o) => o.rule === 'weekly-report',
      );
      expect(reports.map((o) => o.at)).toEqual([shanghai(2026, 11, 27, 9, 0)]);
    });

    it('the weekly meeting falls on its configured weekday', () => {
      const wednesday = {
        ...config,
        rules: {
          ...config.rules,
          'weekly-meeting': { ...config.rules['weekly-meeting'], weekday: 3, at: '14:00' },
        },
      };
      const tuesday = shanghai(2026, 11, 24, 14, 0);
      expect(rulesOf(dueCalendarOccurrences(tuesday - HOUR, tuesday, wednesday, []))).not.toContain(
        'weekly-meeting',
      );
      const at = shanghai(2026, 11, 25, 14, 0);
      expect(
        dueCalendarOccurrences(at - HOUR, at, wednesday, []).find((o) => o.rule === 'weekly-meeting'),
      ).toMatchObject({
        at,
        dueAt: shanghai(2026, 11, 26),
      });
    });

    it('a disabled rule never falls due', () => {
      const off = {
        ...config,
        rules: { ...config.rules, 'weekly-report': { ...config.rules['weekly-report'], enabled: false } },
      };
      const friday = shanghai(2026, 11, 27, 9, 0);
      expect(rulesOf(dueCalendarOccurrences(friday - HOUR, friday, off, []))).not.toContain('weekly-report');
    });

    it('latest and next occurrences straddle the instant', () => {
      const now = shanghai(2026, 11, 27, 8, 59);
      expect(latestOccurrence(config, 'weekly-report', now).at).toBe(shanghai(2026, 11, 20, 9, 0));
      expect(nextOccurrence(config, 'weekly-report', now)).toBe(shanghai(2026, 11, 27, 9, 0));
      expect(nextOccurrence(config, 'annual-elements', shanghai(2026, 11, 1, 9, 0))).toBe(
        shanghai(2027, 11, 1, 9, 0),
      );
      expect(nextOccurrence(config, 'monthly-report', shanghai(2026, 12, 31, 23, 0))).toBe(
        shanghai(2027, 1, 1, 9, 0),
      );
    });

    describe('node-cron', () => {
      afterEach(() => {
        vi.useRealTimers();
      });

      it('wakes the engine at the same instants, read in Asia/Shanghai', () => {
        vi.useFakeTimers({ now: shanghai(2026, 11, 26, 23, 59) });
        for (const rule of CALENDAR_RULE_IDS) {
          const expression = cronExpressionFor(config, rule);
          expect(cron.validate(expression)).toBe(true);
          const task = cron.createTask(expression, () => undefined, { timezone: config.timeZone });
          try {
            // getNextRuns reads the (faked) current time; it needs no started task.
            const next = task.getNextRuns(1)[0]?.getTime();
            if (rule === 'period-outlook') expect(next).toBe(shanghai(2026, 11, 27, 9, 0));
            else expect(next).toBe(nextOccurrence(config, rule, Date.now()));
          } finally {
            void task.destroy();
          }
        }
      });
    });
  },
);

describe('cron expressions', () => {
  it('follow the configuration', () => {
    expect(cronExpressionFor(config, 'weekly-report')).toBe('0 9 * * 5');
    expect(cronExpressionFor(config, 'annual-manual')).toBe('0 9 1 11 *');
    expect(cronExpressionFor(config, 'monthly-report')).toBe('0 9 1 * *');
    expect(cronExpressionFor(config, 'weekly-meeting')).toBe('30 9 * * 1');
    expect(cronExpressionFor(config, 'period-outlook')).toBe('0 9 * * *');
  });

  it('a day is a day: the outlook data window is exactly dataWindowDays long in Shanghai', () => {
    const outlook = dueCalendarOccurrences(null, shanghai(2027, 5, 29, 9, 0), config, [floodSeason]).find(
      (o) => o.rule === 'period-outlook',
    );
    expect(outlook?.dataWindow && outlook.dataWindow.to - outlook.dataWindow.from).toBe(14 * DAY);
  });
});
