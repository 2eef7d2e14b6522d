import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sealChain } from '../../../src/core/events/chain.ts';
import { formatEventJson, formatNdjson, formatNdjsonChunk, ndjsonChunks, parseNdjsonLines } from '../../../src/core/events/ndjson.ts';
import { parseNdjson, verifyChain, verifyNdjson } from './chain-oracle.ts';
import { EVENT_FIELDS, type EventRecord } from '../../../src/core/events/types.ts';
import { manyDrafts, sampleChain } from './fixtures.ts';
import { anyUnicodeString } from '../unicode-arbitraries.ts';

describe('NDJSON export', () => {
  it('one line per event, exactly the spec fields in table order, left-out fields absent', async () => {
    const chain = await sampleChain();
    const text = formatNdjson(chain);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.split('\n');
    expect(lines.length).toBe(chain.length + 1);
    for (const [i, l] of lines.slice(0, -1).entries()) {
      const o = JSON.parse(l) as Record<string, unknown>;
      const keys = Object.keys(o);
      expect(keys).toEqual(EVENT_FIELDS.filter((f) => f in o));
      for (const f of ['seq', 'ts', 'type', 'host', 'service', 'action', 'policyVersion', 'policySource', 'extensionVersion', 'prev', 'hash']) expect(keys).toContain(f);
      for (const v of Object.values(o)) expect(v).not.toBeUndefined();
      expect(o.seq).toBe(i + 1);
    }
    expect(JSON.parse(lines[0]!)).not.toHaveProperty('reason');
    expect(JSON.parse(lines[2]!)).toHaveProperty('reason', 'Patient has no other app');
    expect(lines[0]).toMatch(/^\{"seq":1,"ts":"2025-03-01T08:00:00.000Z","type":"policy.applied","host":null,"service":null,"action":null,"policyVersion"/);
  });

  it('drops properties that are not spec fields, and sorts by seq', async () => {
    const chain = await sampleChain();
    const withJunk = chain.map((e) => ({ ...e, junk: 'x' }) as EventRecord);
    const shuffled = [withJunk[3]!, withJunk[0]!, ...withJunk.slice(4), withJunk[2]!, withJunk[1]!];
    expect(formatNdjson(shuffled)).toBe(formatNdjson(chain));
    expect(formatEventJson(withJunk[0]!)).not.toContain('junk');
  });

  it('chunks concatenate to the whole export', async () => {
    const chain = await sealChain(manyDrafts(25));
    expect([...ndjsonChunks(chain, 7)].join('')).toBe(formatNdjson(chain));
    expect([...ndjsonChunks(chain, 7)].length).toBe(4);
    expect(formatNdjsonChunk([])).toBe('');
  });

  it('round trip: parse(format(events)) deep-equals events and still verifies', async () => {
    const chain = await sampleChain();
    const parsed = parseNdjson(formatNdjson(chain));
    expect(parsed).toEqual({ ok: true, events: chain });
    if (parsed.ok) expect((await verifyChain(parsed.events)).ok).toBe(true);
  });

  it('round trip property over arbitrary strings in reason, host, url and findings', async () => {
    await fc.assert(
      fc.asyncProperty(anyUnicodeString(), fc.string(), fc.string({ unit: 'grapheme' }), fc.array(anyUnicodeString(), { maxLength: 4 }), async (reason, host, url, findings) => {
        const [e] = await sealChain([{ ts: '2025-01-01T00:00:00Z', type: 'navigation.proceeded', reason, host, url, findings, policyVersion: reason, policySource: 'local', extensionVersion: '1' }]);
        const text = formatNdjson([e!]);
        expect(text.split('\n').length).toBe(2); // no raw newline can split a line
        expect(parseNdjson(text)).toEqual({ ok: true, events: [e] });
        expect(await verifyNdjson(text)).toMatchObject({ ok: true, count: 1 });
      }),
      { numRuns: 100 },
    );
  });
});

describe('NDJSON parsing', () => {
  it('accepts CRLF, a BOM and blank trailing lines; rejects blank inner lines with the line number', async () => {
    const chain = await sampleChain();
    const text = formatNdjson(chain);
    const crlf = '\uFEFF' + text.replace(/\n/g, '\r\n') + '\r\n\n  \n';
    expect(parseNdjson(crlf)).toEqual({ ok: true, events: chain });
    expect(await verifyNdjson(crlf)).toMatchObject({ ok: true, count: 10 });
    const lines = text.split('\n');
    lines.splice(4, 0, '');
    expect(parseNdjson(lines.join('\n'))).toEqual({ ok: false, line: 5, reason: 'blank line' });
    expect(await verifyNdjson(lines.join('\n'))).toMatchObject({ ok: false, line: 5, seq: null, failure: 'malformed' });
  });

  it('names the line of invalid JSON and of a malformed event', async () => {
    const lines = formatNdjson(await sampleChain()).split('\n');
    const broken = [...lines];
    broken[6] = broken[6]!.slice(0, 20);
    const p = parseNdjson(broken.join('\n'));
    expect(p).toMatchObject({ ok: false, line: 7 });
    if (!p.ok) expect(p.reason).toMatch(/not valid JSON/);
    const v = await verifyNdjson(broken.join('\n'));
    expect(v).toMatchObject({ ok: false, line: 7, failure: 'malformed' });
    const arr = [...lines];
    arr[1] = '[1,2]';
    expect(parseNdjson(arr.join('\n'))).toEqual({ ok: false, line: 2, reason: 'malformed event: not a JSON object' });
  });

  it('an earlier chain break is reported before a later unparseable line', async () => {
    const chain = await sampleChain();
    const lines = formatNdjson(chain).split('\n');
    lines[2] = lines[2]!.replace('Patient has no other app', 'Patient has no other app!');
    lines[8] = '{oops';
    expect(await verifyNdjson(lines.join('\n'))).toMatchObject({ ok: false, line: 3, seq: 3, failure: 'hash-mismatch' });
  });

  it('empty input', async () => {
    expect(parseNdjsonLines('')).toEqual([]);
    expect(parseNdjson('\n\n')).toEqual({ ok: true, events: [] });
    expect(await verifyNdjson('')).toMatchObject({ ok: true, count: 0 });
  });

  it('a key written twice is refused, naming it (JSON.parse would keep the last, other readers the first)', () => {
    const [l] = parseNdjsonLines('{"seq":1,"reason":"FAKE","reason":"real"}');
    expect(l).toEqual({ line: 1, error: 'duplicate key "reason" (only the last one would count): readers disagree on which value counts' });
    // An escaped quote before a colon inside a string is not a key.
    expect(parseNdjsonLines('{"a":"x\\":y","b":"\\\\"}')[0]).toEqual({ line: 1, value: { a: 'x":y', b: '\\' } });
  });
});
