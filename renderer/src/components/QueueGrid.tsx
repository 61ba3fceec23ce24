import {
  CellStyleModule,
  colorSchemeDark,
  colorSchemeLight,
  ColumnApiModule,
  InfiniteRowModelModule,
  LocaleModule,
  RowApiModule,
  ScrollApiModule,
  ModuleRegistry,
  RenderApiModule,
  RowSelectionModule,
  TextFilterModule,
  themeQuartz,
  type CellDoubleClickedEvent,
  type CellFocusedEvent,
  type FilterChangedEvent,
  type SortChangedEvent,
  type ModelUpdatedEvent,
  type ColDef,
  type GetRowIdFunc,
  type GridApi,
  type GridReadyEvent,
  type RowSelectionOptions,
  type IDatasource,
  type ValueFormatterParams,
} from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type RefObject,
} from 'react';
import { type QueueId, type QueueRow, type QueueTextColumn } from '../../../preload/contract';
import { gridCommands, type GridCommandTarget } from '../commands/navigation-commands';
import { useCommandRegistry } from '../commands/use-commands';
import { formatDateTime, parseInstant } from '../format/time';
import { usePlatformTimeZone } from '../format/use-platform-time-zone';
import { useServerNow } from '../format/use-server-now';
import type { Translate } from '../i18n/messages';
import { useTranslate } from '../i18n/use-translate';
import { columnValueKind, valueText } from '../i18n/value-text';
import { gridKeyCommand, rowAfterAction } from '../queues/grid-keys';
import {
  createQueueDatasource,
  filterModelOf,
  filtersFromModel,
  sortFromModel,
} from '../queues/queue-datasource';
import { emptyQueueView, isFiltered, type QueueView } from '../queues/queue-request';
import { dueIn, elapsedSince, formatSpan } from '../queues/queue-time';
import { queueViewOf } from '../store/queues-slice';
import { useAppStore } from '../store/store-context';
import './keyboard.css';
import { isTextEntry } from '../dom/text-entry';

// Sorting is in the core module; the column filters need their module, applyColumnState the column API.
ModuleRegistry.registerModules([
  InfiniteRowModelModule,
  LocaleModule,
  RowApiModule,
  ScrollApiModule,
  RowSelectionModule,
  CellStyleModule,
  RenderApiModule,
  ColumnApiModule,
  TextFilterModule,
]);

/** How long the quick filter waits for the operator to stop typing before asking for the rows. */
const QUICK_FILTER_DEBOUNCE_MS = 250;

/** Rows per page asked of the bridge: a page at a time, never the whole queue. */
const PAGE_SIZE = 100;

// The grid takes its colours from theme.css, so that it follows the app's theme variables.
const themeParams = {
  backgroundColor: 'var(--surface)',
  foregroundColor: 'var(--text)',
  textColor: 'var(--text)',
  headerBackgroundColor: 'var(--surface-raised)',
  headerTextColor: 'var(--text)',
  borderColor: 'var(--border)',
  accentColor: 'var(--accent)',
  selectedRowBackgroundColor: 'var(--selected-bg)',
  rangeSelectionBorderColor: 'var(--focus)',
  fontFamily: 'var(--font-sans)',
  fontSize: 14,
  cellHorizontalPadding: 8,
  headerFontSize: 14,
  rowHeight: 40,
  headerHeight: 40,
  wrapperBorderRadius: 8,
} as const;
const gridThemes = {
  dark: themeQuartz.withPart(colorSchemeDark).withParams(themeParams),
  light: themeQuartz.withPart(colorSchemeLight).withParams(themeParams),
};

// The grid's options are made once: a new object on a render makes ag-grid rebuild its columns and lay out again.
const defaultColDef: ColDef<QueueRow> = {
  sortable: true,
  cellDataType: false,
  suppressHeaderMenuButton: true,
};
const rowSelection: RowSelectionOptions<QueueRow> = {
  mode: 'singleRow',
  checkboxes: false,
  enableClickSelection: true,
};
const getRowId: GetRowIdFunc<QueueRow> = (params) => params.data.key;

/**
 * The queues whose rows the rules write (the prompts they raise, escalate and resolve on each tick), which may
 * change with no change to their count; the others change only by a sync or an action of this workstation.
 */
