/**
 * The per-line half of verifying an export (verify.ts): everything that depends on one line
 * alone — JSON parsing (duplicate keys refused), the event schema, the event's own hash —
 * and nothing that depends on the lines before it. It is where the time goes (JSON.parse and
 * SHA-256 of every event), so the command line runs it on both cores (worker threads,
 * src/cli/logs/), while ExportVerifier.addChecked stitches the batches in order: chain links
 * across batches, seq order, the digest, the signature line.
 *
 * A batch is returned in columns (typed arrays and strings) so that handing it from a worker
 * to the main thread costs little; `events` (the parsed records) only when the caller also
 * adds them up (logs report).
 */
import { recordHashInput, sha256Hex } from './chain.ts';
import { parseJsonLine } from './json-line.ts';
import type { NdjsonLine } from './ndjson.ts';
import { plainlyValid } from './plain-check.ts';
import { SIGNATURE_TYPE, type EventRecord } from './types.ts';

/** What one line is. */
export const LINE_EVENT = 0;
export const LINE_TRAILER = 1;
export const LINE_ERROR = 2;
export const LINE_BLANK = 3;
/** Not plainly an event (plain-check.ts): the full check (schema.ts) decides, in completeBatch. */
export const LINE_RECHECK = 4;

/** The full check of a parsed value (schema.ts's checkEventRecord, with zod). */
export type FullCheck = (value: unknown) => { ok: true; event: EventRecord } | { ok: false; message: string };

/**
 * A checked batch, as handed between threads: per-line facts in typed arrays and the hashes
 * in one string, so that nothing per event is copied but bytes.
 */
export interface CheckedBatch {
  /** Line number of the batch's first line (lines are consecutive). */
  firstLine: number;
  /** LINE_* per line. */
  kind: Uint8Array;
  /** An event's seq (NaN when the line has no readable integer seq). */
  seq: Float64Array;
  /** 1 when the event's `hash` is the hash of its content. */
  hashOk: Uint8Array;
  /** 1 when the event's `prev` is the hash of the event on the line before, both in this batch. */
  linked: Uint8Array;
  /** 64 characters per line (an event's `hash`, spaces for other lines), CHUNK lines per string: read with hashOf. */
  hashes: string[];
  /**
   * The events' hashes joined by "\n", in order, in strings of at most CHUNK hashes: this
   * batch's part of the export digest.
   */
  digestPart: string[];
  /** `prev` of every event not linked to the line before it in this batch. */
  prevs: Map<number, string>;
  /** Where the events' installId changes: [line index, installId or null for none]. */
  installIds: Array<[number, string | null]>;
  /** log.key events: [line index, installId, publicKey]. */
  logKeys: Array<[number, string | undefined, string]>;
  /** Per line: why it is not an event (LINE_ERROR), or the parsed signature line (LINE_TRAILER). */
  error: Map<number, string>;
  trailer: Map<number, unknown>;
  /** The parsed events (LINE_EVENT lines; null elsewhere), when asked for. */
  events?: Array<EventRecord | null>;
  /**
   * Or the batch's lines as read (without "\n"), asked for in order (0, 1, 2 …), for a caller
   * that parses each checked event only when it adds it up (report-intake.ts): one event and
   * one piece of text alive at a time, not a region's.
   */
  lineAt?: (j: number) => string;
  /** LINE_RECHECK lines: the parsed value, for completeBatch. */
  recheck: Map<number, unknown>;
}

export interface CheckOptions {
  /** Synchronous SHA-256 (hex); WebCrypto otherwise. */
  sha256Hex?: (text: string) => string;
  /** Also return the parsed events. */
  events?: boolean;
  /**
   * The full check for a value the hand-written one does not accept (schema.ts). Without it
   * (a worker thread, which does not load zod) such lines come back as LINE_RECHECK.
   */
  fullCheck?: FullCheck;
}

function readableSeq(value: unknown): number {
  if (typeof value !== 'object' || value === null) return NaN;
  const s = (value as { seq?: unknown }).seq;
  return typeof s === 'number' && Number.isSafeInteger(s) ? s : NaN;
}

/** A batch being filled: per-line strings, turned into CheckedBatch's compact form by `compact`. */
interface Building extends Omit<CheckedBatch, 'hashes' | 'digestPart' | 'prevs' | 'installIds'> {
  hash: string[];
  prev: string[];
  installId: Array<string | undefined>;
}

function emptyBatch(firstLine: number, n: number, events: boolean): Building {
  const b: Building = {
    firstLine,
    kind: new Uint8Array(n),
    seq: new Float64Array(n).fill(NaN),
    hashOk: new Uint8Array(n),
    linked: new Uint8Array(n),
    hash: new Array<string>(n).fill(''),
    prev: new Array<string>(n).fill(''),
    installId: new Array<string | undefined>(n),
    logKeys: [],
    error: new Map(),
    trailer: new Map(),
    recheck: new Map(),
  };
  if (events) b.events = new Array<EventRecord | null>(n).fill(null);
  return b;
}

