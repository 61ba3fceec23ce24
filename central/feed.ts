/**
 * The change feed (GET /changes): cursors and pages.
 *
 * The feed is the entity table in position order. A cursor names the last position a client has received, so a
 * page resumes exactly after it. A first sync may ask for open items first (`scope=open`):
 * (1) open: the open items, in position order, up to whatever the head is while they are served; an open item that
 *     changes meanwhile moves ahead and is served again in its new version, so when this phase runs dry the client
 *     holds every item open at that moment. The head at that moment becomes the snapshot H.
 * (2) history: the items at or before H that are not open (each position is open or not for good, since any change
 *     moves the entity to a new position);
 * (3) live: everything after H, as an ordinary cursor at H.
 * Every position is served at most once, and every live entity at or before H is served in (1) or (2), so nothing
 * is lost or sent twice, and the cursor that ends phase (2) is an ordinary cursor at H.
 */
import type { FeedRun, Store } from './store';

export type FeedPhase = 'open' | 'history' | 'live';

interface PlainCursor {
  kind: 'plain';
  position: number;
}

interface OpenPhaseCursor {
  kind: 'open';
  position: number;
}

interface HistoryPhaseCursor {
  kind: 'history';
  snapshot: number;
  position: number;
}

type Cursor = PlainCursor | OpenPhaseCursor | HistoryPhaseCursor;

export class CursorError extends Error {
  constructor(
    readonly code: 'CURSOR_UNKNOWN' | 'CURSOR_EXPIRED',
    message: string,
  ) {
    super(message);
    this.name = 'CursorError';
  }
}

const VERSION_TAG = 'c1';

export function encodeCursor(epoch: string, cursor: Cursor): string {
  const fields =
    cursor.kind === 'plain'
      ? ['p', cursor.position]
      : cursor.kind === 'open'
        ? ['o', cursor.position]
        : ['h', cursor.snapshot, cursor.position];
  return Buffer.from([VERSION_TAG, epoch, ...fields].join('.'), 'utf8').toString('base64url');
}

/** Reads a cursor; anything this server did not issue (or issued from a file since regenerated) is unknown. */
export function decodeCursor(store: Store, token: string): Cursor {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const parts = text.split('.');
  const [tag, epoch, phase] = parts;
  const numbers = parts.slice(3).map((part) => (/^\d{1,15}$/.test(part) ? Number(part) : Number.NaN));
  if (tag !== VERSION_TAG || numbers.some((value) => Number.isNaN(value))) {
    throw new CursorError('CURSOR_UNKNOWN', 'the cursor was not issued by this server; resync from scratch');
  }
  if (epoch !== store.epoch) {
    throw new CursorError(
      'CURSOR_UNKNOWN',
      'the cursor belongs to an earlier generation of this server’s data; resync from scratch',
    );
  }
  let cursor: Cursor;
  if (phase === 'p' && numbers.length === 1) {
    cursor = { kind: 'plain', position: numbers[0] as number };
  } else if (phase === 'o' && numbers.length === 1) {
    cursor = { kind: 'open', position: numbers[0] as number };
  } else if (phase === 'h' && numbers.length === 2) {
    cursor = { kind: 'history', snapshot: numbers[0] as number, position: numbers[1] as number };
    if (cursor.position > cursor.snapshot)
      throw new CursorError('CURSOR_UNKNOWN', 'the cursor is inconsistent');
  } else {
    throw new CursorError('CURSOR_UNKNOWN', 'the cursor was not issued by this server; resync from scratch');
  }
  const furthest = cursor.kind === 'history' ? cursor.snapshot : cursor.position;
  if (furthest > store.head) {
    throw new CursorError('CURSOR_UNKNOWN', 'the cursor is ahead of this server’s feed; resync from scratch');
  }
  if (cursor.kind === 'plain' && cursor.position < store.purgeHorizon) {
    throw new CursorError(
      'CURSOR_EXPIRED',
      'the cursor is older than the deletions this server still remembers; resync from scratch',
    );
  }
  return cursor;
}

export interface FeedPage {
  /** The page's changes, serialised (see Store.feedRun). */
  changes: FeedRun;
  cursor: string;
  hasMore: boolean;
  phase: FeedPhase;
  /** An estimate of the changes after this page, for a client's progress bar (see ChangesPage.remaining). */
  remaining: number;
}

