/**
 * The hash chain (docs/event-log.md, "Tamper evidence"):
 *
 *   hash = lower-case hex SHA-256 of UTF-8( prev + "\n" + canonical(event without hash) )
 *
 * where the event without hash still contains `prev`. The first event ever has
 * `prev = GENESIS`. Uses WebCrypto only (`globalThis.crypto.subtle`), present in
 * browsers, extension service workers and Node ≥ 20.
 */
import { canonicalJson } from './canonical.ts';
import type { EventDraft, EventRecord, UnhashedEvent } from './types.ts';

/** `prev` of the first event ever written on a profile. */
export const GENESIS = '0'.repeat(64);

const encoder = new TextEncoder();
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex SHA-256 of the UTF-8 bytes of `text`. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(text)));
  let s = '';
  for (const b of digest) s += HEX[b];
  return s;
}

/** The exact string that is hashed for an event (exposed for tests and auditors). */
export function hashInput(prev: string, eventWithoutHash: object): string {
  const { hash: _ignored, ...rest } = eventWithoutHash as Record<string, unknown>;
  return prev + '\n' + canonicalJson(rest);
}

/**
 * hashInput for a record checkEventRecord accepted (from an export), about twice as fast:
 * such a record has only the known fields, each a string, number, null or array of
 * strings, so an object literal naming every field but `hash` in canonical (sorted)
 * order — absent ones undefined, which JSON.stringify leaves out as canonicalJson does —
 * is written by JSON.stringify's native fast path in exactly canonicalJson's bytes.
 * test/core/events/fast-paths.test.ts holds the two to the same string on random records
 * built from the schema's own field list (a new field missing here fails it).
 */
export function recordHashInput(e: EventRecord): string {
  const sorted = {
    action: e.action,
    browser: e.browser,
    channel: e.channel,
    extensionVersion: e.extensionVersion,
    findings: e.findings,
    frame: e.frame,
    host: e.host,
    incident: e.incident,
    installId: e.installId,
    name: e.name,
    note: e.note,
    policySource: e.policySource,
    policyVersion: e.policyVersion,
    prev: e.prev,
    publicKey: e.publicKey,
    reason: e.reason,
    seq: e.seq,
    service: e.service,
    ts: e.ts,
    type: e.type,
    url: e.url,
    user: e.user,
  };
  return e.prev + '\n' + JSON.stringify(sorted);
}

/**
 * The hash of an event. `eventWithoutHash` should already carry `prev`; a `hash`
 * field, if present, is ignored (the definition is over the event without it).
 */
export function hashEvent(prev: string, eventWithoutHash: object): Promise<string> {
  return sha256Hex(hashInput(prev, eventWithoutHash));
}

/**
 * Build the full record from a draft: assigns `seq` and `prev`, nulls `host`,
 * `service`, `action` when absent, leaves out optional fields that are undefined,
 * copies `findings`, and computes `hash`.
 */
export async function sealEvent(draft: EventDraft, seq: number, prev: string): Promise<EventRecord> {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`sealEvent: seq must be a positive integer, got ${seq}`);
  if (!/^[0-9a-f]{64}$/.test(prev)) throw new RangeError('sealEvent: prev must be 64 lower-case hex characters');
  const e: UnhashedEvent = {
    seq,
    ts: draft.ts,
    type: draft.type,
    host: draft.host ?? null,
    service: draft.service ?? null,
    action: draft.action ?? null,
    policyVersion: draft.policyVersion,
    policySource: draft.policySource,
    extensionVersion: draft.extensionVersion,
    prev,
  };
  if (draft.url !== undefined) e.url = draft.url;
  if (draft.reason !== undefined) e.reason = draft.reason;
  if (draft.findings !== undefined) e.findings = [...draft.findings];
  if (draft.incident !== undefined) e.incident = draft.incident;
  if (draft.note !== undefined) e.note = draft.note;
  if (draft.frame !== undefined) e.frame = draft.frame;
  if (draft.channel !== undefined) e.channel = draft.channel;
  if (draft.name !== undefined) e.name = draft.name;
  if (draft.browser !== undefined) e.browser = draft.browser;
  if (draft.installId !== undefined) e.installId = draft.installId;
  if (draft.user !== undefined) e.user = draft.user;
  if (draft.publicKey !== undefined) e.publicKey = draft.publicKey;
  const hash = await hashEvent(prev, e);
  return { ...e, hash };
}

/** Seal several drafts as a chain continuing after `prev` (GENESIS to start a log). */
export async function sealChain(drafts: readonly EventDraft[], firstSeq = 1, prev = GENESIS): Promise<EventRecord[]> {
  const out: EventRecord[] = [];
  let p = prev;
  let seq = firstSeq;
  for (const d of drafts) {
    const e = await sealEvent(d, seq++, p);
    out.push(e);
    p = e.hash;
  }
  return out;
}

/** What an intact chain shows; an export's verdict adds what its signed last line proves. */
export interface ChainSummary {
  ok: true;
  count: number;
  /** null when there are no events. */
  firstSeq: number | null;
  lastSeq: number | null;
  /** True when the first event's `prev` is GENESIS; false for a pruned (partial) log. */
  fromGenesis: boolean;
}

/** Where and why a check failed. */
export interface CheckFailure<F extends string> {
  ok: false;
  /** `seq` of the first bad event, or null when it has no readable integer `seq`. */
  seq: number | null;
  /** 1-based line (index + firstLine) of the first bad event. */
  line: number;
  failure: F;
  /** One sentence: what is wrong and what it means. */
  reason: string;
}
