/** The hand-written fast check of an event record never accepts what the zod schema refuses. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEventRecord, eventRecordSchema } from '../../../src/core/events/schema.ts';
import { EVENT_FIELDS, type EventInput, type EventRecord } from '../../../src/core/events/types.ts';

const VALID = {
  seq: 7,
  ts: '2026-11-30T15:58:02.896Z',
  type: 'navigation.proceeded',
  host: 'web.whatsapp.com',
  service: 'whatsapp',
  action: 'warn',
  reason: 'Patient has no other app',
  policyVersion: '2026-11-a',
  policySource: 'managed',
  extensionVersion: '0.1.0',
  installId: '34aa15e3-5882-4ecf-82cd-55b95685ecf0',
  prev: 'a'.repeat(64),
  hash: 'b'.repeat(64),
};

const oddValues = fc.constantFrom<unknown>(
  undefined, null, 0, -1, 1.5, 2 ** 53, '', 'x', 'warn', 'allow', 'maybe', 'link.checked', 'nope.type', 'managed', 'elsewhere',
  '2026-11-30T15:58:02.896Z', '2026-02-30T15:58:02.896Z', '2026-11-30T15:58:02Z', '2026-11-30T15:58:02.896+01:00', '2026-13-01T00:00:00.000Z',
  'A'.repeat(64), 'a'.repeat(63), 'g'.repeat(64), [], ['x'], [1], {}, true, 'uninvited-guest', 'x'.repeat(501),
);
const fields = fc.constantFrom(...Object.keys(eventRecordSchema.shape), 'extra', '__proto__');

describe('checkEventRecord', () => {
  it('accepts exactly what the schema accepts, on valid records with random fields changed, added or removed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fields, oddValues), { maxLength: 4 }), (changes) => {
        const record: Record<string, unknown> = JSON.parse(JSON.stringify(VALID));
        for (const [k, v] of changes) {
          if (v === undefined) delete record[k];
          else Object.defineProperty(record, k, { value: v, enumerable: true, writable: true, configurable: true });
        }
        const parsed = JSON.parse(JSON.stringify(record)) as unknown;
        expect(checkEventRecord(parsed).ok, JSON.stringify(parsed)).toBe(eventRecordSchema.safeParse(parsed).success);
      }),
      { numRuns: 2000 },
    );
  });

  it('the hand-written check knows exactly the schema\'s fields (plain-check.ts reads EVENT_FIELDS)', () => {
    expect([...EVENT_FIELDS].sort()).toEqual(Object.keys(eventRecordSchema.shape).sort());
  });

  it('an untouched record passes, and a refused one is worded by the schema', () => {
    expect(checkEventRecord(VALID)).toEqual({ ok: true, event: VALID });
    expect(checkEventRecord({ ...VALID, action: 'maybe' })).toMatchObject({ ok: false, message: expect.stringContaining('action') });
    expect(checkEventRecord({ ...VALID, extra: 1 })).toEqual({ ok: false, message: 'unknown field "extra"' });
  });

  it('reasons and notes have a length limit (500 code units, what the warning page and the incident form keep)', () => {
    expect(checkEventRecord({ ...VALID, reason: 'r'.repeat(500) }).ok).toBe(true);
    expect(checkEventRecord({ ...VALID, reason: 'r'.repeat(501) })).toMatchObject({ ok: false, message: expect.stringMatching(/field "reason": Too big/) });
    expect(checkEventRecord({ ...VALID, type: 'incident.reported', reason: undefined, note: 'n'.repeat(501), incident: 'other' })).toMatchObject({ ok: false, message: expect.stringMatching(/field "note"/) });
  });
});

describe('one event input type', () => {
  it('EventInput names every field of an event but those the recorder and the store stamp (a field added to one and not the other fails the typecheck)', () => {
    type Stamped = 'seq' | 'ts' | 'prev' | 'hash' | 'policyVersion' | 'policySource' | 'extensionVersion' | 'installId' | 'user' | 'publicKey';
    type Missing = Exclude<keyof EventRecord, keyof EventInput | Stamped>;
    type Extra = Exclude<keyof EventInput, keyof EventRecord>;
    const complete: [Missing, Extra] extends [never, never] ? true : false = true;
    expect(complete).toBe(true);
  });
});
