/** What the main thread and the check workers share: a job, and Node's SHA-256. */
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

/** The `count` lines of a region (without "\n"; a "\r" before it is the checker's to drop). */
export function regionLinesOf(bytes: Uint8Array, count: number): string[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const lines = text.split('\n');
  if (lines.length > count) lines.pop(); // after the last "\n"
  return lines;
}