const NO_HASH = ' '.repeat(64);
/**
 * Lines per string of `hashes` and `digestPart`: 1,024 × 65 characters stay under V8's 128 KB
 * limit for ordinary objects. A 1 MiB region's ~2,400 hashes joined in one string were large
 * objects, each mapped and faulted in afresh (twice per region, and again when the digest
 * flattened "\n" + part): a tenth of `logs verify`'s profile.
 */
const CHUNK = 1024;

/** The hash of line `i` of a checked batch (64 spaces when the line is not an event). */
export function hashOf(b: CheckedBatch, i: number): string {
  const at = (i % CHUNK) * 64;
  return b.hashes[(i / CHUNK) | 0]!.slice(at, at + 64);
}

function compact(b: Building): CheckedBatch {
  const n = b.kind.length;
  const hashes = new Array<string>(n);
  const digest: string[] = [];
  const prevs = new Map<number, string>();
  const installIds: Array<[number, string | null]> = [];
  let lastInstall: string | null | undefined;
  for (let i = 0; i < n; i++) {
    if (b.kind[i] !== LINE_EVENT) {
      hashes[i] = NO_HASH;
      continue;
    }
    hashes[i] = b.hash[i]!;
    digest.push(b.hash[i]!);
    if (b.linked[i] !== 1) prevs.set(i, b.prev[i]!);
    const id = b.installId[i] ?? null;
    if (id !== lastInstall) {
      installIds.push([i, id]);
      lastInstall = id;
    }
  }
  const { hash: _h, prev: _p, installId: _i, ...rest } = b;
  const hashChunks: string[] = [];
  for (let i = 0; i < n; i += CHUNK) hashChunks.push(hashes.slice(i, i + CHUNK).join(''));
  const digestChunks: string[] = [];
  for (let i = 0; i < digest.length; i += CHUNK) digestChunks.push(digest.slice(i, i + CHUNK).join('\n'));
  return { ...rest, hashes: hashChunks, digestPart: digestChunks, prevs, installIds };
}

/** Back to per-line strings (to finish LINE_RECHECK lines). */
function expand(c: CheckedBatch): Building {
  const n = c.kind.length;
  const hash = new Array<string>(n).fill('');
  const prev = new Array<string>(n).fill('');
  const installId = new Array<string | undefined>(n);
  let at = 0;
  let id: string | null = null;
  for (let i = 0; i < n; i++) {
    while (at < c.installIds.length && c.installIds[at]![0] <= i) id = c.installIds[at++]![1];
    if (c.kind[i] !== LINE_EVENT) continue;
    hash[i] = hashOf(c, i);
    prev[i] = c.prevs.get(i) ?? hash[i - 1] ?? '';
    installId[i] = id ?? undefined;
  }
  const { hashes: _h, digestPart: _d, prevs: _p, installIds: _i, ...rest } = c;
  return { ...rest, hash, prev, installId };
}

/** Fill line `i` from its parsed value (or parse error); returns the hash input of an event, else null. */
function checkValue(b: Building, i: number, l: { value: unknown } | { error: string }, fullCheck: FullCheck | undefined): string | null {
  if ('error' in l) {
    if (l.error === 'blank line') b.kind[i] = LINE_BLANK;
    else {
      b.kind[i] = LINE_ERROR;
      b.error.set(i, `malformed line: ${l.error}`);
    }
    return null;
  }
  const v = l.value;
  if (typeof v === 'object' && v !== null && (v as { type?: unknown }).type === SIGNATURE_TYPE) {
    b.kind[i] = LINE_TRAILER;
    b.trailer.set(i, v);
    return null;
  }
  let e: EventRecord;
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && plainlyValid(v as Record<string, unknown>)) e = v as EventRecord;
  else if (!fullCheck) {
    b.kind[i] = LINE_RECHECK;
    b.seq[i] = readableSeq(v);
    b.recheck.set(i, v);
    return null;
  } else {
    const c = fullCheck(v);
    if (!c.ok) {
      b.kind[i] = LINE_ERROR;
      b.seq[i] = readableSeq(v);
      b.error.set(i, `malformed event: ${c.message}`);
      return null;
    }
    e = c.event;
  }
  return fillEvent(b, i, e, v);
}

