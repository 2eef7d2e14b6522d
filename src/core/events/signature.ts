/**
 * The signed export trailer (README, "Signed exports"): the last line of every NDJSON
 * export, not an event (no `seq`, no `hash`):
 *
 *   {"type":"log.signature","installId","publicKey","count","firstSeq","lastSeq",
 *    "digest","exportedAt","filtered","signature"}
 *
 *   digest    = lower-case hex SHA-256 of the exported events' `hash` values joined by "\n"
 *               (the empty string for an export of no events)
 *   signature = base64 of ECDSA P-256 with SHA-256 over the UTF-8 bytes of
 *               canonical(trailer without `signature`), in the IEEE P1363 encoding
 *               (r || s, 64 bytes) that WebCrypto produces — not DER. In Node:
 *               crypto.verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig).
 *   publicKey = the install's public key, SPKI DER, base64 (as in its `log.key` event).
 *
 * Pure WebCrypto (`globalThis.crypto.subtle`): runs in the extension and in Node ≥ 20.
 */
import { canonicalJson } from './canonical.ts';
import { sha256Hex } from './chain.ts';
import { formatNdjsonChunk, inSeqOrder } from './ndjson.ts';
import type { EventRecord } from './types.ts';

import { SIGNATURE_TYPE } from './types.ts';

export { SIGNATURE_TYPE };

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface SignatureTrailer {
  type: typeof SIGNATURE_TYPE;
  installId: string;
  publicKey: string;
  count: number;
  /** null when the export holds no event. */
  firstSeq: number | null;
  lastSeq: number | null;
  digest: string;
  exportedAt: string;
  /** True when the export is a filtered view (a subset of the log between firstSeq and lastSeq). */
  filtered: boolean;
  signature: string;
}

export type UnsignedTrailer = Omit<SignatureTrailer, 'signature'>;

