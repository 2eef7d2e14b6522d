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
import { checkEventRecord } from './schema.ts';
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
 * test/core/events-fast-paths.test.ts holds the two to the same string on random records
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

/** Why a chain failed to verify. */
export type ChainFailure =
  /** Not an event record (bad JSON, wrong/missing/unknown field, wrong type). */
  | 'malformed'
  /** The line's hash does not match its content: the event was edited. */
  | 'hash-mismatch'
  /** The line's `prev` is not the hash of the line before: a line was deleted, reordered or inserted. */
  | 'prev-mismatch'
  /** `seq` is not greater than the line before's. */
  | 'seq-not-increasing';

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

export type VerifyResult = ChainSummary | CheckFailure<ChainFailure>;

/** Events whose hashes are computed concurrently during verification. */
const VERIFY_WINDOW = 1024;

export interface VerifyOptions {
  /** Line number of `events[0]`; default 1. */
  firstLine?: number;
}

function readableSeq(value: unknown): number | null {
  if (typeof value !== 'object' || value === null) return null;
  const s = (value as { seq?: unknown }).seq;
  return typeof s === 'number' && Number.isSafeInteger(s) ? s : null;
}

/**
 * Verify a sequence of parsed events (plain JSON values, e.g. from NDJSON lines) and
 * name the FIRST bad one. Each event is checked, in this order:
 *   1. it is a well-formed event record (schema.ts)                 → `malformed`
 *   2. its `hash` matches its own content                           → `hash-mismatch` (edited)
 *   3. its `prev` equals the previous line's `hash`                 → `prev-mismatch` (deleted / reordered / inserted)
 *   4. its `seq` is greater than the previous line's                → `seq-not-increasing`
 * Step 2 comes first so that an edit to any field, `prev` and `seq` included, is
 * reported at the edited line. The first line's `prev` is not checked against
 * anything, so a pruned log verifies from its first line. `seq` may have gaps
 * (IndexedDB key generators skip numbers on aborted writes); only `prev` links lines.
 *
 * Limits inherent in a hash chain without signatures: removing lines from the start
 * looks like pruning and removing lines from the end looks like an earlier export;
 * neither is detectable from the file alone.
 */
export async function verifyChain(events: readonly unknown[], options: VerifyOptions = {}): Promise<VerifyResult> {
  const firstLine = options.firstLine ?? 1;
  let prevHash: string | null = null;
  let prevSeq = 0;
  let firstSeq: number | null = null;
  let fromGenesis = false;
  // Each event's hash depends only on its own content (its `prev` is in it), so a
  // window of hashes is computed concurrently (WebCrypto digests are async and
  // overlap well), then the window is checked strictly in order.
  for (let start = 0; start < events.length; start += VERIFY_WINDOW) {
    const window = events.slice(start, start + VERIFY_WINDOW);
    const checked = window.map((raw) => checkEventRecord(raw));
    const hashes = await Promise.all(
      checked.map((c, j) => (c.ok ? sha256Hex(recordHashInput(window[j] as EventRecord)) : Promise.resolve(null))),
    );
    for (let j = 0; j < window.length; j++) {
      const raw = window[j];
      const c = checked[j]!;
      const line = firstLine + start + j;
      if (!c.ok) {
        return { ok: false, seq: readableSeq(raw), line, failure: 'malformed', reason: `malformed event: ${c.message}` };
      }
      const e = c.event;
      // Hashed over the value as parsed (not the schema's output), so nothing is normalised away.
      if (hashes[j] !== e.hash) {
        return { ok: false, seq: e.seq, line, failure: 'hash-mismatch', reason: 'hash mismatch: the event was edited after it was written' };
      }
      if (prevHash === null) {
        firstSeq = e.seq;
        fromGenesis = e.prev === GENESIS;
      } else {
        if (e.prev !== prevHash) {
          return {
            ok: false,
            seq: e.seq,
            line,
            failure: 'prev-mismatch',
            reason: `prev mismatch: "prev" is not the hash of the line before (seq ${prevSeq}); an event was deleted, reordered or inserted before this one`,
          };
        }
        if (e.seq <= prevSeq) {
          return { ok: false, seq: e.seq, line, failure: 'seq-not-increasing', reason: `seq not increasing: ${e.seq} follows ${prevSeq}` };
        }
      }
      prevHash = e.hash;
      prevSeq = e.seq;
    }
  }
  return { ok: true, count: events.length, firstSeq, lastSeq: events.length > 0 ? prevSeq : null, fromGenesis };
}
