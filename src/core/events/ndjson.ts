/**
 * NDJSON export and import (docs/event-log.md, "Export"): one event per line, exactly the
 * fields of docs/event-log.md in their table order, in `seq` order, each line ending "\n".
 */
import { parseJsonLine } from './json-line.ts';
import type { EventRecord } from './types.ts';

/** One event as one JSON line (no trailing newline). Unknown properties are dropped. */
export function formatEventJson(e: EventRecord): string {
  // Build in the table order; optional fields only when present.
  const o: Record<string, unknown> = {
    seq: e.seq,
    ts: e.ts,
    type: e.type,
    host: e.host ?? null,
  };
  if (e.url !== undefined) o.url = e.url;
  o.service = e.service ?? null;
  o.action = e.action ?? null;
  if (e.reason !== undefined) o.reason = e.reason;
  if (e.findings !== undefined) o.findings = e.findings;
  if (e.incident !== undefined) o.incident = e.incident;
  if (e.note !== undefined) o.note = e.note;
  if (e.frame !== undefined) o.frame = e.frame;
  if (e.channel !== undefined) o.channel = e.channel;
  if (e.name !== undefined) o.name = e.name;
  if (e.browser !== undefined) o.browser = e.browser;
  o.policyVersion = e.policyVersion;
  o.policySource = e.policySource;
  o.extensionVersion = e.extensionVersion;
  if (e.installId !== undefined) o.installId = e.installId;
  if (e.user !== undefined) o.user = e.user;
  if (e.publicKey !== undefined) o.publicKey = e.publicKey;
  o.prev = e.prev;
  o.hash = e.hash;
  return JSON.stringify(o);
}

/**
 * A chunk of NDJSON lines, each ending "\n". Events are written in the order given:
 * callers stream in `seq` order (IndexedDB cursors over the seq key already are).
 * Concatenating the chunks of consecutive slices gives the same text as formatNdjson.
 */
export function formatNdjsonChunk(events: Iterable<EventRecord>): string {
  let s = '';
  for (const e of events) s += formatEventJson(e) + '\n';
  return s;
}

/** `events` sorted by `seq` (a copy; returns the input itself when already sorted). */
export function inSeqOrder<T extends { seq: number }>(events: readonly T[]): readonly T[] {
  for (let i = 1; i < events.length; i++) {
    if (events[i - 1]!.seq > events[i]!.seq) return [...events].sort((a, b) => a.seq - b.seq);
  }
  return events;
}

/** The whole NDJSON export of an in-memory list of events, in `seq` order. */
export function formatNdjson(events: readonly EventRecord[]): string {
  return formatNdjsonChunk(inSeqOrder(events));
}

/** Yield NDJSON text in chunks of `chunkSize` events (e.g. for `new Blob([...chunks])`). */
export function* ndjsonChunks(events: Iterable<EventRecord>, chunkSize = 2000): Generator<string> {
  let batch: EventRecord[] = [];
  for (const e of events) {
    batch.push(e);
    if (batch.length >= chunkSize) {
      yield formatNdjsonChunk(batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield formatNdjsonChunk(batch);
}

/** One line of an NDJSON file: its parsed value, or why it is not JSON. */
export type NdjsonLine = { line: number; value: unknown } | { line: number; error: string };

/**
 * Split NDJSON into lines and JSON-parse each. Accepts "\n" or "\r\n" line ends, a
 * leading UTF-8 BOM, and blank lines at the end of the file; a blank line anywhere
 * else is reported as an error on that line (an exported log has none).
 */
export function parseNdjsonLines(text: string): NdjsonLine[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parts = text.split('\n');
  let end = parts.length;
  while (end > 0 && parts[end - 1]!.trim() === '') end--;
  const out: NdjsonLine[] = [];
  for (let i = 0; i < end; i++) {
    let s = parts[i]!;
    if (s.endsWith('\r')) s = s.slice(0, -1);
    const line = i + 1;
    if (s.trim() === '') {
      out.push({ line, error: 'blank line' });
      continue;
    }
    out.push({ line, ...parseJsonLine(s) });
  }
  return out;
}

/**
 * The same reading as parseNdjsonLines, one raw line at a time (for streams): `push`
 * each line of the file without its line end, then `end`. Blank lines are held back
 * until something follows them (blank lines at the end of a file are fine).
 */
export class NdjsonLineParser {
  private line = 0;
  private blanks: number[] = [];

  /** Parse one raw line, appending what it yields (maybe nothing yet) to `into`. */
  push(raw: string, into: NdjsonLine[]): void {
    this.line++;
    let s = this.line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
    // An event line starts with "{": only other lines need the (copying) blank check.
    if (s.charCodeAt(0) !== 123 && s.trim() === '') {
      this.blanks.push(this.line);
      return;
    }
    if (this.blanks.length > 0) {
      for (const line of this.blanks) into.push({ line, error: 'blank line' });
      this.blanks = [];
    }
    into.push({ line: this.line, ...parseJsonLine(s) });
  }

  end(): NdjsonLine[] {
    this.blanks = [];
    return [];
  }
}
