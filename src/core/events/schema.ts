/**
 * zod schema of one exported event, used when reading logs back (verify, report).
 * Strict: exactly the fields of docs/event-log.md; `url`, `reason`, `findings` must be left
 * out rather than null; `host`, `service`, `action` must be present (maybe null).
 */
import { z } from 'zod';
import { ACTIONS } from '../actions.ts';
import { REASON_MAX_LENGTH } from '../reason.ts';
import { HASH_REGEX, plainlyValid } from './plain-check.ts';
import { DATA_CHANNELS, EVENT_TYPES, INCIDENT_KINDS, INCIDENT_NOTE_MAX, type EventRecord } from './types.ts';

export { HASH_REGEX, realInstant, roundTrips } from './plain-check.ts';


const hash = z.string().regex(HASH_REGEX, 'must be 64 lower-case hex characters');

export const eventRecordSchema = z.strictObject({
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  ts: z.iso.datetime({ offset: false }),
  type: z.enum(EVENT_TYPES),
  host: z.string().nullable(),
  url: z.string().optional(),
  service: z.string().nullable(),
  action: z.enum(ACTIONS).nullable(),
  // The warning page and the in-page notice keep at most REASON_MAX_LENGTH (core/reason.ts).
  reason: z.string().max(REASON_MAX_LENGTH).optional(),
  findings: z.array(z.string()).optional(),
  incident: z.enum(INCIDENT_KINDS).optional(),
  note: z.string().max(INCIDENT_NOTE_MAX).optional(),
  frame: z.literal(true).optional(),
  channel: z.enum(DATA_CHANNELS).optional(),
  name: z.string().min(1).optional(),
  browser: z.string().min(1).optional(),
  policyVersion: z.string(),
  policySource: z.enum(['managed', 'local', 'default']),
  extensionVersion: z.string(),
  installId: z.string().min(1).optional(),
  user: z.string().optional(),
  publicKey: z.string().min(1).optional(),
  prev: hash,
  hash,
});

/** Check a parsed JSON value is an event record; on failure, one readable message. */
export function checkEventRecord(value: unknown): { ok: true; event: EventRecord } | { ok: false; message: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'not a JSON object' };
  }
  if (plainlyValid(value as Record<string, unknown>)) return { ok: true, event: value as EventRecord };
  // zod's `.optional()` accepts an explicit undefined, which JSON cannot carry; an
  // explicit null for a left-out field is rejected by the schema itself.
  const r = eventRecordSchema.safeParse(value);
  if (r.success) return { ok: true, event: r.data as EventRecord };
  const issue = r.error.issues[0];
  if (!issue) return { ok: false, message: 'invalid event' };
  if (issue.code === 'unrecognized_keys') return { ok: false, message: `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}` };
  const path = issue.path.map(String).join('.');
  const present = path !== '' && Object.prototype.hasOwnProperty.call(value, String(issue.path[0]));
  if (path !== '' && !present) return { ok: false, message: `missing field "${path}"` };
  return { ok: false, message: path ? `field "${path}": ${issue.message}` : issue.message };
}
