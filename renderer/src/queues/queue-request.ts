import {
  queueTextColumns,
  type CallArgs,
  type QueueColumnFilter,
  type QueueId,
  type QueueSort,
  type QueueTextColumn,
} from '../../../preload/contract';
import { columnCodesFor, quickFilterCodesFor } from '../i18n/value-text';

/** A column filter as the operator typed it; the codes its text names are added when a page is asked for. */
export interface TypedColumnFilter {
  column: QueueTextColumn;
  contains: string;
}

/** How the operator sorted and filtered one queue (kept per queue while the console runs). */
export interface QueueView {
  sort: QueueSort | null;
  filters: readonly TypedColumnFilter[];
  quickFilter: string;
}

export const emptyQueueView: QueueView = { sort: null, filters: [], quickFilter: '' };

/** Whether the view narrows the queue (a sort alone does not). */
export function isFiltered(view: QueueView): boolean {
  return view.quickFilter.trim() !== '' || view.filters.some((filter) => filter.contains.trim() !== '');
}

export type QueuePageRequest = CallArgs<'getQueuePage'>[0];
/** The part of a queue request that says how the queue is viewed (getQueuePage, locateQueueRow). */
export type QueueViewRequest = Omit<QueuePageRequest, 'offset' | 'limit'>;

/**
 * The bridge's form of `queue` viewed as `view`. The operator types names (红, 处置中, 燃气管线) where the cache
 * holds codes: the request carries, with each text, the codes of the column whose names contain it.
 */
export function queueViewRequest(queue: QueueId, view: QueueView): QueueViewRequest {
  const request: QueueViewRequest = { queue };
  if (view.sort) request.sort = view.sort;
  const quick = view.quickFilter.trim();
  if (quick !== '') {
    request.quickFilter = quick;
    const codes = quickFilterCodesFor(queue, quick, queueTextColumns);
    if (codes.length > 0) request.quickFilterCodes = codes;
  }
  const filters = view.filters.flatMap((filter): QueueColumnFilter[] => {
    const contains = filter.contains.trim();
    if (contains === '') return [];
    const codes = columnCodesFor(queue, filter.column, contains);
    return [codes ? { column: filter.column, contains, codes } : { column: filter.column, contains }];
  });
  if (filters.length > 0) request.filters = filters;
  return request;
}

/** The bridge request for a page of `queue` in `view`. */
export function queuePageRequest(
  queue: QueueId,
  offset: number,
  limit: number,
  view: QueueView,
): QueuePageRequest {
  return { ...queueViewRequest(queue, view), offset, limit };
}
