/**
 * One NDJSON line read strictly. JSON.parse keeps the LAST of two equal keys, and other
 * readers the first: `{"reason":"FAKE…","reason":"<real>"}` would verify (the hash is over
 * the parsed value) while a person, grep or a SIEM reads the fake. So a line whose text
 * holds more keys than its parsed value is refused, as `validate` refuses a policy's
 * duplicates (core/policy/json.ts, which also names the key).
 *
 * The check costs one pass over the line's quotes: a string's closing quote followed by `:`
 * ends a key, so counting those and comparing with the keys JSON.parse kept finds any
 * duplicate without a second parser on the common path.
 */
import { parseJson } from '../policy/json.ts';

/** Longest line read, in UTF-8 bytes (docs/audit-trail.md, "Limits"): an event is under 2 KB. */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Keys as written in the text: every closing `"` (an unescaped one inside a string) followed
 * by `:`. Called only on text JSON.parse accepted, so strings and structure are well-formed.
 */
function keysWritten(text: string): number {
  let n = 0;
  let open = false;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) {
    if (!open) {
      open = true;
      continue;
    }
    let slashes = 0;
    for (let k = i - 1; text.charCodeAt(k) === 92; k--) slashes++;
    if (slashes % 2 === 1) continue; // \" inside the string
    open = false;
    let j = i + 1;
    for (let c = text.charCodeAt(j); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++j));
    if (text.charCodeAt(j) === 58) n++;
  }
  return n;
}

/** Keys JSON.parse kept, at every level. */
function keysKept(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  let n = 0;
  if (Array.isArray(v)) {
    for (const x of v) if (typeof x === 'object' && x !== null) n += keysKept(x);
    return n;
  }
  for (const k in v) {
    n++;
    const x = (v as Record<string, unknown>)[k];
    if (typeof x === 'object' && x !== null) n += keysKept(x);
  }
  return n;
}

/** The line's value, or why it is refused (not JSON, or a key written twice). */
export function parseJsonLine(text: string): { value: unknown } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (typeof value === 'object' && value !== null && keysWritten(text) !== keysKept(value)) {
    const r = parseJson(text);
    const d = r.ok ? r.duplicates[0] : undefined;
    const where = d && d.path.includes('.') ? ` at ${d.path}` : '';
    return { error: d ? `${d.message}${where}: readers disagree on which value counts` : 'a key is written twice: readers disagree on which value counts' };
  }
  return { value };
}
