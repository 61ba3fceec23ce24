import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instantMs } from './wire';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
/** What the contract's instants were read with before instantMs: a regex, then Date.parse. */
const byRegexAndDateParse = (text: string): number =>
  ISO_INSTANT.test(text) ? Date.parse(text) : Number.NaN;

const padded = (value: number, width: number): string => String(value).padStart(width, '0');

/** The fields of an instant: every one at and past its range. */
const instantFields = fc.record({
  year: fc.oneof(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 0, max: 9999 })),
  month: fc.integer({ min: 0, max: 13 }),
  day: fc.integer({ min: 0, max: 32 }),
  hour: fc.integer({ min: 0, max: 25 }),
  minute: fc.integer({ min: 0, max: 60 }),
  second: fc.integer({ min: 0, max: 61 }),
  fraction: fc.option(fc.stringMatching(/^\d{0,10}$/)),
  zone: fc.oneof(
    fc.constant('Z'),
    fc.constant('z'),
    fc.constant(''),
    fc
      .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }))
      .map(([sign, hours, minutes]) => `${sign}${padded(hours, 2)}:${padded(minutes, 2)}`),
  ),
});
type InstantFields = typeof instantFields extends fc.Arbitrary<infer Fields> ? Fields : never;
const written = ({ year, month, day, hour, minute, second, fraction, zone }: InstantFields): string =>
  `${padded(year, 4)}-${padded(month, 2)}-${padded(day, 2)}T${padded(hour, 2)}:${padded(minute, 2)}:${padded(second, 2)}${fraction === null ? '' : `.${fraction}`}${zone}`;

/** Instants as servers write them, and near misses. */
const instantText = instantFields.map(written);

describe('instantMs', () => {
  it('reads the instants of the contract', () => {
    expect(instantMs('2026-11-23T01:00:00.000Z')).toBe(Date.UTC(2026, 10, 23, 1));
    expect(instantMs('2026-11-23T09:00:00+08:00')).toBe(Date.UTC(2026, 10, 23, 1));
    expect(instantMs('2024-02-29T23:59:59.9999Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
  });

  it('refuses what is not one', () => {
    for (const text of [
      '',
      '2026-11-23',
      '2026-11-23T01:00:00',
      '2026-11-23 01:00:00Z',
      'x026-11-23T01:00:00Z',
    ])
      expect(instantMs(text), text).toBeNaN();
  });

  it('answers as the regex and Date.parse do, valid or not, on every field in and out of range', () => {
    fc.assert(
      fc.property(instantText, (text) => {
        expect(Object.is(instantMs(text), byRegexAndDateParse(text)), text).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('answers as they do on the form toISOString writes, and on that form with one character changed', () => {
    const firstOfYear0 = -62_167_219_200_000;
    const lastOfYear9999 = 253_402_300_799_999;
    const canonical = fc
      .tuple(
        fc.integer({ min: firstOfYear0, max: lastOfYear9999 }),
        fc.option(fc.tuple(fc.nat(23), fc.constantFrom(...Array.from('0123456789:-.TZz+/ a')))),
      )
      .map(([time, change]) => {
        const text = new Date(time).toISOString();
        if (change === null) return text;
        const [at, character] = change;
        return text.slice(0, at) + character + text.slice(at + 1);
      });
    // The same form with every field at and past its range.
    const outOfRange = fc
      .tuple(instantFields, fc.stringMatching(/^\d{3}$/))
      .map(([fields, fraction]) => written({ ...fields, fraction, zone: 'Z' }));
    fc.assert(
      fc.property(fc.oneof(canonical, outOfRange), (text) => {
        expect(text).toHaveLength(24);
        expect(Object.is(instantMs(text), byRegexAndDateParse(text)), text).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('answers as they do on any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        expect(Object.is(instantMs(text), byRegexAndDateParse(text)), text).toBe(true);
      }),
    );
  });
});
