import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS, hashEvent, hashInput, sealChain, sealEvent, sha256Hex } from '../../../src/core/events/chain.ts';
import { formatNdjson } from '../../../src/core/events/ndjson.ts';
import { verifyChain, verifyNdjson } from './chain-oracle.ts';
import type { EventRecord } from '../../../src/core/events/types.ts';
import { sampleChain, sampleDrafts } from './fixtures.ts';

const nodeSha = (s: string) => createHash('sha256').update(Buffer.from(s, 'utf8')).digest('hex');

describe('hash definition (known answer)', () => {
  it('GENESIS is 64 zeros', () => {
    expect(GENESIS).toBe('0000000000000000000000000000000000000000000000000000000000000000');
  });

  it('sha256Hex matches node:crypto, including non-ASCII', async () => {
    for (const s of ['', 'abc', 'Zoë — 日本 🙂', '\u2028\n']) expect(await sha256Hex(s)).toBe(nodeSha(s));
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hash = sha256_hex(prev + "\\n" + canonical(event without hash)), spelled out by hand', async () => {
    const prev = 'ab'.repeat(32);
    const e = await sealEvent(
      {
        ts: '2025-03-01T09:15:30.000Z',
        type: 'navigation.proceeded',
        host: 'www.whatsapp.com',
        service: 'whatsapp',
        action: 'warn',
        reason: 'Patient "Zoë" asked',
        policyVersion: '7',
        policySource: 'managed',
        extensionVersion: '0.1.0',
      },
      42,
      prev,
    );
    // Keys sorted by code unit, no whitespace, hash left out, prev included; written by hand
    // so that this test fails if the definition or the canonical form drifts.
    const exact =
      prev +
      '\n' +
      '{"action":"warn","extensionVersion":"0.1.0","host":"www.whatsapp.com","policySource":"managed","policyVersion":"7",' +
      `"prev":"${prev}","reason":"Patient \\"Zoë\\" asked","seq":42,"service":"whatsapp","ts":"2025-03-01T09:15:30.000Z","type":"navigation.proceeded"}`;
    expect(hashInput(prev, e)).toBe(exact);
    expect(e.hash).toBe(nodeSha(exact));
    expect(await hashEvent(prev, e)).toBe(nodeSha(exact));
  });

  it('first event: prev is GENESIS, findings array kept in order, null fields present', async () => {
    const e = await sealEvent(
      { ts: '2025-01-01T00:00:00Z', type: 'link.checked', host: 'zoom.us', findings: ['z', 'a'], policyVersion: '1', policySource: 'default', extensionVersion: '1' },
      1,
      GENESIS,
    );
    const exact =
      GENESIS +
      '\n{"action":null,"extensionVersion":"1","findings":["z","a"],"host":"zoom.us","policySource":"default","policyVersion":"1",' +
      `"prev":"${GENESIS}","seq":1,"service":null,"ts":"2025-01-01T00:00:00Z","type":"link.checked"}`;
    expect(e.hash).toBe(nodeSha(exact));
  });
});

describe('sealEvent', () => {
  it('null-fills host/service/action, leaves out url/reason/findings when absent or undefined', async () => {
    const e = await sealEvent({ ts: '2025-01-01T00:00:00Z', type: 'policy.applied', url: undefined, reason: undefined, policyVersion: '1', policySource: 'local', extensionVersion: '1' }, 3, GENESIS);
    expect(e.host).toBeNull();
    expect(e.service).toBeNull();
    expect(e.action).toBeNull();
    expect(Object.keys(e).sort()).toEqual(['action', 'extensionVersion', 'hash', 'host', 'policySource', 'policyVersion', 'prev', 'seq', 'service', 'ts', 'type']);
  });

  it('rejects bad seq and prev', async () => {
    const d = sampleDrafts()[0]!;
    await expect(sealEvent(d, 0, GENESIS)).rejects.toThrow(RangeError);
    await expect(sealEvent(d, 1.5, GENESIS)).rejects.toThrow(RangeError);
    await expect(sealEvent(d, 1, 'A'.repeat(64))).rejects.toThrow(RangeError);
  });

  it('copies findings (later mutation of the draft does not change the record)', async () => {
    const findings = ['a'];
    const e = await sealEvent({ ...sampleDrafts()[0]!, findings }, 1, GENESIS);
    findings.push('b');
    expect(e.findings).toEqual(['a']);
  });
});

