/**
 * Verifying a signed NDJSON export (README, "Signed exports"), incrementally: feed
 * the file's lines in order, in batches of any size, then ask for the verdict. Nothing
 * but the current chain position, the event hashes (for the digest) and a few sets is
 * kept, so a caller can stream a large file through it.
 *
 * What is checked, in this order, naming the first failure:
 *   1. every line is JSON and every line but the last is an event record    → malformed / after-trailer
 *   2. each event's `hash` matches its own content                            → hash-mismatch
 *   3. consecutive events link: `prev` = the hash of the line before          → prev-mismatch
 *      (in a filtered export only where the seqs are consecutive: the events
 *      in between were filtered out, so there is nothing to link to)
 *   4. `seq` increases                                                        → seq-not-increasing
 *   5. the last line is the signature trailer                                 → empty / unsigned
 *   6. count, firstSeq, lastSeq and digest match what was read               → trailer-mismatch
 *   7. every event names the trailer's install; a `log.key` event in the
 *      export carries the trailer's key                                       → install-mismatch / key-mismatch
 *   8. the ECDSA signature is valid for the trailer's key                    → bad-signature
 *   9. with pinned keys: the trailer's key is the install's pinned key       → key-not-pinned
 */
import { checkParsedLines, completeLazily, fullCheck, hashOf, LINE_BLANK, LINE_ERROR, LINE_RECHECK, LINE_TRAILER, type CheckedBatch } from './check-lines.ts';
import { GENESIS, recordHashInput, sha256Hex, type ChainSummary, type CheckFailure } from './chain.ts';
import type { NdjsonLine } from './ndjson.ts';
import { HASH_REGEX, plainlyValid } from './plain-check.ts';
import { base64ToBytes, checkTrailerSignature, ExportDigest, isLowS, SIGNATURE_TYPE, type IncrementalSha256, type SignatureTrailer } from './signature.ts';
import type { EventRecord } from './types.ts';

export type ExportFailure =
  | 'malformed'
  | 'hash-mismatch'
  | 'prev-mismatch'
  | 'seq-not-increasing'
  | 'after-trailer'
  | 'empty'
  | 'unsigned'
  | 'trailer-mismatch'
  | 'install-mismatch'
  | 'key-mismatch'
  | 'bad-signature'
  | 'key-not-pinned';

/** installId → its one pinned public key (SPKI base64). */
export type KeyPins = ReadonlyMap<string, string>;

export type ExportVerdict =
  | (ChainSummary & {
      filtered: boolean;
      installId: string;
      publicKey: string;
      exportedAt: string;
      /** True when the key was checked against pinned keys (--keys). */
      pinned: boolean;
    })
  | CheckFailure<ExportFailure>;

function readableSeq(value: unknown): number | null {
  if (typeof value !== 'object' || value === null) return null;
  const s = (value as { seq?: unknown }).seq;
  return typeof s === 'number' && Number.isSafeInteger(s) ? s : null;
}

function isTrailerShaped(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === SIGNATURE_TYPE;
}

/** The trailer's shape, or a message naming the bad field. */
function checkTrailer(value: unknown): { ok: true; trailer: SignatureTrailer } | { ok: false; message: string } {
  const t = value as Record<string, unknown>;
  const known = new Set(['type', 'installId', 'publicKey', 'count', 'firstSeq', 'lastSeq', 'digest', 'exportedAt', 'filtered', 'signature']);
  for (const k of Object.keys(t)) if (!known.has(k)) return { ok: false, message: `unknown field "${k}"` };
  const str = (k: string) => typeof t[k] === 'string' && t[k] !== '';
  const seqOrNull = (k: string) => t[k] === null || (typeof t[k] === 'number' && Number.isSafeInteger(t[k]) && (t[k] as number) >= 1);
  for (const k of ['installId', 'publicKey', 'exportedAt', 'signature']) if (!str(k)) return { ok: false, message: `field "${k}" must be a non-empty string` };
  if (!(typeof t.count === 'number' && Number.isSafeInteger(t.count) && t.count >= 0)) return { ok: false, message: 'field "count" must be a whole number' };
  for (const k of ['firstSeq', 'lastSeq']) if (!seqOrNull(k)) return { ok: false, message: `field "${k}" must be a positive whole number or null` };
  if (typeof t.digest !== 'string' || !HASH_REGEX.test(t.digest)) return { ok: false, message: 'field "digest" must be 64 lower-case hex characters' };
  if (typeof t.filtered !== 'boolean') return { ok: false, message: 'field "filtered" must be true or false' };
  return { ok: true, trailer: t as unknown as SignatureTrailer };
}

type Failure = Extract<ExportVerdict, { ok: false }>;

