/**
 * Where each change's document is in the JSON text of a page of GET /changes, so that the cache can store
 * the document as the server wrote it instead of serialising the parsed one again. On a large initial sync
 * that serialisation cost the page fetch thread about 4 µs a change; finding the spans costs about 2, and the
 * page then crosses to the writing thread as one string rather than one per change.
 *
 * Only ever run on a text that JSON.parse has accepted: the scan relies on the text being valid JSON and
 * checks nothing the parser already did. What it cannot place with certainty (a key written with escapes,
 * which the parser would read as `data` or `changes` where the scan does not) it reports as unknown, and
 * the caller serialises instead.
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

/** A key: whether it is `name` as written plainly, whether it is written with escapes, and where it ends. */
function readKey(text: string, index: number, name: string): { is: boolean; escaped: boolean; end: number } {
  const end = skipString(text, index);
  let escaped = false;
  for (let at = index + 1; at < end - 1 && !escaped; at += 1) escaped = text.charCodeAt(at) === BACKSLASH;
  return {
    is: !escaped && end - index === name.length + 2 && text.startsWith(name, index + 1),
    escaped,
    end,
  };
}

/** Calls `member` for each member of the object that opens at `index`; returns the index after it. */
function forEachMember(
  text: string,
  index: number,
  member: (keyStart: number, valueStart: number) => number,
): number {
  let at = skipWhitespace(text, index + 1);
  if (text.charCodeAt(at) === CLOSE_OBJECT) return at + 1;
  for (;;) {
    const keyStart = at;
    at = skipWhitespace(text, skipString(text, keyStart));
    if (text.charCodeAt(at) !== COLON) throw new SyntaxError('expected a colon');
    at = skipWhitespace(text, member(keyStart, skipWhitespace(text, at + 1)));
    const code = text.charCodeAt(at);
    if (code === CLOSE_OBJECT) return at + 1;
    if (code !== COMMA) throw new SyntaxError('expected a comma');
    at = skipWhitespace(text, at + 1);
  }
}

/**
 * For each change of the page's `changes` array, the `[start, end)` of its `data` value in `text`, at
 * `2 * index` and `2 * index + 1`; -1 where a change has no `data` or its place is not certain. Null when
 * the page does not have the expected shape (or the scan is not certain of it): serialise then.
 */
export function documentSpans(text: string): Int32Array | null {
  try {
    const start = skipWhitespace(text, 0);
    if (text.charCodeAt(start) !== OPEN_OBJECT) return null;
    const found: { spans: number[] | null; certain: boolean } = { spans: null, certain: true };
    forEachMember(text, start, (keyStart, valueStart) => {
      const key = readKey(text, keyStart, 'changes');
      if (key.escaped) found.certain = false;
      if (!key.is) return skipValue(text, valueStart);
      if (text.charCodeAt(valueStart) !== OPEN_ARRAY) {
        found.certain = false;
        return skipValue(text, valueStart);
      }
      // The parser keeps the last of repeated keys; so does this.
      found.spans = [];
      return readChanges(text, valueStart, found.spans);
    });
    return found.certain && found.spans !== null ? Int32Array.from(found.spans) : null;
  } catch {
    return null;
  }
}

/** Reads the changes array that opens at `index` into `spans`; returns the index after it. */
function readChanges(text: string, index: number, spans: number[]): number {
  let at = skipWhitespace(text, index + 1);
  if (text.charCodeAt(at) === CLOSE_ARRAY) return at + 1;
  for (;;) {
    if (text.charCodeAt(at) === OPEN_OBJECT) {
      const data: { start: number; end: number; certain: boolean } = { start: -1, end: -1, certain: true };
      at = forEachMember(text, at, (keyStart, valueStart) => {
        const key = readKey(text, keyStart, 'data');
        const valueEnd = skipValue(text, valueStart);
        if (key.escaped) data.certain = false;
        if (key.is) {
          data.start = valueStart;
          data.end = valueEnd;
        }
        return valueEnd;
      });
      spans.push(data.certain ? data.start : -1, data.certain ? data.end : -1);
    } else {
      at = skipValue(text, at);
      spans.push(-1, -1);
    }
    at = skipWhitespace(text, at);
    const code = text.charCodeAt(at);
    if (code === CLOSE_ARRAY) return at + 1;
    if (code !== COMMA) throw new SyntaxError('expected a comma');
    at = skipWhitespace(text, at + 1);
  }
}
