/**
 * Random event records of every shape the schema accepts, with a correct `hash`: fields
 * left out or present, empty strings and arrays, strings JSON must escape, lone surrogates,
 * timestamps the extension writes and ones only zod accepts (no milliseconds, before 1970,
 * after 2106). Shared by the pure row test and the real-server round trip.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { ACTIONS } from '../../../src/core/actions.ts';
import { GENESIS, hashInput } from '../../../src/core/events/chain.ts';
import { eventRecordSchema } from '../../../src/core/events/schema.ts';
import { DATA_CHANNELS, EVENT_TYPES, INCIDENT_KINDS, type EventRecord } from '../../../src/core/events/types.ts';
import { anyUnicodeString } from '../unicode-arbitraries.ts';

export const nodeSha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const text = fc.oneof(
  anyUnicodeString({ maxLength: 10 }),
  fc.constantFrom('', '"', '\\', '\n\t\u0000\u001f', '\u2028\u2029', 'Zoë 日本 🙂', '\ud800', 'a\udc00b', "'; DROP TABLE x --", '\\N', 'null'),
);
const nonEmpty = text.filter((s) => s !== '');
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const ts = fc.oneof(
  // A few years (each month is a partition on the server), and the far ends below.
  fc.integer({ min: Date.parse('2025-01-01'), max: Date.parse('2027-01-01') }).map((t) => new Date(t).toISOString()),
  fc.constantFrom('1970-01-01T00:00:00.000Z', '2106-02-07T06:28:15.999Z', '2026-11-30T15:58:02Z', '2026-11-30T15:58:02.5Z', '1969-12-31T23:59:59.999Z', '2106-02-07T06:28:16.000Z', '2200-01-01T00:00:00.000Z', '0001-01-01T00:00:00.000Z'),
);

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
  name: nonEmpty,
  browser: nonEmpty,
  policyVersion: text,
  policySource: fc.constantFrom('managed', 'local', 'default'),
  extensionVersion: text,
  installId: nonEmpty,
  user: text,
  publicKey: nonEmpty,
  prev: fc.oneof(hex64, fc.constant(GENESIS)),
};

const shape = eventRecordSchema.shape as Record<string, { isOptional(): boolean }>;
/** Every field of the schema but `hash` (a field added to the schema without values here fails at once). */
const FIELDS = Object.keys(shape).filter((k) => k !== 'hash');

export const anyEvent: fc.Arbitrary<EventRecord> = fc
  .record(
    Object.fromEntries(
      FIELDS.map((k) => {
        const values = FIELD_VALUES[k];
        if (!values) throw new Error(`no test values for the schema's field "${k}": add them in event-arbitrary.ts`);
        return [k, values];
      }),
    ),
    { requiredKeys: FIELDS.filter((k) => !shape[k]!.isOptional()) },
  )
  .map((r) => ({ ...r, hash: nodeSha(hashInput(r.prev as string, r)) }) as unknown as EventRecord);