const queuesWrittenByRules: ReadonlySet<QueueId> = new Set<QueueId>(['workPrompts', 'dutyItems']);

/**
 * Calls `onTick` with the server's now on each of its seconds. A component of its own, so that the tick
 * re-renders nothing but it: the grid refreshes its two time columns' cells, not itself.
 */
function GridClock({ onTick }: { onTick: (now: number | null) => void }) {
  const serverNow = useServerNow();
  useEffect(() => onTick(serverNow), [onTick, serverNow]);
  return null;
}

/**
 * What the grid's cells read that is not in the row: the server's now (set on each tick, read when a cell is
 * refreshed), the queue (whose codes a column holds) and the data age shown while not online.
 */
interface GridContextState {
  now: number | null;
  queue: QueueId;
  dataAsOfLabel: string | null;
}

interface GridContext {
  read: () => GridContextState;
  set: (change: Partial<GridContextState>) => void;
}

function createGridContext(queue: QueueId): GridContext {
  let state: GridContextState = { now: null, queue, dataAsOfLabel: null };
  return {
    read: () => state,
    set: (change) => {
      state = { ...state, ...change };
    },
  };
}

const textColumnFilter = {
  filter: 'agTextColumnFilter',
  floatingFilter: true,
  suppressFloatingFilterButton: true,
  suppressHeaderFilterButton: true,
  filterParams: { filterOptions: ['contains'], maxNumConditions: 1, debounceMs: 400, trimInput: true },
} satisfies ColDef<QueueRow>;

function columnDefs(t: Translate, context: GridContext): ColDef<QueueRow>[] {
  const text = (params: ValueFormatterParams<QueueRow>) =>
    params.value === null || params.value === undefined || params.value === '' ? '—' : String(params.value);
  // A coded column shows the code's name (处置中 for 'handling'); what the code means depends on the queue.
  const named = (column: QueueTextColumn) => (params: ValueFormatterParams<QueueRow>) => {
    const kind = columnValueKind(context.read().queue, column);
    if (kind === null || typeof params.value !== 'string' || params.value === '') return text(params);
    return valueText(t, kind, params.value);
  };
  return [
    {
      colId: 'level',
      field: 'level',
      headerName: t('column.level'),
      width: 76,
      ...textColumnFilter,
      valueFormatter: (params) => (params.value ? valueText(t, 'level', String(params.value)) : '—'),
      cellClass: (params) => (params.value ? ['level-cell', `level-${String(params.value)}`] : 'level-cell'),
    },
    {
      colId: 'title',
      field: 'title',
      headerName: t('column.title'),
      flex: 2,
      minWidth: 140,
      ...textColumnFilter,
      valueFormatter: text,
    },
    {
      colId: 'scene',
      field: 'sceneName',
      headerName: t('column.scene'),
      flex: 1,
      minWidth: 90,
      ...textColumnFilter,
      valueFormatter: text,
    },
    {
      colId: 'category',
      field: 'category',
      headerName: t('column.category'),
      width: 96,
      ...textColumnFilter,
      valueFormatter: named('category'),
    },
    {
      colId: 'location',
      field: 'location',
      headerName: t('column.location'),
      flex: 1,
      minWidth: 90,
      ...textColumnFilter,
      valueFormatter: text,
    },
    {
      colId: 'elapsed',
      headerName: t('column.elapsed'),
      width: 100,
      cellClass: 'time-cell',
      valueGetter: (params) => elapsedSince(parseInstant(params.data?.since), context.read().now),
      valueFormatter: (params) =>
        typeof params.value === 'number' ? formatSpan(params.value, t('grid.days')) : '—',
    },
    {
      colId: 'dueIn',
      headerName: t('column.dueIn'),
      width: 124,
      valueGetter: (params) => dueIn(parseInstant(params.data?.dueAt), context.read().now),
      valueFormatter: (params) => {
        const due = params.value as ReturnType<typeof dueIn>;
        if (!due) return '—';
        const span = formatSpan(due.spanMs, t('grid.days'));
        return due.overdue ? t('grid.overdueBy', { span }) : span;
      },
      cellClass: (params) =>
        (params.value as ReturnType<typeof dueIn>)?.overdue ? ['time-cell', 'is-overdue'] : 'time-cell',
    },
    {
      // While not online every row says how old its data is; a cell of the rendered rows only, never all rows.
      // Shown and hidden by the grid's API (see QueueGrid), so that the columns need not be made again.
      colId: 'dataAge',
      headerName: t('console.column.dataAge'),
      width: 136,
      initialHide: true,
      sortable: false,
      cellClass: 'data-age-cell',
      valueGetter: () => context.read().dataAsOfLabel,
      valueFormatter: (params) =>
        typeof params.value === 'string' ? t('area.dataAsOf', { time: params.value }) : t('area.neverSynced'),
    },
    {
      colId: 'handler',
      field: 'handler',
      headerName: t('column.handler'),
      width: 88,
      ...textColumnFilter,
      valueFormatter: named('handler'),
    },
    {
      colId: 'status',
      field: 'status',
      headerName: t('column.status'),
      width: 96,
      ...textColumnFilter,
      valueFormatter: named('status'),
    },
    {
      colId: 'claimedBy',
      field: 'claimedBy',
      headerName: t('column.claimedBy'),
      width: 80,
      ...textColumnFilter,
      valueFormatter: text,
    },
    {
      colId: 'detail',
      field: 'detail',
      headerName: t('column.detail'),
      flex: 1,
      minWidth: 110,
      ...textColumnFilter,
      valueFormatter: named('detail'),
    },
  ];
}

