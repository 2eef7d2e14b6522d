/**
 * Verifying a signed NDJSON export (README, "Verifying an export"), incrementally: feed
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
import { GENESIS, recordHashInput, sha256Hex, type ChainSummary, type CheckFailure } from './chain.ts';
import type { NdjsonLine } from './ndjson.ts';
import { checkEventRecord, HASH_REGEX } from './schema.ts';
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

  /**
   * Feed the next lines of the file, in order (parsed by parseNdjsonLines or a streaming
   * equivalent). Returns each line's event check (null for the trailer and unparsable
   * lines), so a caller that also aggregates need not check twice; null once failed.
   */
  async add(batch: readonly NdjsonLine[]): Promise<Array<ReturnType<typeof checkEventRecord> | null> | null> {
    if (this.failure) return null;
    // Hashes depend only on each line's own content: compute the batch's concurrently.
    const checked = batch.map((l) => ('value' in l && !isTrailerShaped(l.value) ? checkEventRecord(l.value) : null));
    // Hashed over the value as parsed (not the schema's output), so nothing is normalised away.
    const input = (j: number) => recordHashInput((batch[j] as { value: EventRecord }).value);
    const sync = this.sha256Hex;
    const hashes = sync
      ? checked.map((c, j) => (c?.ok ? sync(input(j)) : null))
      : await Promise.all(checked.map((c, j) => (c?.ok ? sha256Hex(input(j)) : Promise.resolve(null))));
    for (let j = 0; j < batch.length && !this.failure; j++) {
      const l = batch[j]!;
      this.lines++;
      if (this.trailer) {
        this.fail({ seq: null, line: l.line, failure: 'after-trailer', reason: `a line follows the signature line (line ${this.trailerLine}); the signature line must be the last` });
        return checked;
      }
      if ('error' in l) {
        this.fail({ seq: null, line: l.line, failure: 'malformed', reason: `malformed line: ${l.error}` });
        return checked;
      }
      if (isTrailerShaped(l.value)) {
        const t = checkTrailer(l.value);
        if (!t.ok) {
          this.fail({ seq: null, line: l.line, failure: 'malformed', reason: `malformed signature line: ${t.message}` });
          return checked;
        }
        this.trailer = t.trailer;
        this.trailerLine = l.line;
        continue;
      }
      const c = checked[j]!;
      if (!c.ok) {
        this.fail({ seq: readableSeq(l.value), line: l.line, failure: 'malformed', reason: `malformed event: ${c.message}` });
        return checked;
      }
      const e = c.event;
      if (hashes[j] !== e.hash) {
        this.fail({ seq: e.seq, line: l.line, failure: 'hash-mismatch', reason: 'hash mismatch: the event was edited after it was written' });
        return checked;
      }
      if (this.prevHash === null) {
        this.firstSeq = e.seq;
        this.fromGenesis = e.prev === GENESIS;
      } else if (e.prev !== this.prevHash && e.seq === this.prevSeq + 1) {
        this.fail({
          seq: e.seq,
          line: l.line,
          failure: 'prev-mismatch',
          reason: `prev mismatch: "prev" is not the hash of seq ${this.prevSeq} on the line before; an event was deleted, reordered or inserted before this one, or the chain was rebuilt`,
        });
        return checked;
      } else if (e.seq <= this.prevSeq) {
        this.fail({ seq: e.seq, line: l.line, failure: 'seq-not-increasing', reason: `seq not increasing: ${e.seq} follows ${this.prevSeq}` });
        return checked;
      } else if (e.prev !== this.prevHash) {
        this.gapBreak ??= { line: l.line, seq: e.seq, prevSeq: this.prevSeq };
      }
      this.prevHash = e.hash;
      this.prevSeq = e.seq;
      this.digest.add(e.hash);
      if (e.installId !== undefined) this.installIds.set(e.installId, this.installIds.get(e.installId) ?? l.line);
      if (e.type === 'log.key' && e.publicKey !== undefined) this.logKeys.push({ installId: e.installId, publicKey: e.publicKey, line: l.line, seq: e.seq });
    }
    return checked;
  }

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
      const c = checkEventRecord(v);
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