describe('verifyChain', () => {
  it('a sealed chain verifies', async () => {
    const chain = await sampleChain();
    expect(await verifyChain(chain)).toEqual({ ok: true, count: 10, firstSeq: 1, lastSeq: 10, fromGenesis: true });
    expect(chain[0]!.prev).toBe(GENESIS);
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.prev).toBe(chain[i - 1]!.hash);
  });

  it('empty log verifies with count 0', async () => {
    expect(await verifyChain([])).toEqual({ ok: true, count: 0, firstSeq: null, lastSeq: null, fromGenesis: false });
  });

  it('a pruned log (first prev not genesis) verifies from its first line', async () => {
    const chain = await sampleChain();
    expect(await verifyChain(chain.slice(4))).toEqual({ ok: true, count: 6, firstSeq: 5, lastSeq: 10, fromGenesis: false });
  });

  it('a chain continued after a pruned prefix, with seq gaps, verifies', async () => {
    const a = await sealChain(sampleDrafts().slice(0, 3), 100, 'f'.repeat(64));
    const b = await sealChain(sampleDrafts().slice(3, 5), 110, a[2]!.hash);
    expect(await verifyChain([...a, ...b])).toMatchObject({ ok: true, count: 5, firstSeq: 100, lastSeq: 111 });
  });

  it('seq not increasing (chain otherwise intact) is reported', async () => {
    const a = await sealChain(sampleDrafts().slice(0, 2), 5);
    const b = await sealChain(sampleDrafts().slice(2, 3), 5, a[1]!.hash);
    expect(await verifyChain([...a, ...b])).toMatchObject({ ok: false, seq: 5, line: 3, failure: 'seq-not-increasing' });
  });

  it('malformed records are named with their line', async () => {
    const chain: unknown[] = await sampleChain();
    const cases: [unknown, RegExp][] = [
      [42, /not a JSON object/],
      [null, /not a JSON object/],
      [{ ...(chain[2] as object), extra: 1 }, /unknown field "extra"/],
      [{ ...(chain[2] as object), reason: null }, /reason/],
      [{ ...(chain[2] as object), seq: '3' }, /seq/],
      [{ ...(chain[2] as object), hash: 'x' }, /hash/],
      [{ ...(chain[2] as object), type: 'navigation.teleported' }, /type/],
      [{ ...(chain[2] as object), ts: 'yesterday' }, /ts/],
    ];
    for (const [bad, re] of cases) {
      const copy = [...chain];
      copy[2] = bad;
      const r = await verifyChain(copy);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.line).toBe(3);
        expect(r.failure).toBe('malformed');
        expect(r.reason).toMatch(re);
      }
    }
    const { host: _h, ...noHost } = chain[2] as EventRecord;
    const copy = [...chain];
    copy[2] = noHost;
    expect(await verifyChain(copy)).toMatchObject({ ok: false, line: 3, seq: 3, reason: expect.stringMatching(/missing field "host"/) });
  });

  it('firstLine offsets reported line numbers', async () => {
    const chain = await sampleChain();
    const copy = [...chain];
    copy[1] = { ...chain[1]!, host: 'evil.example' };
    expect(await verifyChain(copy, { firstLine: 10 })).toMatchObject({ ok: false, line: 11, seq: 2 });
  });
});

// ---- property tests: tampering is caught at the right place ----------------------------

const N = 12;
let chainPromise: Promise<EventRecord[]> | undefined;
async function bigChain(): Promise<EventRecord[]> {
  chainPromise ??= sealChain([...sampleDrafts(), ...sampleDrafts()].slice(0, N));
  return chainPromise;
}

/** A different value of the same JSON kind (so the record stays well-formed where possible). */
function alter(value: unknown, salt: string): unknown {
  if (typeof value === 'number') return value + 1000;
  if (typeof value === 'string') {
    if (/^[0-9a-f]{64}$/.test(value)) return (value[0] === 'a' ? 'b' : 'a') + value.slice(1);
    return value + salt;
  }
  if (Array.isArray(value)) return [...value, salt];
  if (value === null) return salt;
  return salt;
}