interface QuickFilterInputProps {
  initial: string;
  inputRef: RefObject<HTMLInputElement | null>;
  onChange: (text: string) => void;
  /** Esc: the filter is cleared at once and focus goes back to the rows. */
  onClear: () => void;
  /** Enter or ↓: focus goes to the rows. */
  onLeave: () => void;
}

/** The toolbar's quick filter; the rows are asked for once the operator stops typing. */
function QuickFilterInput({ initial, inputRef, onChange, onClear, onLeave }: QuickFilterInputProps) {
  const t = useTranslate();
  const [text, setText] = useState(initial);
  // The view was changed elsewhere (cleared from the palette): the field follows.
  const [seenInitial, setSeenInitial] = useState(initial);
  if (initial !== seenInitial) {
    setSeenInitial(initial);
    setText(initial);
  }
  const latest = useRef(onChange);
  useLayoutEffect(() => {
    latest.current = onChange;
  });
  useEffect(() => {
    if (text === initial) return;
    const timer = setTimeout(() => latest.current(text), QUICK_FILTER_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, initial]);

  return (
    <label className="quick-filter">
      <span className={text.trim() === '' ? 'visually-hidden' : 'quick-filter-active'}>
        {t('console.filter.label')}
      </span>
      <input
        ref={inputRef}
        type="search"
        value={text}
        aria-label={t('console.filter.label')}
        aria-keyshortcuts="/"
        aria-description={t('console.filter.keyHint')}
        placeholder={t('console.filter.placeholder')}
        data-testid="quick-filter"
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            event.stopPropagation();
            setText('');
            onClear();
          } else if (event.key === 'Enter' || event.key === 'ArrowDown') {
            event.preventDefault();
            onChange(text);
            onLeave();
          }
        }}
      />
    </label>
  );
}

export interface QueueGridProps {
  queue: QueueId;
}

/**
 * The queue's rows. Memoised, and subscribed only to what it shows: a selection, a clock tick or a counts
 * snapshot that leaves this queue as it was do not render it again.
 */
