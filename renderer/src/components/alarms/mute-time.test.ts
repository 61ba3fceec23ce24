import { describe, expect, it } from 'vitest';
import { parseHourMinute } from './mute-time';

describe('mute times', () => {
  it('accepts H:mm and HH:mm times of day only', () => {
    expect(parseHourMinute('23:30')).toEqual({ hour: 23, minute: 30 });
    expect(parseHourMinute(' 7:05 ')).toEqual({ hour: 7, minute: 5 });
    for (const bad of ['24:00', '12:60', '1230', '', 'ab:cd']) expect(parseHourMinute(bad), bad).toBeNull();
  });
});
