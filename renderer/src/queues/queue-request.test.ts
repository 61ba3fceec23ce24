import { describe, expect, it } from 'vitest';
import { emptyQueueView, isFiltered, queuePageRequest } from './queue-request';

describe('queuePageRequest', () => {
  it('asks for the plain page without a view', () => {
    expect(queuePageRequest('redAlerts', 100, 50, emptyQueueView)).toEqual({
      queue: 'redAlerts',
      offset: 100,
      limit: 50,
    });
  });

  it('carries the sort, the quick filter with the codes it names, and the column filters', () => {
    expect(
      queuePageRequest('redAlerts', 0, 100, {
        sort: { column: 'dueIn', direction: 'asc' },
        quickFilter: ' 红 ',
        filters: [
          { column: 'detail', contains: '待核实' },
          { column: 'location', contains: '张江' },
          { column: 'scene', contains: '  ' },
        ],
      }),
    ).toEqual({
      queue: 'redAlerts',
      offset: 0,
      limit: 100,
      sort: { column: 'dueIn', direction: 'asc' },
      quickFilter: '红',
      quickFilterCodes: [{ column: 'level', codes: ['red'] }],
      filters: [
        { column: 'detail', contains: '待核实', codes: ['unverified'] },
        { column: 'location', contains: '张江' },
      ],
    });
  });

  it('tells a narrowing view from a sort', () => {
    expect(isFiltered(emptyQueueView)).toBe(false);
    expect(isFiltered({ ...emptyQueueView, sort: { column: 'level', direction: 'desc' } })).toBe(false);
    expect(isFiltered({ ...emptyQueueView, quickFilter: '燃气' })).toBe(true);
    expect(isFiltered({ ...emptyQueueView, filters: [{ column: 'scene', contains: '桥' }] })).toBe(true);
  });
});