describe('tampering (fast-check)', () => {
  it('editing any field of any line fails at that line with its seq', async () => {
    const chain = await bigChain();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: N - 1 }), fc.nat(), fc.string({ minLength: 1, maxLength: 5 }), async (idx, fieldPick, salt) => {
        const rec = chain[idx]! as unknown as Record<string, unknown>;
        const fields = Object.keys(rec);
        const field = fields[fieldPick % fields.length]!;
        const edited = { ...rec, [field]: alter(rec[field], salt) };
        const lines = formatNdjson(chain).split('\n');
        lines[idx] = JSON.stringify(edited);
        const r = await verifyNdjson(lines.join('\n'));
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.line).toBe(idx + 1);
        // A valid edit is a hash mismatch; an edit that breaks a field's type is malformed.
        expect(['hash-mismatch', 'malformed']).toContain(r.failure);
        if (field !== 'seq') expect(r.seq).toBe(idx + 1);
        if (r.failure === 'hash-mismatch') expect(r.reason).toMatch(/edited/);
      }),
      { numRuns: 200 },
    );
  });

  it('editing a field to another valid value is always a hash mismatch at that seq', async () => {
    const chain = await bigChain();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: N - 1 }),
        fc.constantFrom('ts', 'host', 'service', 'action', 'policyVersion', 'policySource', 'extensionVersion', 'reason', 'findings', 'url'),
        async (idx, field) => {
          const rec = { ...chain[idx]! } as unknown as Record<string, unknown>;
          const replacements: Record<string, unknown> = {
            ts: '2030-01-01T00:00:00.000Z',
            host: rec.host === 'x.example' ? 'y.example' : 'x.example',
            service: rec.service === 'zoom' ? 'teams' : 'zoom',
            action: rec.action === 'allow' ? 'block' : 'allow',
            policyVersion: 'forged',
            policySource: rec.policySource === 'local' ? 'managed' : 'local',
            extensionVersion: '9.9.9',
            reason: 'forged reason',
            findings: ['forged'],
            url: 'https://forged.example/',
          };
          rec[field] = replacements[field];
          const copy: unknown[] = [...chain];
          copy[idx] = rec;
          expect(await verifyChain(copy)).toMatchObject({ ok: false, seq: idx + 1, line: idx + 1, failure: 'hash-mismatch' });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('deleting an inner line fails at the line after it (prev mismatch)', async () => {
    const chain = await bigChain();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: N - 2 }), async (idx) => {
        const lines = formatNdjson(chain).split('\n');
        lines.splice(idx, 1);
        const r = await verifyNdjson(lines.join('\n'));
        expect(r).toMatchObject({ ok: false, line: idx + 1, seq: idx + 2, failure: 'prev-mismatch' });
        if (!r.ok) expect(r.reason).toMatch(/deleted, reordered or inserted/);
      }),
    );
  });

  it('reordering two lines fails at the first moved line', async () => {
    const chain = await bigChain();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: N - 1 }), fc.integer({ min: 0, max: N - 1 }), async (a, b) => {
        fc.pre(a !== b);
        const [i, j] = a < b ? [a, b] : [b, a];
        const copy = [...chain];
        copy[i] = chain[j]!;
        copy[j] = chain[i]!;
        const r = await verifyChain(copy);
        // Line i now holds event j: its prev links to j-1, not i-1 (or i = 0 and j is not
        // the first event, which only fails at line 2 because line 1 may start a pruned log).
        const line = i === 0 ? 2 : i + 1;
        expect(r).toMatchObject({ ok: false, line, seq: copy[line - 1]!.seq, failure: 'prev-mismatch' });
      }),
      { numRuns: 150 },
    );
  });

  it('inserting a forged, correctly hashed line fails at the line after it', async () => {
    const chain = await bigChain();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: N - 1 }), async (idx) => {
        const before = chain[idx - 1]!;
        // With a fresh seq the forged line itself links correctly; the next line does not.
        const forged = await sealEvent({ ...sampleDrafts()[0]!, type: 'log.exported' }, before.seq + 1, before.hash);
        const copy = [...chain.slice(0, idx), forged, ...chain.slice(idx)];
        expect(await verifyChain(copy)).toMatchObject({ ok: false, line: idx + 2, seq: idx + 1, failure: 'prev-mismatch' });
        // Reusing the previous seq is caught at the forged line itself.
        const forged2 = await sealEvent({ ...sampleDrafts()[0]!, type: 'log.exported' }, before.seq, before.hash);
        const copy2 = [...chain.slice(0, idx), forged2, ...chain.slice(idx)];
        expect(await verifyChain(copy2)).toMatchObject({ ok: false, line: idx + 1, seq: before.seq, failure: 'seq-not-increasing' });
      }),
    );
  });

  it('truncating the start or the end still verifies (documented limit: looks like pruning / an earlier export)', async () => {
    const chain = await bigChain();
    expect((await verifyChain(chain.slice(3))).ok).toBe(true);
    expect((await verifyChain(chain.slice(0, 5))).ok).toBe(true);
  });
});