/** The trailer's fields, in the order they are written. */
export const TRAILER_FIELDS = [
  'type',
  'installId',
  'publicKey',
  'count',
  'firstSeq',
  'lastSeq',
  'digest',
  'exportedAt',
  'filtered',
  'signature',
] as const;

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Strict base64 (standard alphabet, padded); null when `text` is not that. */
export function base64ToBytes(text: string): Uint8Array | null {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return null;
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** An incremental SHA-256 (Node's crypto.createHash): lower-case hex at the end. */
export interface IncrementalSha256 {
  update(text: string): void;
  hex(): string;
}

/**
 * The digest of an export, fed one event hash at a time (in file order). With an
 * incremental SHA-256 (the command line passes Node's) memory stays flat; without one
 * (WebCrypto has none) it keeps the hashes (65 bytes per event) and hashes them once.
 */
export class ExportDigest {
  private parts: string[] = [];
  private n = 0;
  constructor(private readonly incremental?: IncrementalSha256) {}
  add(hash: string): void {
    if (this.incremental) this.incremental.update(this.n === 0 ? hash : '\n' + hash);
    else this.parts.push(hash);
    this.n++;
  }
  /** Several hashes at once: `joined` is `count` hashes joined by "\n". */
  addJoined(joined: string, count: number): void {
    if (count === 0) return;
    if (this.incremental) {
      // Two updates, not "\n" + joined: that would copy the whole part into a new string.
      if (this.n > 0) this.incremental.update('\n');
      this.incremental.update(joined);
    }
    else this.parts.push(joined);
    this.n += count;
  }
  get count(): number {
    return this.n;
  }
  finish(): Promise<string> {
    return this.incremental ? Promise.resolve(this.incremental.hex()) : sha256Hex(this.parts.join('\n'));
  }
}

/** A new signing key pair: the private key cannot be exported (WebCrypto `extractable: false`). */
export function generateSigningKey(): Promise<CryptoKeyPair> {
  return globalThis.crypto.subtle.generateKey(ECDSA, false, ['sign', 'verify']);
}

/** SPKI DER of a public key, base64 (public keys stay exportable even in a non-extractable pair). */
export async function exportPublicKey(key: CryptoKey): Promise<string> {
  return bytesToBase64(new Uint8Array(await globalThis.crypto.subtle.exportKey('spki', key)));
}

/** The exact bytes that are signed: canonical JSON of the trailer without `signature`. */
export function signedBytes(trailer: UnsignedTrailer | SignatureTrailer): Uint8Array {
  const { signature: _ignored, ...rest } = trailer as SignatureTrailer;
  return new TextEncoder().encode(canonicalJson(rest));
}

/** The order of P-256's group, n, and n / 2: an ECDSA signature (r, s) is valid as (r, n − s) too. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_HALF_N = P256_N >> 1n;

function bigOf(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}
function bytesOf(v: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/**
 * Whether a P1363 signature (r || s, 64 bytes) has s ≤ n/2. ECDSA signatures are malleable:
 * anyone can turn (r, s) into (r, n − s), which verifies too, so one export could carry two
 * different valid signature lines. Exports are signed low-S (lowS) and verified only so.
 */
export function isLowS(sig: Uint8Array): boolean {
  if (sig.length !== 64) return false;
  const s = bigOf(sig.subarray(32));
  return s >= 1n && s <= P256_HALF_N;
}

/** The low-S form of a P1363 signature (WebCrypto may produce either). */
export function lowS(sig: Uint8Array): Uint8Array {
  if (sig.length !== 64 || isLowS(sig)) return sig;
  const out = new Uint8Array(64);
  out.set(sig.subarray(0, 32));
  out.set(bytesOf(P256_N - bigOf(sig.subarray(32)), 32), 32);
  return out;
}

export async function signTrailer(unsigned: UnsignedTrailer, privateKey: CryptoKey): Promise<SignatureTrailer> {
  const sig = await globalThis.crypto.subtle.sign(ECDSA_SHA256, privateKey, signedBytes(unsigned) as BufferSource);
  return { ...unsigned, signature: bytesToBase64(lowS(new Uint8Array(sig))) };
}

/** The trailer as its NDJSON line (no newline), fields in TRAILER_FIELDS order. */
export function formatTrailer(t: SignatureTrailer): string {
  const o: Record<string, unknown> = {};
  for (const k of TRAILER_FIELDS) o[k] = t[k];
  return JSON.stringify(o);
}

/**
 * Build and sign the trailer for events already exported (their hashes fed to
 * `digest` in order).
 */
export async function makeTrailer(options: {
  digest: ExportDigest;
  firstSeq: number | null;
  lastSeq: number | null;
  installId: string;
  publicKey: string;
  privateKey: CryptoKey;
  filtered: boolean;
  exportedAt: string;
}): Promise<SignatureTrailer> {
  return signTrailer(
    {
      type: SIGNATURE_TYPE,
      installId: options.installId,
      publicKey: options.publicKey,
      count: options.digest.count,
      firstSeq: options.firstSeq,
      lastSeq: options.lastSeq,
      digest: await options.digest.finish(),
      exportedAt: options.exportedAt,
      filtered: options.filtered,
    },
    options.privateKey,
  );
}

/** Check a signature over the trailer with the SPKI key it names; false for any malformed key or signature. */
export async function checkTrailerSignature(t: SignatureTrailer): Promise<boolean> {
  const spki = base64ToBytes(t.publicKey);
  const sig = base64ToBytes(t.signature);
  if (!spki || !sig) return false;
  // A high-S signature is the malleable twin of a valid one: refused (see isLowS).
  if (!isLowS(sig)) return false;
  try {
    const key = await globalThis.crypto.subtle.importKey('spki', spki as BufferSource, ECDSA, false, ['verify']);
    return await globalThis.crypto.subtle.verify(ECDSA_SHA256, key, sig as BufferSource, signedBytes(t) as BufferSource);
  } catch {
    return false;
  }
}

/** What signs an export: the install's id and key pair (the private key stays non-extractable). */
export interface ExportSigner {
  installId: string;
  /** SPKI base64 of the public key. */
  publicKey: string;
  privateKey: CryptoKey;
}

/**
 * A whole signed NDJSON export of events held in memory (seq order), ending with its
 * trailer line. The store streams the same thing in chunks (src/browser/events/export.ts).
 */
export async function formatSignedNdjson(
  events: readonly EventRecord[],
  signer: ExportSigner,
  options: { filtered: boolean; exportedAt?: string },
): Promise<string> {
  const ordered = inSeqOrder(events);
  const digest = new ExportDigest();
  for (const e of ordered) digest.add(e.hash);
  const trailer = await makeTrailer({
    digest,
    firstSeq: ordered[0]?.seq ?? null,
    lastSeq: ordered.at(-1)?.seq ?? null,
    ...signer,
    filtered: options.filtered,
    exportedAt: options.exportedAt ?? new Date().toISOString(),
  });
  return formatNdjsonChunk(ordered) + formatTrailer(trailer) + '\n';
}
