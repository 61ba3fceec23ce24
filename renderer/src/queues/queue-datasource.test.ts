import type { IGetRowsParams } from 'ag-grid-community';
import { describe, expect, it, vi } from 'vitest';
import type { QueuePage } from '../../../preload/contract';
import { createQueueDatasource, filterModelOf, filtersFromModel, sortFromModel } from './queue-datasource';
import { alertRow } from './test-rows';

const page: QueuePage = { rows: [alertRow()], total: 42, dataAsOf: null };

/** A block request as ag-grid makes it, with callbacks that record how it was answered. */
function blockRequest(overrides: Partial<IGetRowsParams> = {}) {
  const answered = { success: vi.fn(), fail: vi.fn() };
  const params = {
    startRow: 0,
    endRow: 100,
    sortModel: [],
    filterModel: null,
    context: undefined,
    successCallback: answered.success,
    failCallback: answered.fail,
    ...overrides,
  } as unknown as IGetRowsParams;
  return { params, answered };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createQueueDatasource', () => {
  it('reads the block in the grid’s view and passes the total on while the grid shows it', async () => {
    const loadPage = vi.fn(() => Promise.resolve(page));
    const onTotal = vi.fn();
    const source = createQueueDatasource({
      queue: 'redAlerts',
      quickFilter: '燃气',
      loadPage,
      isShown: () => true,
      onTotal,
    });
    const { params, answered } = blockRequest({
      startRow: 100,
      endRow: 200,
      sortModel: [{ colId: 'title', sort: 'desc' }],
      filterModel: { scene: { filterType: 'text', type: 'contains', filter: '管网' } },
    });
    source.getRows(params);
    await settled();
    expect(loadPage).toHaveBeenCalledWith('redAlerts', 100, 100, {
      sort: { column: 'title', direction: 'desc' },
      filters: [{ column: 'scene', contains: '管网' }],
      quickFilter: '燃气',
    });
    expect(onTotal).toHaveBeenCalledWith(42, true);
    expect(answered.success).toHaveBeenCalledWith(page.rows, 42);
  });

  it('answers a block of a source the grid no longer shows, without passing its total on', async () => {
    const onTotal = vi.fn();
    const source = createQueueDatasource({
      queue: 'undispatched',
      quickFilter: '',
      loadPage: () => Promise.resolve(page),
      isShown: () => false,
      onTotal,
    });
    const { params, answered } = blockRequest();
    source.getRows(params);
    await settled();
    expect(answered.success).toHaveBeenCalledOnce();
    expect(onTotal).not.toHaveBeenCalled();
  });

  it('asks whether the grid shows this very source', async () => {
    let shown: unknown = null;
    const onTotal = vi.fn();
    const source = createQueueDatasource({
      queue: 'redAlerts',
      quickFilter: '',
      loadPage: () => Promise.resolve(page),
      isShown: (candidate) => candidate === shown,
      onTotal,
    });
    shown = source;
    source.getRows(blockRequest().params);
    await settled();
    expect(onTotal).toHaveBeenCalledWith(42, false);
  });

  it('fails the block when the read failed', async () => {
    const source = createQueueDatasource({
      queue: 'redAlerts',
      quickFilter: '',
      loadPage: () => Promise.resolve(null),
      isShown: () => true,
      onTotal: vi.fn(),
    });
    const { params, answered } = blockRequest();
    source.getRows(params);
    await settled();
    expect(answered.fail).toHaveBeenCalledOnce();
    expect(answered.success).not.toHaveBeenCalled();
  });

  it('asks for at most 1,000 rows at once', async () => {
    const loadPage = vi.fn(() => Promise.resolve(page));
    const source = createQueueDatasource({
      queue: 'redAlerts',
      quickFilter: '',
      loadPage,
      isShown: () => true,
      onTotal: vi.fn(),
    });
    source.getRows(blockRequest({ startRow: 0, endRow: 5_000 }).params);
    await settled();
    expect(loadPage).toHaveBeenCalledWith('redAlerts', 0, 1_000, expect.anything());
  });
});

describe('the grid’s models as a queue view', () => {
  it('takes the first sorted column the bridge knows', () => {
    expect(sortFromModel([{ colId: 'scene', sort: 'asc' }])).toEqual({ column: 'scene', direction: 'asc' });
    expect(sortFromModel([{ colId: 'no-such-column', sort: 'asc' }])).toBeNull();
    expect(sortFromModel([])).toBeNull();
  });

  it('keeps non-empty text filters of known columns, and turns them back into a filter model', () => {
    const filters = filtersFromModel({
      title: { filterType: 'text', type: 'contains', filter: '燃气' },
      scene: { filterType: 'text', type: 'contains', filter: '  ' },
      unknown: { filterType: 'text', type: 'contains', filter: 'x' },
    });
    expect(filters).toEqual([{ column: 'title', contains: '燃气' }]);
    expect(filtersFromModel(filterModelOf(filters))).toEqual(filters);
    expect(filterModelOf([])).toBeNull();
  });
});
