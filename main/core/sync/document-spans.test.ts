import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentSpans } from './document-spans';

/** The documents the spans place, parsed, in change order (undefined where a span is unknown). */
function placed(text: string, spans: Int32Array): unknown[] {
  const documents: unknown[] = [];
  for (let index = 0; index < spans.length; index += 2) {
    const start = spans[index] as number;
    documents.push(start < 0 ? undefined : JSON.parse(text.slice(start, spans[index + 1])));
  }
  return documents;
}

/** Any JSON value, with the keys that matter here and the characters that are hard to scan over. */
const trickyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -1.5e-7, 12345678901234),
    fc.string({ unit: fc.constantFrom('a', '"', '\\', '}', ']', '{', '[', ',', ':', '中', '\n', '\u2028') }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('data', 'changes', 'id', 'x"y', 'a\\', '数据'), tie('value'), {
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

describe('documentSpans', () => {
  it('places every change’s document exactly where JSON.parse finds it, however the page is written', () => {
    fc.assert(
      fc.property(page, fc.constantFrom(undefined, 0, 1, '\t', ' \r\n'), ({ before, ...rest }, indent) => {
        // A member before the changes (their order is the server's), and any whitespace between tokens.
        const body = before === null ? rest : { before, ...rest };
        const text = JSON.stringify(body, null, indent);
        const spans = documentSpans(text);
        expect(spans).not.toBeNull();
        const parsed = JSON.parse(text) as { changes: { data: unknown }[] };
        expect(placed(text, spans as Int32Array)).toEqual(parsed.changes.map((each) => each.data));
      }),
      { numRuns: 500 },
    );
  });

  it('takes the last of repeated keys, as the parser does', () => {
    const text = '{"changes":[{"data":1}],"changes":[{"data":{"a":2},"data":[3]},{"id":"x"}]}';
    expect(placed(text, documentSpans(text) as Int32Array)).toEqual([[3], undefined]);
  });

  it('is not certain of keys written with escapes: it says so rather than guess', () => {
    // The parser reads "d\u0061ta" as data: the last data of the change is 2, which the scan cannot tell.
    const escapedData = '{"changes":[{"data":1,"d\\u0061ta":2}]}';
    expect(JSON.parse(escapedData)).toEqual({ changes: [{ data: 2 }] });
    expect([...(documentSpans(escapedData) as Int32Array)]).toEqual([-1, -1]);
    const escapedChanges = '{"ch\\u0061nges":[{"data":1}]}';
    expect(documentSpans(escapedChanges)).toBeNull();
  });

  it('answers null for a page that is not an object with a changes array', () => {
    for (const text of ['[]', '"changes"', '{"changes":{"data":1}}', '{"cursor":"c"}', '{'])
      expect(documentSpans(text), text).toBeNull();
  });
});