/**
 * The rows still to serve after `position`, estimated without counting a range of the feed (that would read the
 * whole rest of it on every page): positions left empty by entities that moved on are taken as spread evenly, and
 * in a first sync's history phase the open rows after the position (served in the open phase already; counted
 * through their small partial index) are left out.
 */
function estimateAfter(store: Store, position: number, excludeOpen: boolean): number {
  const head = store.head;
  if (head <= 0 || position >= head) return 0;
  const rows = ((head - position) / head) * store.feedSize();
  return Math.max(0, Math.round(rows - (excludeOpen ? store.openRowsAfter(position) : 0)));
}

/**
 * Reads one page. `cursorToken` absent means from the beginning; `scope` only matters then (a cursor carries its
 * own phase).
 */
export function readPage(
  store: Store,
  cursorToken: string | undefined,
  scope: 'all' | 'open',
  limit: number,
): FeedPage {
  const epoch = store.epoch;
  const cursor: Cursor =
    cursorToken === undefined
      ? scope === 'open'
        ? { kind: 'open', position: 0 }
        : { kind: 'plain', position: 0 }
      : decodeCursor(store, cursorToken);

  if (cursor.kind === 'open') {
    const changes = store.feedRun('open', cursor.position, Number.MAX_SAFE_INTEGER, limit);
    if (changes.more && changes.lastSeq !== null) {
      return {
        changes,
        cursor: encodeCursor(epoch, { kind: 'open', position: changes.lastSeq }),
        hasMore: true,
        phase: 'open',
        // The open rows not served yet, then everything else.
        remaining: store.openRowsAfter(changes.lastSeq) + store.feedSize() - store.openRows(),
      };
    }
    // Every open item up to the head has been served: the head now is the snapshot the history phase completes.
    const snapshot = store.head;
    const next: HistoryPhaseCursor = { kind: 'history', snapshot, position: 0 };
    const hasMore = store.hasFeedRows('history', 0, snapshot);
    if (hasMore) {
      const remaining = store.feedSize() - store.openRows();
      return { changes, cursor: encodeCursor(epoch, next), hasMore, phase: 'history', remaining };
    }
    return {
      changes,
      cursor: encodeCursor(epoch, { kind: 'plain', position: snapshot }),
      hasMore: false,
      phase: 'live',
      remaining: 0,
    };
  }

  if (cursor.kind === 'history') {
    const changes = store.feedRun('history', cursor.position, cursor.snapshot, limit);
    if (changes.more && changes.lastSeq !== null) {
      const next: HistoryPhaseCursor = { ...cursor, position: changes.lastSeq };
      const remaining = estimateAfter(store, changes.lastSeq, true);
      return { changes, cursor: encodeCursor(epoch, next), hasMore: true, phase: 'history', remaining };
    }
    const plain: PlainCursor = { kind: 'plain', position: cursor.snapshot };
    const hasMore = store.head > cursor.snapshot;
    return {
      changes,
      cursor: encodeCursor(epoch, plain),
      hasMore,
      phase: 'live',
      remaining: hasMore ? estimateAfter(store, cursor.snapshot, false) : 0,
    };
  }

  const changes = store.feedRun('all', cursor.position, Number.MAX_SAFE_INTEGER, limit);
  const position = changes.lastSeq ?? cursor.position;
  return {
    changes,
    cursor: encodeCursor(epoch, { kind: 'plain', position }),
    hasMore: changes.more,
    phase: 'live',
    remaining: changes.more ? estimateAfter(store, position, false) : 0,
  };
}

/** The cursor at the head of the feed (for pokes). */
export function headCursor(store: Store): string {
  return encodeCursor(store.epoch, { kind: 'plain', position: store.head });
}

/**
 * Serialises a page as UTF-8 without parsing the stored JSON: the changes come already serialised from the store,
 * each row's stored bytes spliced in as they are. Pages can hold thousands of entities, and decoding, parsing and
 * re-encoding them would dominate serving them.
 */
export function serialisePage(page: FeedPage, serverTime: string): Buffer {
  return Buffer.concat([
    Buffer.from('{"changes":['),
    page.changes.json,
    Buffer.from(
      `],"cursor":"${page.cursor}","hasMore":${page.hasMore},"phase":"${page.phase}","remaining":${page.remaining},"serverTime":"${serverTime}"}`,
    ),
  ]);
}
