import {
  CellStyleModule,
  colorSchemeDark,
  colorSchemeLight,
  InfiniteRowModelModule,
  LocaleModule,
  RowApiModule,
  ScrollApiModule,
  ModuleRegistry,
  RenderApiModule,
  RowSelectionModule,
  themeQuartz,
  type CellFocusedEvent,
  type ColDef,
  type GridApi,
  type GridReadyEvent,
  type IDatasource,
  type ValueFormatterParams,
} from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
} from 'react';
import type { QueueId, QueueRow } from '../../../preload/contract';
import { parseInstant } from '../format/time';
import { useServerNow } from '../format/use-server-now';
import type { Translate } from '../i18n/messages';
import { useTranslate } from '../i18n/use-translate';
import { gridKeyCommand } from '../queues/grid-keys';
import { dueIn, elapsedSince, formatSpan } from '../queues/queue-time';
import { useAppStore } from '../store/store-context';

ModuleRegistry.registerModules([
  InfiniteRowModelModule,
  LocaleModule,
  RowApiModule,
  ScrollApiModule,
  RowSelectionModule,
  CellStyleModule,
  RenderApiModule,
]);

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

/** Typing into a field must not move the selection. */
function isTextEntry(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

/** The server's now as the grid's cells read it; set on each tick, read when a cell is refreshed. */
interface GridClock {
  read: () => number | null;
  set: (now: number | null) => void;
}

function createGridClock(): GridClock {
  let now: number | null = null;
  return {
    read: () => now,
    set: (next) => {
      now = next;
    },
  };
}

function columnDefs(t: Translate, clock: GridClock): ColDef<QueueRow>[] {
  const text = (params: ValueFormatterParams<QueueRow>) =>
    params.value === null || params.value === undefined || params.value === '' ? '—' : String(params.value);
  return [
    {
      colId: 'level',
      field: 'level',
      headerName: t('column.level'),
      width: 72,
      valueFormatter: (params) => (params.value ? t(`level.${params.value as 'red'}`) : '—'),
      cellClass: (params) => (params.value ? ['level-cell', `level-${String(params.value)}`] : 'level-cell'),
    },
    {
      colId: 'title',
      field: 'title',
      headerName: t('column.title'),
      flex: 2,
      minWidth: 140,
      valueFormatter: text,
    },
    {
      colId: 'scene',
      field: 'sceneName',
      headerName: t('column.scene'),
      flex: 1,
      minWidth: 90,
      valueFormatter: text,
    },
    {
      colId: 'category',
      field: 'category',
      headerName: t('column.category'),
      width: 80,
      valueFormatter: text,
    },
    {
      colId: 'location',
      field: 'location',
      headerName: t('column.location'),
      flex: 1,
      minWidth: 90,
      valueFormatter: text,
    },
    {
      colId: 'elapsed',
      headerName: t('column.elapsed'),
      width: 100,
      cellClass: 'time-cell',
      valueGetter: (params) => elapsedSince(parseInstant(params.data?.since), clock.read()),
      valueFormatter: (params) =>
        typeof params.value === 'number' ? formatSpan(params.value, t('grid.days')) : '—',
    },
    {
      colId: 'dueIn',
      headerName: t('column.dueIn'),
      width: 120,
      valueGetter: (params) => dueIn(parseInstant(params.data?.dueAt), clock.read()),
      valueFormatter: (params) => {
        const due = params.value as ReturnType<typeof dueIn>;
        if (!due) return '—';
        const span = formatSpan(due.spanMs, t('grid.days'));
        return due.overdue ? t('grid.overdueBy', { span }) : span;
      },
      cellClass: (params) =>
        (params.value as ReturnType<typeof dueIn>)?.overdue ? ['time-cell', 'is-overdue'] : 'time-cell',
    },
    { colId: 'handler', field: 'handler', headerName: t('column.handler'), width: 76, valueFormatter: text },
    { colId: 'status', field: 'status', headerName: t('column.status'), width: 88, valueFormatter: text },
    {
      colId: 'claimedBy',
      field: 'claimedBy',
      headerName: t('column.claimedBy'),
      width: 76,
      valueFormatter: text,
    },
    {
      colId: 'detail',
      field: 'detail',
      headerName: t('column.detail'),
      flex: 1,
      minWidth: 110,
      valueFormatter: text,
    },
  ];
}

export interface QueueGridProps {
  queue: QueueId;
}

export function QueueGrid({ queue }: QueueGridProps) {
  const t = useTranslate();
  const theme = useAppStore((state) => state.preferences.theme);
  const loadQueuePage = useAppStore((state) => state.loadQueuePage);
  const queueCounts = useAppStore((state) => state.queueCounts);
  const onSelect = useAppStore((state) => state.selectRow);
  const openDetail = useAppStore((state) => state.openDetail);
  const setGridControl = useAppStore((state) => state.setGridControl);
  const serverNow = useServerNow();
  const [clock] = useState(createGridClock);
  const api = useRef<GridApi<QueueRow> | null>(null);
  const wrapper = useRef<HTMLDivElement>(null);
  const selectedIndex = useRef<number | null>(null);
  // The total belongs to the queue it was read for: a new queue shows "loading" until its first page.
  const [counted, setCounted] = useState<{ queue: QueueId; total: number } | null>(null);
  const total = counted?.queue === queue ? counted.total : null;

  const columns = useMemo(() => columnDefs(t, clock), [t, clock]);
  const localeText = useMemo(
    () => ({ noRowsToShow: t('area.emptyTitle'), loadingOoo: t('grid.loading') }),
    [t],
  );

  // A new data source per queue: the grid drops the old queue's pages and asks for the first one.
  const datasource = useMemo<IDatasource>(
    () => ({
      getRows: (params) => {
        void loadQueuePage(queue, params.startRow, Math.min(params.endRow - params.startRow, 1_000)).then(
          (page) => {
            if (!page) {
              params.failCallback();
              return;
            }
            setCounted({ queue, total: page.total });
            params.successCallback(page.rows, page.total);
          },
        );
      },
    }),
    [loadQueuePage, queue],
  );

  useEffect(() => {
    selectedIndex.current = null;
    onSelect(null);
  }, [queue, onSelect]);

  // The elapsed and due columns tick with the server clock the status bar shows.
  useEffect(() => {
    clock.set(serverNow);
    api.current?.refreshCells({ columns: ['elapsed', 'dueIn'] });
  }, [clock, serverNow]);

  // Counts changed: the rows behind them may have too.
  useEffect(() => {
    if (queueCounts) api.current?.refreshInfiniteCache();
  }, [queueCounts]);

  const focusRow = useCallback((rowIndex: number) => {
    const grid = api.current;
    if (!grid) return;
    const column = grid.getFocusedCell()?.column ?? 'title';
    grid.ensureIndexVisible(rowIndex);
    grid.setFocusedCell(rowIndex, column);
  }, []);

  useEffect(() => {
    setGridControl({
      focusSelected: () => focusRow(selectedIndex.current ?? 0),
      selectNext: () => {
        const current = selectedIndex.current ?? -1;
        // After an action the row may leave the queue; the next row then takes its index.
        const last = (total ?? current + 2) - 1;
        focusRow(Math.max(0, Math.min(current + 1, last)));
      },
      refresh: () => api.current?.refreshInfiniteCache(),
    });
    return () => setGridControl(null);
  }, [setGridControl, focusRow, total]);

  const onCellFocused = (event: CellFocusedEvent<QueueRow>) => {
    if (typeof event.rowIndex !== 'number') return;
    selectedIndex.current = event.rowIndex;
    const node = event.api.getDisplayedRowAtIndex(event.rowIndex);
    node?.setSelected(true, true);
    onSelect(node?.data ?? null);
  };

  // The grid's own keys are taken first so that j/k, the arrows, Enter and Esc mean the same everywhere.
  const onKeyDownCapture = (event: ReactKeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey || isTextEntry(event.target)) return;
    const grid = api.current;
    if (!grid) return;
    const command = gridKeyCommand(event.key, selectedIndex.current, total);
    if (!command) return;
    event.preventDefault();
    event.stopPropagation();
    if (command.kind === 'move') focusRow(command.rowIndex);
    else if (command.kind === 'open') {
      const row = grid.getDisplayedRowAtIndex(selectedIndex.current ?? 0)?.data;
      if (row) {
        onSelect(row);
        openDetail();
      }
    } else document.querySelector<HTMLElement>('.queue-item[aria-current="true"]')?.focus();
  };

  // j/k from anywhere outside the grid (the queue list, the detail) bring the operator into it.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key !== 'j' && event.key !== 'k') return;
      if (isTextEntry(event.target) || wrapper.current?.contains(event.target as Node)) return;
      if (!api.current) return;
      event.preventDefault();
      const command = gridKeyCommand(event.key, selectedIndex.current, total);
      focusRow(command?.kind === 'move' ? command.rowIndex : (selectedIndex.current ?? 0));
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [focusRow, total]);

  return (
    <div className="queue-grid-frame">
      <div className="queue-grid-toolbar">
        <span className="queue-grid-total" data-testid="queue-total">
          {total === null ? t('grid.loading') : t('grid.total', { count: total })}
        </span>
        <span className="queue-grid-hint">{t('grid.keyHint')}</span>
      </div>
      <div className="queue-grid" data-testid="queue-grid" ref={wrapper} onKeyDownCapture={onKeyDownCapture}>
        <AgGridReact<QueueRow>
          theme={gridThemes[theme]}
          rowModelType="infinite"
          datasource={datasource}
          cacheBlockSize={PAGE_SIZE}
          maxBlocksInCache={10}
          getRowId={(params) => params.data.key}
          columnDefs={columns}
          localeText={localeText}
          rowSelection={{ mode: 'singleRow', checkboxes: false, enableClickSelection: true }}
          onGridReady={(event: GridReadyEvent<QueueRow>) => {
            api.current = event.api;
          }}
          onCellFocused={onCellFocused}
          onCellDoubleClicked={(event) => {
            if (event.data) {
              onSelect(event.data);
              openDetail();
            }
          }}
        />
      </div>
    </div>
  );
}