export interface VerifierOptions {
  keys?: KeyPins;
  /**
   * A synchronous SHA-256 (lower-case hex of the UTF-8 bytes), when the platform has one
   * (Node's crypto.createHash): several times faster than one WebCrypto call per event.
   * Same definition of the hash; WebCrypto is used without it.
   */
  sha256Hex?: (text: string) => string;
  /** An incremental SHA-256 for the export's digest (flat memory); without it the hashes are kept until the end. */
  digest?: () => IncrementalSha256;
}

export class ExportVerifier {
  private readonly keys: KeyPins | undefined;
  private readonly sha256Hex: ((text: string) => string) | undefined;
  private failure: Failure | null = null;
  private lines = 0;
  private prevHash: string | null = null;
  private prevSeq = 0;
  private firstSeq: number | null = null;
  private fromGenesis = false;
  private readonly digest: ExportDigest;
  private trailer: SignatureTrailer | null = null;
  private trailerLine = 0;
  /** First link that does not hold across a gap in seq (fatal only in a whole export). */
  private gapBreak: { line: number; seq: number; prevSeq: number } | null = null;
  private readonly installIds = new Map<string, number>();
  private readonly logKeys: { installId: string | undefined; publicKey: string; line: number; seq: number }[] = [];

  constructor(options: VerifierOptions = {}) {
    this.keys = options.keys;
    this.sha256Hex = options.sha256Hex;
    this.digest = new ExportDigest(options.digest?.());
  }

  /** The signature line, once read (null before, or when there is none). */
  get trailerRead(): SignatureTrailer | null {
    return this.trailer;
  }

  /** True once a failure was found (later input is ignored). */
  get failed(): boolean {
    return this.failure !== null;
  }

  private fail(f: Omit<Failure, 'ok'>): void {
    this.failure ??= { ok: false, ...f };
  }

  /** A blank line not yet followed by anything (blank lines at the end of a file are fine). */
  private pendingBlank = 0;

  /**
   * Feed the next lines of the file, in order (parsed by parseNdjsonLines or a streaming
   * equivalent). Returns the batch as checked (check-lines.ts), so a caller that also adds
   * the events up need not check twice; null once failed.
   */
  async add(batch: readonly NdjsonLine[], options: { events?: boolean } = {}): Promise<CheckedBatch | null> {
    if (this.failure || batch.length === 0) return null;
    const o = { ...(this.sha256Hex ? { sha256Hex: this.sha256Hex } : {}), ...(options.events ? { events: true } : {}) };
    const checked = await completeLazily(await checkParsedLines(batch, o), o);
    this.addChecked(checked);
    return checked;
  }

  /**
   * The sequential half: a batch checked line by line (checkParsedLines / checkRawLines, in
   * this thread or a worker), in file order. Stops at the first failure, as the definition
   * reads: the first bad line, whatever kind of fault it is.
   */
  addChecked(b: CheckedBatch): void {
    const n = b.kind.length;
    /** Index of the last event read in this batch, and how many. */
    let last = -1;
    let events = 0;
    for (let j = 0; j < n && !this.failure; j++) {
      const line = b.firstLine + j;
      const kind = b.kind[j]!;
      if (kind === LINE_BLANK) {
        if (this.pendingBlank === 0) this.pendingBlank = line;
        continue;
      }
      if (this.pendingBlank !== 0) {
        // Something follows a blank line: the blank line is the first fault.
        const blank = this.pendingBlank;
        this.lines++;
        if (this.trailer) this.fail({ seq: null, line: blank, failure: 'after-trailer', reason: `a line follows the signature line (line ${this.trailerLine}); the signature line must be the last` });
        else this.fail({ seq: null, line: blank, failure: 'malformed', reason: 'malformed line: blank line' });
        return;
      }
      this.lines++;
      if (this.trailer) {
        this.fail({ seq: null, line, failure: 'after-trailer', reason: `a line follows the signature line (line ${this.trailerLine}); the signature line must be the last` });
        return;
      }
      if (kind === LINE_RECHECK) throw new Error('ExportVerifier.addChecked: a batch with lines left to check (completeBatch)');
      if (kind === LINE_ERROR) {
        const seq = b.seq[j]!;
        this.fail({ seq: Number.isNaN(seq) ? null : seq, line, failure: 'malformed', reason: b.error.get(j)! });
        return;
      }
      if (kind === LINE_TRAILER) {
        const t = checkTrailer(b.trailer.get(j));
        if (!t.ok) {
          this.fail({ seq: null, line, failure: 'malformed', reason: `malformed signature line: ${t.message}` });
          return;
        }
        this.trailer = t.trailer;
        this.trailerLine = line;
        continue;
      }
      const seq = b.seq[j]!;
      if (b.hashOk[j] !== 1) {
        this.fail({ seq, line, failure: 'hash-mismatch', reason: 'hash mismatch: the event was edited after it was written' });
        return;
      }
      // Linked to the event before: the batch compared them when both are in it (they are then on
      // adjacent lines: anything else between them is a fault found first); else compare here.
      const first = !this.haveEvent;
      const linked = last >= 0 ? b.linked[j] === 1 : !first && b.prevs.get(j) === this.prevHash;
      if (first) {
        this.firstSeq = seq;
        this.fromGenesis = b.prevs.get(j) === GENESIS;
        this.haveEvent = true;
      } else if (!linked && seq === this.prevSeq + 1) {
        this.fail({
          seq,
          line,
          failure: 'prev-mismatch',
          reason: `prev mismatch: "prev" is not the hash of seq ${this.prevSeq} on the line before; an event was deleted, reordered or inserted before this one, or the chain was rebuilt`,
        });
        return;
      } else if (seq <= this.prevSeq) {
        this.fail({ seq, line, failure: 'seq-not-increasing', reason: `seq not increasing: ${seq} follows ${this.prevSeq}` });
        return;
      } else if (!linked) {
        this.gapBreak ??= { line, seq, prevSeq: this.prevSeq };
      }
      this.prevSeq = seq;
      last = j;
      events++;
    }
    if (this.failure) return;
    // The whole batch was read without a fault: its hashes join the digest, the last one is the next batch's link.
    if (last >= 0) this.prevHash = hashOf(b, last);
    if (events > 0) for (const part of b.digestPart) this.digest.addJoined(part, (part.length + 1) / 65);
    for (const [j, id] of b.installIds) if (id !== null && !this.installIds.has(id)) this.installIds.set(id, b.firstLine + j);
    for (const [j, installId, publicKey] of b.logKeys) this.logKeys.push({ installId, publicKey, line: b.firstLine + j, seq: b.seq[j]! });
  }

