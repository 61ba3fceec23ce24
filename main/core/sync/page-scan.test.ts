import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanPage, type ScannedPage } from './page-scan';

/** The page as the scan reads it: its envelope and each change parsed from the places it gives. */
function read(text: string, scanned: ScannedPage): { page: Record<string, unknown>; documents: unknown[] } {
  const changes: unknown[] = [];
  const documents: unknown[] = [];
  for (let index = 0; index < scanned.spans.length; index += 4) {
    const at = (offset: number): number => scanned.spans[index + offset] as number;
    changes.push(JSON.parse(text.slice(at(0), at(1))));
    documents.push(at(2) < 0 ? undefined : JSON.parse(text.slice(at(2), at(3))));
  }
  return { page: { ...scanned.envelope, changes }, documents };
}

/** Any JSON value, with the keys that matter here and the characters that are hard to scan over. */
const trickyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -1.5e-7, 12345678901234),
    fc.string({ unit: fc.constantFrom('a', '"', '\\', '}', ']', '{', '[', ',', ':', '中', '\n', '\u2028') }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('data', 'changes', 'id', 'x"y', 'a\\', '数据', '__proto__'), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;

const change = fc.record({
  entity: fc.constantFrom('alert', 'scene'),
  op: fc.constantFrom('upsert', 'delete'),
  id: fc.string(),
  version: fc.nat(),
  data: trickyJson,
});

const page = fc.record({
  changes: fc.array(change, { maxLength: 6 }),
  cursor: fc.string(),
  hasMore: fc.boolean(),
  before: fc.option(trickyJson),
});

const pageText = fc
  .tuple(page, fc.constantFrom(undefined, 0, 1, '\t', ' \r\n'))
  .map(([{ before, ...rest }, indent]) =>
    // A member before the changes (their order is the server's), and any whitespace between tokens.
    JSON.stringify(before === null ? rest : { before, ...rest }, null, indent),
  );

describe('scanPage', () => {
  it('reads every page as JSON.parse does, and places each document where the parser finds it', () => {
    fc.assert(
      fc.property(pageText, (text) => {
        const scanned = scanPage(text);
        expect(scanned).not.toBeNull();
        const parsed = JSON.parse(text) as { changes: { data: unknown }[] };
        const { page: read_, documents } = read(text, scanned as ScannedPage);
        expect(read_).toEqual(parsed);
        expect(documents).toEqual(parsed.changes.map((each) => each.data));
      }),
      { numRuns: 500 },
    );
  });

  it('never reads a damaged page as JSON: what it places either fails to parse or is what JSON.parse reads', () => {
    const damaged = fc
      .tuple(pageText, fc.nat(), fc.constantFrom('', '"', '\\', '}', ']', '{', '[', ',', ':', ' ', 'x', '1'))
      .map(([text, at, insert]) => {
        const place = at % (text.length + 1);
        // Drop the character there, or put one in.
        return insert === ''
          ? text.slice(0, place) + text.slice(place + 1)
          : text.slice(0, place) + insert + text.slice(place);
      });
    fc.assert(
      fc.property(damaged, (text) => {
        const scanned = scanPage(text);
        if (scanned === null) return;
        let readByScan: ReturnType<typeof read>;
        try {
          readByScan = read(text, scanned);
        } catch (error) {
          // A change that is not JSON: whoever parses it finds out.
          expect(error).toBeInstanceOf(SyntaxError);
          return;
        }
        expect(readByScan.page).toEqual(JSON.parse(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the last of repeated keys, as the parser does', () => {
    const text =
      '{"changes":[{"data":1}],"cursor":"a","changes":[{"data":{"a":2},"data":[3]},{"id":"x"}],"cursor":"b"}';
    const scanned = scanPage(text) as ScannedPage;
    expect(read(text, scanned)).toEqual({
      page: JSON.parse(text) as unknown,
      documents: [[3], undefined],
    });
  });

  it('reads a key written with escapes as the parser does where it can, and says where it cannot place a document', () => {
    // The parser reads "d\u0061ta" as data: the last data of the change is 2, which the scan cannot tell.
    const escapedData = '{"changes":[{"data":1,"d\\u0061ta":2}]}';
    expect(JSON.parse(escapedData)).toEqual({ changes: [{ data: 2 }] });
    expect([...(scanPage(escapedData) as ScannedPage).spans].slice(2)).toEqual([-1, -1]);
    const escapedChanges = '{"ch\\u0061nges":[{"data":1}],"\\u0063ursor":"c"}';
    const scanned = scanPage(escapedChanges) as ScannedPage;
    expect(read(escapedChanges, scanned).page).toEqual({ changes: [{ data: 1 }], cursor: 'c' });
  });

  it('keeps a __proto__ member as data', () => {
    const scanned = scanPage('{"__proto__":{"cursor":"x"},"changes":[]}') as ScannedPage;
    expect(Object.keys(scanned.envelope)).toEqual(['__proto__']);
    expect(scanned.envelope.cursor).toBeUndefined();
  });

  it('answers null for a text that is not an object with a changes array, or not JSON around its changes', () => {
    for (const text of [
      '[]',
      '"changes"',
      '{"changes":{"data":1}}',
      '{"cursor":"c"}',
      '{',
      '{"changes":[]',
      '{"changes":[]}x',
      '{"changes":[],}',
      '{"changes":[{}],]}',
      '{"changes" []}',
      '{changes:[]}',
      '\uFEFF{"changes":[]}',
      '{"changes":[],"cursor":tru}',
    ])
      expect(scanPage(text), text).toBeNull();
    // A trailing comma in the changes is an empty change, which no parser reads.
    const trailing = '{"changes":[{},]}';
    const scanned = scanPage(trailing) as ScannedPage;
    expect(() => read(trailing, scanned)).toThrow(SyntaxError);
  });
});
