/**
 * A test oracle: the hash chain checked straight from its definition (docs/event-log.md,
 * "Tamper evidence") — canonical JSON written by canonicalJson, WebCrypto SHA-256, one event
 * at a time, no shortcuts. The product has one verifier (src/core/events/verify.ts,
 * ExportVerifier); tests hold it and the stores to this plain reading.
 */
import { GENESIS, hashInput, sha256Hex, type ChainSummary, type CheckFailure } from '../../../src/core/events/chain.ts';
import { parseNdjsonLines } from '../../../src/core/events/ndjson.ts';
import type { EventRecord } from '../../../src/core/events/types.ts';
import { checkEventRecord } from '../../../src/core/events/schema.ts';

export type ChainFailure = 'malformed' | 'hash-mismatch' | 'prev-mismatch' | 'seq-not-increasing';
export type VerifyResult = ChainSummary | CheckFailure<ChainFailure>;

function readableSeq(value: unknown): number | null {
  if (typeof value !== 'object' || value === null) return null;
  const s = (value as { seq?: unknown }).seq;
  return typeof s === 'number' && Number.isSafeInteger(s) ? s : null;
}

/**
 * Verify parsed events in order, naming the FIRST bad one: malformed, then its hash over its
 * own content (so an edit to any field is reported at the edited line), then `prev` = the
 * line before's hash, then `seq` increasing. The first line's `prev` is not checked.
 */
export async function verifyChain(events: readonly unknown[], options: { firstLine?: number } = {}): Promise<VerifyResult> {
  const firstLine = options.firstLine ?? 1;
  let prevHash: string | null = null;
  let prevSeq = 0;
  let firstSeq: number | null = null;
  let fromGenesis = false;
  for (let i = 0; i < events.length; i++) {
    const raw = events[i];
    const line = firstLine + i;
    const c = checkEventRecord(raw);
    if (!c.ok) return { ok: false, seq: readableSeq(raw), line, failure: 'malformed', reason: `malformed event: ${c.message}` };
    const e = c.event;
    if ((await sha256Hex(hashInput(e.prev, raw as object))) !== e.hash) {
      return { ok: false, seq: e.seq, line, failure: 'hash-mismatch', reason: 'hash mismatch: the event was edited after it was written' };
    }
    if (prevHash === null) {
      firstSeq = e.seq;
      fromGenesis = e.prev === GENESIS;
    } else {
      if (e.prev !== prevHash) {
        return { ok: false, seq: e.seq, line, failure: 'prev-mismatch', reason: `prev mismatch: "prev" is not the hash of the line before (seq ${prevSeq}); an event was deleted, reordered or inserted before this one` };
      }
      if (e.seq <= prevSeq) return { ok: false, seq: e.seq, line, failure: 'seq-not-increasing', reason: `seq not increasing: ${e.seq} follows ${prevSeq}` };
    }
    prevHash = e.hash;
    prevSeq = e.seq;
  }
  return { ok: true, count: events.length, firstSeq, lastSeq: events.length > 0 ? prevSeq : null, fromGenesis };
}

/** verifyChain over NDJSON text; a line that is not JSON is `malformed` unless the chain broke before it. */
export async function verifyNdjson(text: string): Promise<VerifyResult> {
  const lines = parseNdjsonLines(text);
  const firstError = lines.findIndex((l) => 'error' in l);
  const upTo = firstError === -1 ? lines : lines.slice(0, firstError);
  const r = await verifyChain(upTo.map((l) => ('value' in l ? l.value : undefined)));
  if (!r.ok || firstError === -1) return r;
  const bad = lines[firstError]!;
  return { ok: false, seq: null, line: bad.line, failure: 'malformed', reason: `malformed line: ${'error' in bad ? bad.error : ''}` };
}

export type ParseResult = { ok: true; events: EventRecord[] } | { ok: false; line: number; reason: string };

/** Parse NDJSON into event records with the full schema check, stopping at the first bad line (tests read exports back with it). */
export function parseNdjson(text: string): ParseResult {
  const events: EventRecord[] = [];
  for (const l of parseNdjsonLines(text)) {
    if ('error' in l) return { ok: false, line: l.line, reason: l.error };
    const c = checkEventRecord(l.value);
    if (!c.ok) return { ok: false, line: l.line, reason: `malformed event: ${c.message}` };
    events.push(c.event);
  }
  return { ok: true, events };
}
