/** What the main thread and the check workers share: a job, and Node's SHA-256. */
import { isAscii } from 'node:buffer';
import crypto from 'node:crypto';

/** Lines to check: raw bytes of `count` complete lines, or the lines as text. */
export interface CheckJob {
  id: number;
  firstLine: number;
  bytes?: Uint8Array;
  count: number;
  lines?: string[];
  /** Also return the parsed events (logs report). */
  events: boolean;
}

/**
 * Node's synchronous SHA-256: the same hash as WebCrypto's, without a promise per event;
 * the one-shot crypto.hash (Node ≥ 20.12) where there is one, half the cost of a Hash object.
 */
export const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * Bytes read from a file as text (UTF-8). An all-ASCII region (every export the extension
 * writes is, unless a reason or note holds other characters unescaped) is decoded as
 * latin1, which gives the same string for bytes below 0x80: Node 20's UTF-8 decoder reads
 * about 0.2 GB/s here, the ASCII check plus latin1 over 2 GB/s — the decoding was a tenth
 * of `logs verify`'s time and a sixth of `logs report`'s.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return b.toString(isAscii(b) ? 'latin1' : 'utf8');
}

/**
 * Regions are decoded in pieces of at most this many bytes (ending at a line end), each an
 * ordinary string in V8's young generation. Decoded whole (1 MiB), a region was an
 * "external" string (Node makes strings over about 1 MB malloc'ed outside V8's heap): dead
 * ones wait for V8's external-memory limit (tens of MB), and glibc keeps what each thread
 * freed in its own arena — 64 MB arenas in each worker and a 78 MB heap in the main thread;
 * the 1M-event report peaked at 450 MB. Pieces of hundreds of KB are no better: each is a
 * large object, mapped and faulted in afresh (measured: 70-300 MB/s). At 32 KiB (a piece of
 * UTF-16 still under V8's 128 KB limit for ordinary objects), latin1 decodes at 7-14 GB/s
 * and UTF-8 at 4-6 GB/s here.
 */
export const PIECE_BYTES = 32 * 1024;

/** The lines of a region piece by piece (PIECE_BYTES): each yield holds the next lines, in order. */
export function* regionPieces(bytes: Uint8Array, count: number, piece = PIECE_BYTES): Generator<string[]> {
  if (bytes.byteLength <= piece) {
    const lines = decodeUtf8(bytes).split('\n');
    if (lines.length > count) lines.pop(); // after the last "\n"
    yield lines;
    return;
  }
  let start = 0;
  let seen = 0;
  while (start < bytes.byteLength) {
    let end = start + piece >= bytes.byteLength ? bytes.byteLength : bytes.lastIndexOf(10, start + piece - 1) + 1;
    if (end <= start) end = bytes.indexOf(10, start + piece) + 1 || bytes.byteLength; // one line longer than a piece
    const lines = decodeUtf8(bytes.subarray(start, end)).split('\n');
    // A piece ends after a "\n" (nothing follows it), except the file's last line without one.
    if (end < bytes.byteLength || lines.length + seen > count) lines.pop();
    seen += lines.length;
    yield lines;
    start = end;
  }
}

/** The `count` lines of a region (without "\n"; a "\r" before it is the checker's to drop). */
export function regionLinesOf(bytes: Uint8Array, count: number, piece = PIECE_BYTES): string[] {
  const out: string[] = [];
  for (const lines of regionPieces(bytes, count, piece)) for (const l of lines) out.push(l);
  return out;
}

/**
 * The lines of a region one at a time, asked for in order (line 0, 1, 2 …): only the current
 * piece is decoded and alive, so a caller doing much work per line (logs report adding events
 * up) never keeps a whole region's text long enough to be promoted to the old generation.
 */
export function regionLineAt(bytes: Uint8Array, count: number): (j: number) => string {
  const pieces = regionPieces(bytes, count);
  let lines: string[] = [];
  let first = 0;
  return (j) => {
    while (j >= first + lines.length) {
      first += lines.length;
      const next = pieces.next();
      if (next.done) throw new RangeError(`regionLineAt: line ${j} of ${count}`);
      lines = next.value;
    }
    if (j < first) throw new RangeError('regionLineAt: lines are read in order');
    return lines[j - first]!;
  };
}
