/**
 * `logs verify` reads a million events, so three of its steps take a fast path; each must
 * give exactly the answer of the plain definition it stands in for:
 *   - recordHashInput (an object literal in sorted field order, JSON.stringify)  ≡ hashInput (canonicalJson)
 *   - realInstant (time fields by hand, the day cached)                             ≡ roundTrips (Date)
 * on records read back from lines written every way JSON allows: keys in any order,
 * whitespace, \u escapes, numbers as 7.0 or 7e0 — the hash is over the parsed value, so
 * such a line must verify exactly when its canonical form does.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS, hashInput, recordHashInput } from '../../../src/core/events/chain.ts';
import { verifyChain } from './chain-oracle.ts';
import { ACTIONS } from '../../../src/core/actions.ts';
import { NdjsonLineParser, type NdjsonLine } from '../../../src/core/events/ndjson.ts';
import { checkEventRecord, eventRecordSchema, realInstant, roundTrips } from '../../../src/core/events/schema.ts';
import { DATA_CHANNELS, EVENT_TYPES, INCIDENT_KINDS, type EventRecord } from '../../../src/core/events/types.ts';
import { ExportVerifier } from '../../../src/core/events/verify.ts';
import { anyUnicodeString } from '../unicode-arbitraries.ts';

const nodeSha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

// Strings JSON must escape or may escape: quotes, backslashes, controls, U+2028, astral, lone surrogates.
const text = fc.oneof(
  anyUnicodeString({ maxLength: 12 }),
  fc.constantFrom('', '"', '\\', '\n\t\u0000\u001f', '\u2028\u2029', 'Zoë 日本 🙂', '\ud800', 'a\udc00b', '</script>'),
);
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const ts = fc.oneof(
  fc.integer({ min: Date.parse('1970-01-01'), max: Date.parse('2100-01-01') }).map((t) => new Date(t).toISOString()),
  fc.constantFrom('2026-11-30T15:58:02Z', '2026-11-30T15:58:02.5Z', '2024-02-29T23:59:59.999Z'), // zod's path
);

/** Every field the schema has, each with values it accepts; optional ones maybe left out. */
const FIELD_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  seq: fc.oneof(fc.integer({ min: 1, max: 2 ** 31 }), fc.constant(Number.MAX_SAFE_INTEGER)),
  ts,
  type: fc.constantFrom(...EVENT_TYPES),
  host: fc.option(text, { nil: null }),
  url: text,
  service: fc.option(text, { nil: null }),
  action: fc.option(fc.constantFrom(...ACTIONS), { nil: null }),
  reason: text,
  findings: fc.array(text, { maxLength: 3 }),
  incident: fc.constantFrom(...INCIDENT_KINDS),
  note: text,
  frame: fc.constant(true),
  channel: fc.constantFrom(...DATA_CHANNELS),
  name: text.filter((s) => s !== ''),
  browser: text.filter((s) => s !== ''),
  policyVersion: text,
  policySource: fc.constantFrom('managed', 'local', 'default'),
  extensionVersion: text,
  installId: text.filter((s) => s !== ''),
  user: text,
  publicKey: text.filter((s) => s !== ''),
  prev: fc.oneof(hex64, fc.constant(GENESIS)),
  hash: hex64,
};
const shape = eventRecordSchema.shape as Record<string, { isOptional(): boolean }>;

const record: fc.Arbitrary<Record<string, unknown>> = fc.record(
  Object.fromEntries(
    Object.keys(shape).map((k) => {
      const values = FIELD_VALUES[k];
      if (!values) throw new Error(`no test values for the schema's field "${k}": add them above`);
      return [k, values];
    }),
  ),
  { requiredKeys: Object.keys(shape).filter((k) => !shape[k]!.isOptional()) },
);

/** Every way to write one JSON string: each character as is (when allowed) or as \uXXXX. */
function noisyString(s: string, escapeAt: (i: number) => boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const plain = JSON.stringify(s[i]!).slice(1, -1);
    out += escapeAt(i) || plain.length === 6 ? '\\u' + c.toString(16).padStart(4, '0') : plain;
  }
  return out + '"';
}
const NUMBER_FORMS = [(n: number) => String(n), (n: number) => `${n}.0`, (n: number) => `${n}e0`, (n: number) => `${n}0e-1`, (n: number) => (n % 1000 === 0 ? `${n / 1000}e3` : `${n}.000`)];

