/**
 * What the queue's grid asks of the bridge: its sort and filter models turned into a queue's view, and the data
 * source that reads a queue's pages in that view.
 */
import type { FilterModel, IDatasource, SortModelItem } from 'ag-grid-community';
import {
  queueColumns,
  queueTextColumns,
  type QueueColumn,
  type QueueId,
  type QueuePage,
  type QueueSort,
  type QueueTextColumn,
} from '../../../preload/contract';
import { isFiltered, type QueueView, type TypedColumnFilter } from './queue-request';

const isQueueColumn = (colId: string): colId is QueueColumn =>
  (queueColumns as readonly string[]).includes(colId);
const isTextColumn = (colId: string): colId is QueueTextColumn =>
  (queueTextColumns as readonly string[]).includes(colId);

/** The grid's sort model as the bridge's sort (one column at a time). */
export function sortFromModel(model: readonly SortModelItem[]): QueueSort | null {
  const first = model[0];
  return first && isQueueColumn(first.colId) ? { column: first.colId, direction: first.sort } : null;
}

/** The grid's text filters ('contains') as the bridge's column filters. */
export function filtersFromModel(model: FilterModel | null | undefined): TypedColumnFilter[] {
  return Object.entries(model ?? {}).flatMap(([colId, filter]): TypedColumnFilter[] => {
    const text = (filter as { filter?: unknown } | null)?.filter;
    return isTextColumn(colId) && typeof text === 'string' && text.trim() !== ''
      ? [{ column: colId, contains: text }]
      : [];
  });
}

export function filterModelOf(filters: readonly TypedColumnFilter[]): FilterModel | null {
  if (filters.length === 0) return null;
  return Object.fromEntries(
    filters.map((filter) => [
      filter.column,
      { filterType: 'text', type: 'contains', filter: filter.contains },
    ]),
  );
}

/** The largest page the bridge answers (getQueuePage's limit). */
const MAX_PAGE_ROWS = 1_000;

export interface QueueDatasourceOptions {
  queue: QueueId;
  quickFilter: string;
  /** Reads a page; null when the read failed (the store has told the operator why). */
  loadPage: (queue: QueueId, offset: number, limit: number, view: QueueView) => Promise<QueuePage | null>;
  /** Whether `source` is still the one the grid shows. */
  isShown: (source: IDatasource) => boolean;
  /** The queue's total in the page's view, from a page of the source the grid shows. */
  onTotal: (total: number, filtered: boolean) => void;
}

/**
 * A data source for one queue and quick filter; the sort and the column filters come from the grid with each
 * block it asks for. Every block asked for is answered, also once the source has been replaced (another queue,
 * another quick filter): ag-grid frees its slot for a load only on an answer, and with the slots all taken by
 * blocks that never hear back, the next queue's rows would never load. Such a late page's total is not the
 * shown queue's, so it is not passed on.
 */
export function createQueueDatasource(options: QueueDatasourceOptions): IDatasource {
  const source: IDatasource = {
    getRows: (params) => {
      const view: QueueView = {
        sort: sortFromModel(params.sortModel),
        filters: filtersFromModel(params.filterModel as FilterModel | null),
        quickFilter: options.quickFilter,
      };
      const limit = Math.min(params.endRow - params.startRow, MAX_PAGE_ROWS);
      void options.loadPage(options.queue, params.startRow, limit, view).then((page) => {
        if (!page) {
          params.failCallback();
          return;
        }
        if (options.isShown(source)) options.onTotal(page.total, isFiltered(view));
        params.successCallback(page.rows, page.total);
      });
    },
  };
  return source;
}