  private haveEvent = false;


  /** The verdict, once every line was fed. */
  async finish(): Promise<ExportVerdict> {
    if (this.failure) return this.failure;
    if (this.lines === 0) {
      return { ok: false, seq: null, line: 1, failure: 'empty', reason: 'empty file: an export always ends with its signature line' };
    }
    const t = this.trailer;
    const count = this.digest.count;
    const lastSeq = count > 0 ? this.prevSeq : null;
    if (!t) {
      return {
        ok: false,
        seq: null,
        line: this.lines,
        failure: 'unsigned',
        reason: `no signature line: the ${count} events' chain may be intact, but nothing shows the log was not cut at the head or the tail (or rebuilt); export it again with version 1.1 or later`,
      };
    }
    if (this.gapBreak && !t.filtered) {
      const g = this.gapBreak;
      return {
        ok: false,
        seq: g.seq,
        line: g.line,
        failure: 'prev-mismatch',
        reason: `prev mismatch: "prev" is not the hash of seq ${g.prevSeq} on the line before, and a whole (unfiltered) export links every event: an event was deleted before this one`,
      };
    }
    const at = { seq: null, line: this.trailerLine, failure: 'trailer-mismatch' as const };
    if (t.count !== count) return { ok: false, ...at, reason: `the signature line counts ${t.count} events but the file holds ${count}: events were removed or added` };
    if (t.firstSeq !== this.firstSeq) return { ok: false, ...at, reason: `the signature line says the export starts at seq ${t.firstSeq ?? 'none'}, the file at ${this.firstSeq ?? 'none'}: the head was cut or changed` };
    if (t.lastSeq !== lastSeq) return { ok: false, ...at, reason: `the signature line says the export ends at seq ${t.lastSeq ?? 'none'}, the file at ${lastSeq ?? 'none'}: the tail was cut or changed` };
    if ((await this.digest.finish()) !== t.digest) return { ok: false, ...at, reason: 'the events are not the ones signed (digest mismatch): an event was removed, added, replaced or the chain rebuilt' };
    for (const [id, line] of this.installIds) {
      if (id !== t.installId) return { ok: false, seq: null, line, failure: 'install-mismatch', reason: `an event names install ${id}, the signature line install ${t.installId}` };
    }
    for (const k of this.logKeys) {
      if ((k.installId === undefined || k.installId === t.installId) && k.publicKey !== t.publicKey) {
        return { ok: false, seq: k.seq, line: k.line, failure: 'key-mismatch', reason: `the install's log.key event (seq ${k.seq}) holds another key than the one that signed the export: re-signed` };
      }
    }
    const sig = base64ToBytes(t.signature);
    if (sig !== null && sig.length === 64 && !isLowS(sig)) {
      return { ok: false, seq: null, line: this.trailerLine, failure: 'bad-signature', reason: 'the signature is in high-S form, the re-encoded twin of a valid signature (exports are signed low-S): the signature line was altered' };
    }
    if (!(await checkTrailerSignature(t))) {
      return { ok: false, seq: null, line: this.trailerLine, failure: 'bad-signature', reason: 'the signature does not match the signature line with the key it names: the line was edited or signed with another key' };
    }
    let pinned = false;
    if (this.keys) {
      const pinnedKey = this.keys.get(t.installId);
      if (pinnedKey === undefined) {
        return { ok: false, seq: null, line: this.trailerLine, failure: 'key-not-pinned', reason: `the keys file has no key for install ${t.installId}` };
      }
      if (pinnedKey !== t.publicKey) {
        return { ok: false, seq: null, line: this.trailerLine, failure: 'key-not-pinned', reason: `signed with a key that is not install ${t.installId}'s pinned key: the log was re-signed by someone else` };
      }
      pinned = true;
    }
    return {
      ok: true,
      count,
      firstSeq: this.firstSeq,
      lastSeq,
      fromGenesis: this.fromGenesis,
      filtered: t.filtered,
      installId: t.installId,
      publicKey: t.publicKey,
      exportedAt: t.exportedAt,
      pinned,
    };
  }
}