/** The value as one JSON line written as a different (but equal) text than JSON.stringify's. */
function noisyLine(v: Record<string, unknown>, order: number[], noise: boolean[]): string {
  let n = 0;
  const coin = () => noise[n++ % noise.length] ?? false;
  const ws = () => (coin() ? ' ' : '') + (coin() ? '\t' : '');
  const write = (x: unknown): string => {
    if (typeof x === 'string') return noisyString(x, () => coin() && coin());
    if (typeof x === 'number') return NUMBER_FORMS[(coin() ? 1 : 0) + (coin() ? 2 : 0) + (coin() ? 1 : 0)]!(x);
    if (Array.isArray(x)) return '[' + ws() + x.map((e) => write(e)).join(ws() + ',' + ws()) + ']';
    return JSON.stringify(x);
  };
  const keys = Object.keys(v);
  const sorted = order.map((i) => keys[i % keys.length]!).filter((k, i, a) => a.indexOf(k) === i);
  for (const k of keys) if (!sorted.includes(k)) sorted.push(k);
  return '{' + ws() + sorted.map((k) => noisyString(k, () => coin() && coin()) + ws() + ':' + ws() + write(v[k])).join(',' + ws()) + ws() + '}';
}

const noisyRecord = fc.tuple(record, fc.array(fc.nat(40), { maxLength: 20 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }));

describe('fast paths give the plain definitions’ answers', () => {
  it('recordHashInput = hashInput on records read back from any way of writing them', () => {
    fc.assert(
      fc.property(noisyRecord, ([r, order, noise]) => {
        const line = noisyLine(r, order, noise);
        const parsed = JSON.parse(line) as Record<string, unknown>;
        expect(parsed).toEqual(r); // the noise changes the text only
        const c = checkEventRecord(parsed);
        expect(c.ok, line).toBe(true);
        expect(recordHashInput(parsed as unknown as EventRecord)).toBe(hashInput(parsed.prev as string, parsed));
      }),
      { numRuns: 3000 },
    );
    // 3,000 random records take ~1 s alone and several on a loaded 2-core machine.
  }, 60_000);

  it('a record fed as such a line verifies exactly when its hash is the canonical one (streaming verifier, sync and WebCrypto)', async () => {
    await fc.assert(
      fc.asyncProperty(noisyRecord, fc.boolean(), async ([r, order, noise], tamper) => {
        const good = nodeSha(hashInput(r.prev as string, r)); // the definition, spelled out: canonicalJson + SHA-256
        const value = { ...r, hash: tamper ? nodeSha(hashInput(r.prev as string, r) + ' ') : good };
        const parser = new NdjsonLineParser();
        const lines: NdjsonLine[] = [];
        parser.push(noisyLine(value, order, noise), lines);
        for (const options of [{ sha256Hex: nodeSha }, {}]) {
          const v = new ExportVerifier(options);
          await v.add(lines);
          expect(v.failed).toBe(tamper);
        }
        expect((await verifyChain(lines.map((l) => ('value' in l ? l.value : null)))).ok).toBe(!tamper);
      }),
      { numRuns: 300 },
    );
  });

  it('recordHashInput names every field of the schema but hash (a field added to one and not the other fails here)', () => {
    const all = Object.fromEntries(Object.keys(shape).map((k) => [k, k === 'seq' ? 1 : k === 'findings' ? [] : `v-${k}`]));
    const written = Object.keys(JSON.parse(recordHashInput(all as unknown as EventRecord).split('\n')[1]!) as object);
    expect(written).toEqual(Object.keys(shape).filter((k) => k !== 'hash').sort());
  });

  it('realInstant = roundTrips on every timestamp of the form the extension writes', () => {
    const two = (min: number, max: number) => fc.integer({ min, max }).map((n) => String(n).padStart(2, '0'));
    const stamp = fc
      .tuple(fc.constantFrom('1900', '1970', '2000', '2023', '2024', '2026', '2100', '0000', '9999'), two(0, 13), two(0, 32), two(0, 25), two(0, 61), two(0, 61), fc.integer({ min: 0, max: 999 }))
      .map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}Z`);
    fc.assert(
      fc.property(fc.array(stamp, { minLength: 1, maxLength: 5 }), (stamps) => {
        // several in a row: the cached day must not carry over to the next one
        for (const s of stamps) expect(realInstant(s), s).toBe(roundTrips(s));
      }),
      { numRuns: 3000 },
    );
    for (const s of ['2024-02-29T12:00:00.000Z', '2023-02-29T12:00:00.000Z', '2026-11-30T24:00:00.000Z', '2026-11-30T23:60:00.000Z', '2026-11-30T23:59:60.000Z', '2026-04-31T00:00:00.000Z']) {
      expect(realInstant(s), s).toBe(roundTrips(s));
    }
  });
});
