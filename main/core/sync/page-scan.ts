/**
 * Reads a page of GET /changes change by change. JSON.parse of a whole page builds every change's tree at
 * once, and much of it outlives the page fetch thread's young generation. Scanned first, each change is parsed,
 * checked and turned into its row on its own, and its tree dies young: over a 200,000-alert initial sync
 * (bench/sync.ts) that thread's heap peaked at 62 MB instead of 72, and the core's CPU was 19.8 s against
 * 21.4 (one pair of runs).
 *
 * The scan also places each change's document in the text, so that the cache stores the document as the
 * server wrote it instead of serialising the parsed one again (that cost about 4 µs a change), and the page's
 * documents cross to the writing thread as the body's bytes rather than a string each (page-fetcher.ts reads
 * the body a byte per character, so offsets in the text are offsets in the bytes).
 *
 * The scan checks the page's own structure (the braces, brackets, colons and commas around and between the
 * changes); every key and value it hands out is left to JSON.parse, so a text the scan reads is JSON only if
 * each of those parses too. What it cannot place with certainty (a `data` key written with escapes, which the
 * parser would read as `data` where the scan does not) it reports as unknown.
 */

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;

const isWhitespace = (code: number): boolean => code === 32 || code === 10 || code === 13 || code === 9;

function skipWhitespace(text: string, index: number): number {
  let at = index;
  while (isWhitespace(text.charCodeAt(at))) at += 1;
  return at;
}

/** The index after the string that opens at `index`. */
function skipString(text: string, index: number): number {
  let from = index + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) throw new SyntaxError('unterminated string');
    let backslash = quote - 1;
    while (text.charCodeAt(backslash) === BACKSLASH) backslash -= 1;
    // An even run of backslashes escapes only itself: the quote ends the string.
    if ((quote - 1 - backslash) % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** The index after the value that starts at `index`. */
function skipValue(text: string, index: number): number {
  const first = text.charCodeAt(index);
  if (first === QUOTE) return skipString(text, index);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    for (let at = index; at < text.length; at += 1) {
      const code = text.charCodeAt(at);
      if (code === QUOTE) at = skipString(text, at) - 1;
      else if (code === OPEN_OBJECT || code === OPEN_ARRAY) depth += 1;
      else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
        depth -= 1;
        if (depth === 0) return at + 1;
      }
    }
    throw new SyntaxError('unterminated container');
  }
  // A number, true, false or null: up to the next delimiter.
  let at = index;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === COMMA || code === CLOSE_OBJECT || code === CLOSE_ARRAY || isWhitespace(code)) break;
    at += 1;
  }
  return at;
}

/** The key in `[start, end)`: whether it is `name` as written plainly, and whether it is written with escapes. */
function readKey(text: string, start: number, end: number, name: string): { is: boolean; escaped: boolean } {
  let escaped = false;
  for (let at = start + 1; at < end - 1 && !escaped; at += 1) escaped = text.charCodeAt(at) === BACKSLASH;
  return { is: !escaped && end - start === name.length + 2 && text.startsWith(name, start + 1), escaped };
}

/**
 * Calls `member` with the key's `[start, end)` and the value's start for each member of the object that opens
 * at `index`; `member` answers where the value ends. Returns the index after the object.
 */
function forEachMember(
  text: string,
  index: number,
  member: (keyStart: number, keyEnd: number, valueStart: number) => number,
): number {
  let at = skipWhitespace(text, index + 1);
  if (text.charCodeAt(at) === CLOSE_OBJECT) return at + 1;
  for (;;) {
    const keyStart = at;
    if (text.charCodeAt(keyStart) !== QUOTE) throw new SyntaxError('expected a key');
    const keyEnd = skipString(text, keyStart);
    at = skipWhitespace(text, keyEnd);
    if (text.charCodeAt(at) !== COLON) throw new SyntaxError('expected a colon');
    at = skipWhitespace(text, member(keyStart, keyEnd, skipWhitespace(text, at + 1)));
    const code = text.charCodeAt(at);
    if (code === CLOSE_OBJECT) return at + 1;
    if (code !== COMMA) throw new SyntaxError('expected a comma');
    at = skipWhitespace(text, at + 1);
  }
}

/** A page of GET /changes as scanned: its changes placed in the text, not parsed. */
export interface ScannedPage {
  /** The page's members other than `changes`, parsed; a null-prototype object, so any key is only data. */
  envelope: Record<string, unknown>;
  /**
   * Per change i: the `[start, end)` of the change's JSON at `4 * i`, `4 * i + 1`, and of its `data` value at
   * `4 * i + 2`, `4 * i + 3` (-1 there when the change has no `data` or its place is not certain).
   */
  spans: Int32Array;
}

/**
 * Scans a page: its envelope parsed, its changes placed. Null when the text is not an object with a
 * `changes` array as far as the scan can tell (or not JSON there): parse it whole then, which also says what
 * is wrong with it.
 */
export function scanPage(text: string): ScannedPage | null {
  try {
    const start = skipWhitespace(text, 0);
    if (text.charCodeAt(start) !== OPEN_OBJECT) return null;
    const envelope = Object.create(null) as Record<string, unknown>;
    const found: { spans: number[] | null } = { spans: null };
    const end = forEachMember(text, start, (keyStart, keyEnd, valueStart) => {
      const key = JSON.parse(text.slice(keyStart, keyEnd)) as string;
      if (key !== 'changes') {
        const valueEnd = skipValue(text, valueStart);
        envelope[key] = JSON.parse(text.slice(valueStart, valueEnd));
        return valueEnd;
      }
      if (text.charCodeAt(valueStart) !== OPEN_ARRAY) throw new SyntaxError('changes is not an array');
      // The parser keeps the last of repeated keys; so does this.
      found.spans = [];
      return readChanges(text, valueStart, found.spans);
    });
    if (skipWhitespace(text, end) !== text.length || found.spans === null) return null;
    return { envelope, spans: Int32Array.from(found.spans) };
  } catch {
    return null;
  }
}

/** Reads the changes array that opens at `index` into `spans`; returns the index after it. */
function readChanges(text: string, index: number, spans: number[]): number {
  let at = skipWhitespace(text, index + 1);
  if (text.charCodeAt(at) === CLOSE_ARRAY) return at + 1;
  for (;;) {
    const changeStart = at;
    const data: { start: number; end: number; certain: boolean } = { start: -1, end: -1, certain: true };
    if (text.charCodeAt(at) === OPEN_OBJECT) {
      at = forEachMember(text, at, (keyStart, keyEnd, valueStart) => {
        const key = readKey(text, keyStart, keyEnd, 'data');
        const valueEnd = skipValue(text, valueStart);
        if (key.escaped) data.certain = false;
        if (key.is) {
          data.start = valueStart;
          data.end = valueEnd;
        }
        return valueEnd;
      });
    } else {
      at = skipValue(text, at);
    }
    spans.push(changeStart, at, data.certain ? data.start : -1, data.certain ? data.end : -1);
    at = skipWhitespace(text, at);
    const code = text.charCodeAt(at);
    if (code === CLOSE_ARRAY) return at + 1;
    if (code !== COMMA) throw new SyntaxError('expected a comma');
    at = skipWhitespace(text, at + 1);
  }
}