function fillEvent(b: Building, i: number, e: EventRecord, v: unknown): string {
  b.kind[i] = LINE_EVENT;
  b.seq[i] = e.seq;
  b.hash[i] = e.hash;
  b.prev[i] = e.prev;
  b.installId[i] = e.installId;
  if (i > 0 && b.kind[i - 1] === LINE_EVENT && b.hash[i - 1] === e.prev) b.linked[i] = 1;
  if (e.type === 'log.key' && e.publicKey !== undefined) b.logKeys.push([i, e.installId, e.publicKey]);
  if (b.events) b.events[i] = e;
  // Hashed over the value as parsed (not the schema's output), so nothing is normalised away.
  return recordHashInput(v as EventRecord);
}

async function finishHashes(b: Building, inputs: Array<string | null>, options: CheckOptions): Promise<CheckedBatch> {
  const sync = options.sha256Hex;
  if (sync) {
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i];
      if (input !== null && input !== undefined && sync(input) === b.hash[i]) b.hashOk[i] = 1;
    }
    return compact(b);
  }
  // WebCrypto: one promise per event, computed concurrently.
  const hashes = await Promise.all(inputs.map((x) => (x === null || x === undefined ? null : sha256Hex(x))));
  hashes.forEach((h, i) => {
    if (h !== null && h === b.hash[i]) b.hashOk[i] = 1;
  });
  return compact(b);
}

/** A line checked as an event (LINE_EVENT), parsed again: JSON.parse gives the value that was checked. */
export function parseCheckedLine(s: string): EventRecord {
  return JSON.parse(s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s) as EventRecord;
}

/** Check lines already parsed (parseNdjsonLines, NdjsonLineParser); they must be consecutive. */
export function checkParsedLines(lines: readonly NdjsonLine[], options: CheckOptions = {}): Promise<CheckedBatch> {
  const b = emptyBatch(lines[0]?.line ?? 1, lines.length, options.events === true);
  const inputs = lines.map((l, i) => checkValue(b, i, l, options.fullCheck));
  return finishHashes(b, inputs, options);
}

/**
 * Check raw lines (without their "\n"), as read from a file: a "\r" before the line end is
 * dropped, a whitespace-only line is blank (an error unless only blank lines follow it to the
 * end of the file: the stitching decides), the file's BOM must already be gone.
 */
export function checkRawLines(raw: readonly string[], firstLine: number, options: CheckOptions = {}): Promise<CheckedBatch> {
  const b = emptyBatch(firstLine, raw.length, options.events === true);
  const sync = options.sha256Hex;
  // With a synchronous SHA-256 each event is hashed as soon as it is read: its hash input (as
  // long as the line) is garbage at once instead of living until the batch ends — kept, the
  // inputs of a 1 MiB region outlived a worker's small young generation and were promoted,
  // and the worker spent more time collecting than hashing.
  const inputs = sync ? null : new Array<string | null>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    let s = raw[i]!;
    if (s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
    // An event line starts with "{": only other lines need the (copying) blank check.
    const input = s.charCodeAt(0) !== 123 && s.trim() === '' ? checkValue(b, i, { error: 'blank line' }, options.fullCheck) : checkValue(b, i, parseJsonLine(s), options.fullCheck);
    if (!inputs) {
      if (input !== null && sync!(input) === b.hash[i]) b.hashOk[i] = 1;
    } else inputs[i] = input;
  }
  return inputs ? finishHashes(b, inputs, options) : Promise.resolve(compact(b));
}

let fullCheckLoaded: Promise<FullCheck> | undefined;
/**
 * The full check, loaded when first needed: it brings zod, which a command line that only
 * verifies good exports never has to load (it starts faster).
 */
export function fullCheck(): Promise<FullCheck> {
  fullCheckLoaded ??= import('./schema.ts').then((m) => m.checkEventRecord);
  return fullCheckLoaded;
}

/** completeBatch with the full check loaded only if a line needs it. */
export async function completeLazily(b: CheckedBatch, options: CheckOptions = {}): Promise<CheckedBatch> {
  return b.recheck.size === 0 ? b : completeBatch(b, await fullCheck(), options);
}

/** Decide the LINE_RECHECK lines of a batch (checked without the full check) with it. */
export async function completeBatch(done: CheckedBatch, fullCheck: FullCheck, options: CheckOptions = {}): Promise<CheckedBatch> {
  if (done.recheck.size === 0) return done;
  const b = expand(done);
  const inputs: Array<string | null> = [];
  for (const [i, v] of b.recheck) {
    const c = fullCheck(v);
    if (!c.ok) {
      b.kind[i] = LINE_ERROR;
      b.error.set(i, `malformed event: ${c.message}`);
      continue;
    }
    inputs[i] = fillEvent(b, i, c.event, v);
    // The line after it may link to it.
    if (i + 1 < b.kind.length && b.kind[i + 1] === LINE_EVENT && b.prev[i + 1] === b.hash[i]) b.linked[i + 1] = 1;
  }
  b.recheck.clear();
  b.logKeys.sort((x, y) => x[0] - y[0]);
  return finishHashes(b, inputs, options);
}