export const QueueGrid = memo(function QueueGrid({ queue }: QueueGridProps) {
  const t = useTranslate();
  const timeZone = usePlatformTimeZone();
  const theme = useAppStore((state) => state.preferences.theme);
  const loadQueuePage = useAppStore((state) => state.loadQueuePage);
  // What says that this queue's rows may have changed (see the refresh effect below).
  const queueCount = useAppStore((state) => state.queueCounts?.counts[queue] ?? null);
  const countsDataAsOf = useAppStore((state) => state.queueCounts?.dataAsOf ?? null);
  const rulesSnapshot = useAppStore((state) => (queuesWrittenByRules.has(queue) ? state.queueCounts : null));
  const onSelect = useAppStore((state) => state.selectRow);
  const openDetail = useAppStore((state) => state.openDetail);
  const closeDetail = useAppStore((state) => state.closeDetail);
  const detailOpen = useAppStore((state) => state.detailOpen);
  const setGridControl = useAppStore((state) => state.setGridControl);
  const revealRequest = useAppStore((state) =>
    state.revealRequest?.queue === queue ? state.revealRequest : null,
  );
  const locateRow = useAppStore((state) => state.locateRow);
  const settleReveal = useAppStore((state) => state.settleReveal);
  const view = useAppStore((state) => queueViewOf(state, queue));
  const setQueueSort = useAppStore((state) => state.setQueueSort);
  const setQueueFilters = useAppStore((state) => state.setQueueFilters);
  const setQuickFilter = useAppStore((state) => state.setQuickFilter);
  const clearQueueView = useAppStore((state) => state.clearQueueView);
  const connection = useAppStore((state) => state.status?.connection.state ?? null);
  const dataAsOf = useAppStore((state) => parseInstant(state.queueCounts?.dataAsOf));
  const [context] = useState(() => createGridContext(queue));
  const api = useRef<GridApi<QueueRow> | null>(null);
  const wrapper = useRef<HTMLDivElement>(null);
  const quickFilterInput = useRef<HTMLInputElement>(null);
  const selectedIndex = useRef<number | null>(null);
  /** The key of the row to select once the next refreshed page arrives (after an action), or null. */
  const followAfterRefresh = useRef<string | null>(null);
  /** The index of a row focused before its page arrived (End), to select once it has; or null. */
  const selectWhenLoaded = useRef<number | null>(null);
  // The total belongs to the queue and view it was read for: a new queue shows "loading" until its first page.
  const [counted, setCounted] = useState<{ queue: QueueId; total: number; filtered: boolean } | null>(null);
  const total = counted?.queue === queue ? counted.total : null;
  const showDataAge = connection !== null && connection !== 'online';

  const columns = useMemo(() => columnDefs(t, context), [t, context]);
  const localeText = useMemo(
    () => ({
      noRowsToShow: t('area.emptyTitle'),
      loadingOoo: t('grid.loading'),
      filterOoo: t('console.grid.filterOoo'),
      contains: t('console.grid.contains'),
      noMatchingRows: t('console.grid.noMatchingRows'),
      ariaFilterInput: t('console.grid.ariaFilterInput'),
      ariaSortableColumn: t('console.grid.ariaSortableColumn'),
      ariaFilterColumn: t('console.grid.ariaFilterColumn'),
      ariaColumnFiltered: t('console.grid.ariaColumnFiltered'),
      ariaLabelColumnFilter: t('console.grid.ariaLabelColumnFilter'),
    }),
    [t],
  );

  /**
   * A data source for one queue and quick filter (see createQueueDatasource): each page it answers carries
   * the total, which the toolbar shows while the source is still the grid's.
   */
  const makeDatasource = useCallback(
    (forQueue: QueueId, quickFilter: string): IDatasource =>
      createQueueDatasource({
        queue: forQueue,
        quickFilter,
        loadPage: loadQueuePage,
        isShown: (source) => api.current?.getGridOption('datasource') === source,
        onTotal: (total, filtered) =>
          // The toolbar renders again only when the total changed.
          setCounted((last) =>
            last?.queue === forQueue && last.total === total && last.filtered === filtered
              ? last
              : { queue: forQueue, total, filtered },
          ),
      }),
    [loadQueuePage],
  );

  /**
   * Shows `forQueue` in the view the operator left it in. The data source is detached while the sort and the
   * filters are set, so that the grid asks for the rows once, in the new view, not once per change.
   */
  const showQueue = useCallback(
    (grid: GridApi<QueueRow>, forQueue: QueueId, queueView: QueueView) => {
      context.set({ queue: forQueue });
      grid.setGridOption('datasource', undefined);
      const sort = queueView.sort;
      grid.applyColumnState({
        state: sort ? [{ colId: sort.column, sort: sort.direction }] : [],
        defaultState: { sort: null },
      });
      grid.setFilterModel(filterModelOf(queueView.filters));
      grid.setGridOption('datasource', makeDatasource(forQueue, queueView.quickFilter));
    },
    [context, makeDatasource],
  );

  // The queue changed: its own view; only the quick filter changed: a new data source. Before paint, so
  // that the old queue's rows never show under the new queue's name.
  const shown = useRef<{ queue: QueueId; quickFilter: string } | null>(null);
  useLayoutEffect(() => {
    const grid = api.current;
    if (!grid) return;
    const last = shown.current;
    if (last?.queue === queue && last.quickFilter === view.quickFilter) return;
    if (last?.queue === queue) grid.setGridOption('datasource', makeDatasource(queue, view.quickFilter));
    else {
      // Another queue starts at its top with no row focused. What the old queue still waited for is dropped:
      // a row to follow after an action's refresh, also in the new queue, scrolled the new queue down to it.
      followAfterRefresh.current = null;
      selectWhenLoaded.current = null;
      grid.clearFocusedCell();
      // ag-grid keeps rows selected by their id across data sources: the old queue's selection would show
      // in the new one without being the operator's. And the old queue's total is not this queue's: the
      // toolbar says "loading", and what waits for the first page (a reveal) waits, until its first page.
      grid.deselectAll();
      setCounted(null);
      showQueue(grid, queue, view);
    }
    shown.current = { queue, quickFilter: view.quickFilter };
  }, [queue, view, makeDatasource, showQueue]);

  useEffect(() => {
    selectedIndex.current = null;
    onSelect(null);
  }, [queue, onSelect]);

  // The elapsed and due columns tick with the server clock the status bar shows (GridClock).
  const onClockTick = useCallback(
    (now: number | null) => {
      context.set({ now });
      api.current?.refreshCells({ columns: ['elapsed', 'dueIn'] });
    },
    [context],
  );

  // The data-age column is there only while not online; again after the columns were made anew (language).
  useEffect(() => {
    api.current?.setColumnsVisible(['dataAge'], showDataAge);
  }, [showDataAge, columns]);

  // The data age every row shows while not online: the time of the last sync, on the platform's clock.
  useEffect(() => {
    context.set({
      dataAsOfLabel: dataAsOf === null ? null : formatDateTime(dataAsOf, timeZone).slice(11, 16),
    });
    api.current?.refreshCells({ columns: ['dataAge'], force: true });
  }, [context, dataAsOf, timeZone, showDataAge]);

  // The rows are read again only when they may have changed: the queue's count moved, new data was synced
  // (dataAsOf is the time of the last committed page, so another workstation's claim shows here within the
  // sync's poll), or, for the prompts, the rules ticked. Not on every tick: that re-read every cached page.
  // The actions of this workstation refresh through gridControl.refresh.
  const seenData = useRef<{ queue: QueueId; marks: readonly unknown[] } | null>(null);
  useEffect(() => {
    const marks = [queueCount, countsDataAsOf, rulesSnapshot];
    const seen = seenData.current;
    seenData.current = { queue, marks };
    // A queue just shown has just been read (showQueue).
    if (seen?.queue !== queue || queueCount === null) return;
    if (marks.some((mark, index) => mark !== seen.marks[index])) api.current?.refreshInfiniteCache();
  }, [queue, queueCount, countsDataAsOf, rulesSnapshot]);

  const focusRow = useCallback((rowIndex: number) => {
    const grid = api.current;
    if (!grid) return;
    const column = grid.getFocusedCell()?.column ?? 'title';
    grid.ensureIndexVisible(rowIndex);
    grid.setFocusedCell(rowIndex, column);
  }, []);

  // An item to reveal here (an alarm's alert): once the queue's first page is in, its row is found in the
  // operator's view and focused, which selects it once its page is in (onCellFocused, onModelUpdated); the
  // store opens its detail when it is selected (settleReveal).
  useEffect(() => {
    if (revealRequest === null || total === null) return;
    let current = true;
    void locateRow(queue, revealRequest.item).then((index) => {
      if (!current) return;
      void settleReveal(revealRequest.serial, index !== null);
      if (index !== null) focusRow(index);
    });
    return () => {
      current = false;
    };
  }, [revealRequest, total, queue, locateRow, settleReveal, focusRow]);

  useEffect(() => {
    setGridControl({
      focusSelected: () => focusRow(selectedIndex.current ?? 0),
      rowAfterAction: (selectedKey) => {
        const grid = api.current;
        if (!grid) return null;
        // Where the selected row stands now: a refresh since it was selected may have moved it.
        const selected = selectedKey === null ? undefined : grid.getRowNode(selectedKey);
        const index = rowAfterAction(selected?.rowIndex ?? selectedIndex.current, total);
        if (index === null) return null;
        return { index, key: grid.getDisplayedRowAtIndex(index)?.data?.key ?? null };
      },
      refreshAndSelect: (mark) => {
        const grid = api.current;
        if (!grid) return;
        // The row is followed by its key: when the acted row leaves the queue or moves (verified, snoozed...),
        // the refreshed page moves the next row into another place, and the selection follows it there.
        followAfterRefresh.current = mark?.key ?? null;
        if (mark !== null) {
          const standing = mark.key === null ? null : (grid.getRowNode(mark.key)?.rowIndex ?? null);
          focusRow(standing ?? mark.index);
        }
        grid.refreshInfiniteCache();
      },
    });
    return () => setGridControl(null);
  }, [setGridControl, focusRow, total]);

  const leaveForQueueList = () =>
    document.querySelector<HTMLElement>('.queue-item[aria-current="true"]')?.focus();

  const openSelected = useCallback(() => {
    const row = api.current?.getDisplayedRowAtIndex(selectedIndex.current ?? 0)?.data;
    if (row) {
      onSelect(row);
      openDetail();
    }
  }, [onSelect, openDetail]);

  const commandTarget: GridCommandTarget = {
    move: (to) => {
      const key = { next: 'j', previous: 'k', first: 'Home', last: 'End' }[to];
      const command = gridKeyCommand(key, selectedIndex.current, total);
      focusRow(command?.kind === 'move' ? command.rowIndex : (selectedIndex.current ?? 0));
    },
    hasSelection: () => selectedIndex.current !== null && total !== null && total > 0,
    openDetail: openSelected,
    back: () => (detailOpen ? closeDetail() : leaveForQueueList()),
    focusQuickFilter: () => {
      quickFilterInput.current?.focus();
      quickFilterInput.current?.select();
    },
    sortBy: (column, direction) =>
      api.current?.applyColumnState({
        state: [{ colId: column, sort: direction }],
        defaultState: { sort: null },
      }),
    hasView: () => view.sort !== null || isFiltered(view),
    clearView: () => {
      clearQueueView(queue);
      const grid = api.current;
      if (grid) showQueue(grid, queue, emptyQueueView);
      shown.current = { queue, quickFilter: '' };
    },
  };
  // The commands read the grid as it is when they run; registered from an effect, as the grid is made of refs.
  const currentTarget = useRef<GridCommandTarget | null>(null);
  useLayoutEffect(() => {
    currentTarget.current = commandTarget;
  });
  const registry = useCommandRegistry();
  useEffect(() => registry.register(gridCommands(() => currentTarget.current)), [registry]);

  // Once a page arrives: a row focused while its page was loading (End) is selected now, since ag-grid
  // refuses to select a row still loading; after a refresh the selection follows the row that was next
  // (see refreshAndSelect).
  const onModelUpdated = useCallback(
    (event: ModelUpdatedEvent<QueueRow>) => {
      const pending = selectWhenLoaded.current;
      if (pending !== null) {
        const node =
          pending === selectedIndex.current ? event.api.getDisplayedRowAtIndex(pending) : undefined;
        if (pending !== selectedIndex.current) selectWhenLoaded.current = null;
        else if (node?.data) {
          selectWhenLoaded.current = null;
          node.setSelected(true, true);
          onSelect(node.data);
        }
      }
      const follow = followAfterRefresh.current;
      if (follow === null) return;
      const node = event.api.getRowNode(follow);
      if (!node?.data || node.rowIndex === null) return;
      followAfterRefresh.current = null;
      if (node.rowIndex !== selectedIndex.current) focusRow(node.rowIndex);
    },
    [focusRow, onSelect],
  );

  const onCellFocused = useCallback(
    (event: CellFocusedEvent<QueueRow>) => {
      if (typeof event.rowIndex !== 'number' || event.rowPinned) return;
      selectedIndex.current = event.rowIndex;
      const node = event.api.getDisplayedRowAtIndex(event.rowIndex);
      selectWhenLoaded.current = node && !node.data ? event.rowIndex : null;
      if (node?.data) node.setSelected(true, true);
      onSelect(node?.data ?? null);
    },
    [onSelect],
  );

  // Made once, so that ag-grid is not handed new callbacks on each render; they read the latest through refs.
  const latestView = useRef({ queue, view, showDataAge });
  useLayoutEffect(() => {
    latestView.current = { queue, view, showDataAge };
  });
  const onGridReady = useCallback(
    (event: GridReadyEvent<QueueRow>) => {
      api.current = event.api;
      const { queue: readyQueue, view: readyView, showDataAge: readyShowDataAge } = latestView.current;
      showQueue(event.api, readyQueue, readyView);
      shown.current = { queue: readyQueue, quickFilter: readyView.quickFilter };
      event.api.setColumnsVisible(['dataAge'], readyShowDataAge);
    },
    [showQueue],
  );
  const onSortChanged = useCallback(
    (event: SortChangedEvent<QueueRow>) => {
      const sorted = event.api
        .getColumnState()
        .flatMap((column) => (column.sort ? [{ colId: column.colId, sort: column.sort }] : []));
      setQueueSort(context.read().queue, sortFromModel(sorted));
    },
    [context, setQueueSort],
  );
  const onFilterChanged = useCallback(
    (event: FilterChangedEvent<QueueRow>) =>
      setQueueFilters(context.read().queue, filtersFromModel(event.api.getFilterModel())),
    [context, setQueueFilters],
  );
  const onCellDoubleClicked = useCallback(
    (event: CellDoubleClickedEvent<QueueRow>) => {
      if (event.data) {
        onSelect(event.data);
        openDetail();
      }
    },
    [onSelect, openDetail],
  );

  // The grid's own keys are taken first so that j/k, the arrows, Enter and Esc mean the same everywhere. In the
  // header the grid keeps its keys (Enter sorts, Ctrl+Enter opens a filter, the arrows move between headers).
  const onKeyDownCapture = (event: ReactKeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey || isTextEntry(event.target)) return;
    if (event.target instanceof Element && event.target.closest('.ag-header')) return;
    const grid = api.current;
    if (!grid) return;
    const command = gridKeyCommand(event.key, selectedIndex.current, total);
    if (!command) return;
    event.preventDefault();
    event.stopPropagation();
    if (command.kind === 'move') focusRow(command.rowIndex);
    else if (command.kind === 'open') openSelected();
    else leaveForQueueList();
  };

  // j/k from anywhere outside the grid (the queue list, the detail) bring the operator into it.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key !== 'j' && event.key !== 'k') return;
      if (isTextEntry(event.target) || wrapper.current?.contains(event.target as Node)) return;
      if (document.querySelector('[aria-modal="true"]') || !api.current) return;
      event.preventDefault();
      const command = gridKeyCommand(event.key, selectedIndex.current, total);
      focusRow(command?.kind === 'move' ? command.rowIndex : (selectedIndex.current ?? 0));
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [focusRow, total]);

  const filtered = counted?.queue === queue && counted.filtered;

  return (
    <div className="queue-grid-frame">
      <div className="queue-grid-toolbar">
        <span className="queue-grid-total" data-testid="queue-total" aria-live="polite">
          {total === null
            ? t('grid.loading')
            : filtered
              ? t('console.filter.total', { count: total })
              : t('grid.total', { count: total })}
        </span>
        <QuickFilterInput
          key={queue}
          initial={view.quickFilter}
          inputRef={quickFilterInput}
          onChange={(text) => setQuickFilter(queue, text)}
          onClear={() => {
            setQuickFilter(queue, '');
            focusRow(selectedIndex.current ?? 0);
          }}
          onLeave={() => focusRow(selectedIndex.current ?? 0)}
        />
        <span className="queue-grid-hint">{t('grid.keyHint')}</span>
      </div>
      <div className="queue-grid" data-testid="queue-grid" ref={wrapper} onKeyDownCapture={onKeyDownCapture}>
        <AgGridReact<QueueRow>
          theme={gridThemes[theme]}
          rowModelType="infinite"
          cacheBlockSize={PAGE_SIZE}
          maxBlocksInCache={10}
          getRowId={getRowId}
          columnDefs={columns}
          defaultColDef={defaultColDef}
          localeText={localeText}
          rowSelection={rowSelection}
          onGridReady={onGridReady}
          onSortChanged={onSortChanged}
          onFilterChanged={onFilterChanged}
          onCellFocused={onCellFocused}
          onModelUpdated={onModelUpdated}
          onCellDoubleClicked={onCellDoubleClicked}
        />
        <GridClock onTick={onClockTick} />
      </div>
    </div>
  );
});