/** Events fed to the verifier at once (their hashes are computed concurrently). */
const BATCH = 1024;

/** Verify a whole export held in memory (see ExportVerifier for streaming). */
export async function verifyExportLines(lines: readonly NdjsonLine[], options: VerifierOptions = {}): Promise<ExportVerdict> {
  const v = new ExportVerifier(options);
  for (let i = 0; i < lines.length && !v.failed; i += BATCH) await v.add(lines.slice(i, i + BATCH));
  return v.finish();
}

/** A keys file read: one key per install, and lines that were not used (with why). */
export type KeysFile = { ok: true; keys: Map<string, string>; ignored: { line: number; reason: string }[] } | { ok: false; line: number; reason: string; ignored: { line: number; reason: string }[] };

/**
 * Read a keys file (NDJSON; docs/audit-trail.md "Pinning keys"): each line either an object
 * with string `installId` and `publicKey`, or a `log.key` event as a collector received it.
 * Lines of other event types and blank lines are skipped.
 *
 * Pinned means ONE key: an install given two different keys is refused (whichever line is
 * the attacker's, the file cannot say). A `log.key` event counts only if it is a well-formed
 * event whose own hash matches its content: one edited to carry another key is not used
 * (it is listed in `ignored`).
 */
export async function parseKeyLines(lines: readonly NdjsonLine[], options: { sha256Hex?: (text: string) => string } = {}): Promise<KeysFile> {
  const keys = new Map<string, string>();
  const firstLine = new Map<string, number>();
  const ignored: { line: number; reason: string }[] = [];
  for (const l of lines) {
    if ('error' in l) {
      if (l.error === 'blank line') continue;
      return { ok: false, line: l.line, reason: l.error, ignored };
    }
    const v = l.value as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, line: l.line, reason: 'not a JSON object', ignored };
    if (typeof v.type === 'string' && v.type !== 'log.key') continue;
    if (v.type === 'log.key') {
      const c = plainlyValid(v) ? { ok: true as const, event: v as unknown as EventRecord } : (await fullCheck())(v);
      if (!c.ok) {
        ignored.push({ line: l.line, reason: `not a well-formed log.key event (${c.message})` });
        continue;
      }
      const input = recordHashInput(c.event);
      const h = options.sha256Hex ? options.sha256Hex(input) : await sha256Hex(input);
      if (h !== c.event.hash) {
        ignored.push({ line: l.line, reason: "a log.key event whose hash does not match its content: it was edited after it was written" });
        continue;
      }
    }
    if (typeof v.installId !== 'string' || v.installId === '') return { ok: false, line: l.line, reason: 'missing "installId"', ignored };
    if (typeof v.publicKey !== 'string' || v.publicKey === '') return { ok: false, line: l.line, reason: 'missing "publicKey"', ignored };
    const had = keys.get(v.installId);
    if (had !== undefined && had !== v.publicKey) {
      return {
        ok: false,
        ignored,
        line: l.line,
        reason: `install ${v.installId} is given a second, different key (the first on line ${firstLine.get(v.installId)}): a pinned key must be one key; keep only the log.key your collector received when the install started`,
      };
    }
    if (had === undefined) {
      keys.set(v.installId, v.publicKey);
      firstLine.set(v.installId, l.line);
    }
  }
  if (keys.size === 0) return { ok: false, line: 1, reason: 'no keys in the file (lines of {"installId", "publicKey"} or log.key events)', ignored };
  return { ok: true, keys, ignored };
}
