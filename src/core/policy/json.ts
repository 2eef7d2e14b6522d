/**
 * Strict JSON checking with positions. JSON.parse reports errors differently in
 * every engine (and Node 20 gives no line numbers), and silently keeps the last of
 * two duplicate keys — for a policy, a duplicate is a setting IT believes is in force
 * but is not. This scanner finds the first syntax error (line and column) and every
 * duplicate key, then JSON.parse builds the value.
 *
 * It must never be stalled or crashed by its input (README, "Limits"): the whole
 * scan is linear in the text, nesting and size are capped before anything recursive
 * or allocating runs, and a file in the wrong encoding is named as such instead of
 * being reported as a syntax error at a garbage character.
 */

/**
 * The largest policy text accepted, in UTF-8 bytes. The biggest real policy (5,000
 * rules with labels, 200 scan pages, pretty-printed) is about 1 MB; four times that
 * is still read and checked in well under a second.
 */
export const MAX_POLICY_BYTES = 4 * 1024 * 1024;
/**
 * The deepest nesting of objects and arrays accepted. A policy is at most 5 levels
 * deep (meetings.sanctioned.zoom.accounts[0]); Chrome's own JSON reader stops at 200.
 */
export const MAX_JSON_DEPTH = 64;

export interface JsonProblem {
  /** Absent for problems with the file as a whole (size, encoding). */
  line?: number;
  column?: number;
  message: string;
}

export interface JsonDuplicate {
  line: number;
  column: number;
  message: string;
  path: string;
}

/** Duplicate keys described in full; beyond these only the count is kept. */
export const MAX_DUPLICATES_KEPT = 100;

/**
 * A whole number written with a decimal point or an exponent (`30.0`, `1e5`). JSON.parse reads
 * it as 30; Chromium's JSON reader reads it as a fraction and, where the managed schema says
 * "integer", drops it (tried on Chromium 156: `"bypassMinutes": 30.0` and `"maxEvents": 1e5`
 * took their whole objects with them; `"schemaVersion": 1.0` was dropped). `validate` names them.
 */
export interface JsonFractionSpelling {
  line: number;
  column: number;
  path: string;
  text: string;
}

export type JsonResult =
  | { ok: true; value: unknown; duplicates: JsonDuplicate[]; duplicateCount: number; fractionSpellings: JsonFractionSpelling[] }
  | { ok: false; problem: JsonProblem };

const WORDS = ['true', 'false', 'null'] as const;

class Scan {
  i = 0;
  depth = 0;
  duplicates: JsonDuplicate[] = [];
  duplicateCount = 0;
  fractionSpellings: JsonFractionSpelling[] = [];
  // Line counting resumes from the last position asked for: duplicates are found in
  // text order, so counting is linear overall (re-counting from the start for each of
  // 100,000 duplicates took minutes).
  private counted = 0;
  private line = 1;
  private lineStart = 0;
  constructor(readonly text: string) {}

  position(at = this.i): { line: number; column: number } {
    if (at < this.counted) {
      this.counted = 0;
      this.line = 1;
      this.lineStart = 0;
    }
    const end = Math.min(at, this.text.length);
    for (let k = this.counted; k < end; k++) {
      if (this.text.charCodeAt(k) === 10) {
        this.line++;
        this.lineStart = k + 1;
      }
    }
    this.counted = end;
    return { line: this.line, column: at - this.lineStart + 1 };
  }

  fail(message: string, at = this.i): never {
    throw Object.assign(new Error(message), { json: { ...this.position(at), message } });
  }

  ws(): void {
    const t = this.text;
    let i = this.i;
    for (; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    }
    this.i = i;
  }

  describe(at = this.i): string {
    if (at >= this.text.length) return 'end of file';
    const code = this.text.codePointAt(at)!;
    // Never echo a control character (or a stray byte-order mark) raw into a message.
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0xfeff || code === 0xfffd) return `the character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    return `"${String.fromCodePoint(code)}"`;
  }

  /** Comments and single quotes are what people bring from JavaScript; say so plainly. */
  explainCommonMistake(): void {
    const c = this.text[this.i];
    if (c === '/') this.fail('comments are not allowed in JSON');
    if (c === "'") this.fail('strings must use double quotes (")');
  }

  /**
   * Where the scan is, as keys and indices; turned into a `rules[3].match` string only
   * when a duplicate is reported, so a large file does not build a path per value.
   */
  readonly path: Array<string | number> = [];

  value(): void {
    this.ws();
    const c = this.text.charCodeAt(this.i);
    if (c === 123 /* { */ || c === 91 /* [ */) {
      // Checked before recursing: a million '[' must give this message, not a stack overflow.
      if (this.depth >= MAX_JSON_DEPTH) this.fail(`objects and arrays are nested more than ${MAX_JSON_DEPTH} levels deep (the limit; a policy needs at most 5)`);
      this.depth++;
      if (c === 123) this.object();
      else this.array();
      this.depth--;
      return;
    }
    if (c === 34 /* " */) {
      this.skipString();
      return;
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) return this.number();
    for (const word of WORDS) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    this.explainCommonMistake();
    this.fail(`expected a value but found ${this.describe()}`);
  }

  object(): void {
    this.i++;
    const seen = new Set<string>();
    this.ws();
    if (this.text.charCodeAt(this.i) === 125 /* } */) {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.text.charCodeAt(this.i) !== 34) {
        this.explainCommonMistake();
        this.fail(`expected a property name in double quotes but found ${this.describe()}`);
      }
      const keyAt = this.i;
      const key = this.key();
      this.path.push(key);
      if (seen.has(key) && ++this.duplicateCount <= MAX_DUPLICATES_KEPT) {
        this.duplicates.push({ ...this.position(keyAt), path: pathString(this.path), message: `duplicate key "${key}" (only the last one would count)` });
      }
      seen.add(key);
      this.ws();
      if (this.text.charCodeAt(this.i) !== 58 /* : */) this.fail(`expected ":" after property name but found ${this.describe()}`);
      this.i++;
      this.value();
      this.path.pop();
      this.ws();
      const c = this.text.charCodeAt(this.i);
      if (c === 44 /* , */) {
        const comma = this.i++;
        this.ws();
        if (this.text.charCodeAt(this.i) === 125) this.fail('trailing comma before "}" is not allowed in JSON', comma);
        continue;
      }
      if (c === 125) {
        this.i++;
        return;
      }
      this.fail(`expected "," or "}" after a property value but found ${this.describe()}`);
    }
  }

  array(): void {
    this.i++;
    this.ws();
    if (this.text.charCodeAt(this.i) === 93 /* ] */) {
      this.i++;
      return;
    }
    for (let n = 0; ; n++) {
      this.path.push(n);
      this.value();
      this.path.pop();
      this.ws();
      const c = this.text.charCodeAt(this.i);
      if (c === 44 /* , */) {
        const comma = this.i++;
        this.ws();
        if (this.text.charCodeAt(this.i) === 93) this.fail('trailing comma before "]" is not allowed in JSON', comma);
        continue;
      }
      if (c === 93) {
        this.i++;
        return;
      }
      this.fail(`expected "," or "]" after an array item but found ${this.describe()}`);
    }
  }

  /** A property name, decoded. */
  key(): string {
    const start = this.i;
    const escaped = this.skipString();
    // Most keys have no escapes: slice instead of decoding.
    return escaped ? (JSON.parse(this.text.slice(start, this.i)) as string) : this.text.slice(start + 1, this.i - 1);
  }

  /** Past one string, checking it; true when it had escapes. */
  skipString(): boolean {
    const t = this.text;
    const start = this.i;
    let i = this.i + 1;
    let escaped = false;
    for (;;) {
      if (i >= t.length) this.fail('unterminated string', start);
      const code = t.charCodeAt(i);
      if (code === 34 /* " */) {
        i++;
        break;
      }
      if (code < 0x20) {
        this.i = i;
        this.fail('control character (such as a line break) inside a string');
      }
      if (code === 92 /* \ */) {
        escaped = true;
        const e = t[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(i + 2, i + 6))) {
            this.i = i;
            this.fail('invalid \\u escape in string');
          }
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          this.i = i;
          this.fail('invalid escape in string');
        }
        i += 2;
        continue;
      }
      i++;
    }
    this.i = i;
    return escaped;
  }

  number(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i, this.i + 400));
    if (!m) this.fail('invalid number');
    if ((m[2] !== undefined || m[3] !== undefined) && Number.isInteger(Number(m[0])) && this.fractionSpellings.length < MAX_DUPLICATES_KEPT) {
      this.fractionSpellings.push({ ...this.position(), path: pathString(this.path), text: m[0] });
    }
    this.i += m[0].length;
  }
}

export function parseJson(text: string): JsonResult {
  const whole = wholeFileProblem(text);
  if (whole) return { ok: false, problem: { message: whole } };
  // A UTF-8 byte-order mark is what Windows editors add, and Chrome's own policy reader
  // skips it too: accept it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const scan = new Scan(body);
  try {
    scan.ws();
    if (scan.i >= body.length) scan.fail('the file is empty');
    scan.value();
    scan.ws();
    if (scan.i < body.length) scan.fail(`unexpected ${scan.describe()} after the end of the JSON value`);
  } catch (e) {
    const problem = (e as { json?: JsonProblem }).json;
    if (problem) return { ok: false, problem };
    throw e;
  }
  return { ok: true, value: JSON.parse(body), duplicates: scan.duplicates, duplicateCount: scan.duplicateCount, fractionSpellings: scan.fractionSpellings };
}

function pathString(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${key}` : key;
  return out;
}

/** Problems with the file as a whole, checked before scanning: size, then encoding. */
function wholeFileProblem(text: string): string | null {
  if (utf8Length(text, MAX_POLICY_BYTES) > MAX_POLICY_BYTES) return tooLargeMessage();
  return encodingProblem(text);
}

/** The one-line refusal of an oversized policy file; `bytes` when the caller knows the size. */
export function tooLargeMessage(bytes?: number): string {
  const size = bytes === undefined ? 'larger than' : `${formatMB(bytes)} MB, over`;
  return `the file is ${size} the ${formatMB(MAX_POLICY_BYTES)} MB limit for a policy file (${MAX_POLICY_BYTES.toLocaleString('en-US')} bytes); a real policy is well under 1 MB`;
}

const SAVE_AS_UTF8 = 'save it as UTF-8 (Notepad: Save as, Encoding "UTF-8"; PowerShell: Out-File -Encoding utf8)';

/**
 * A policy must be UTF-8 (JSON's own rule, RFC 8259). UTF-16 — what Windows PowerShell's
 * `>` writes — read as UTF-8 starts with two replacement characters (its byte-order
 * mark) or has a NUL beside every ASCII character (no mark).
 */
export function encodingProblem(text: string): string | null {
  const head = text.slice(0, 4);
  if (head.startsWith('\uFFFD\uFFFD') || head.startsWith('\uFFFE') || /^(\0[^\0]|[^\0]\0)/.test(head)) {
    return `the file is encoded as UTF-16, not UTF-8; ${SAVE_AS_UTF8}`;
  }
  if (head.startsWith('\uFFFD')) return `the file is not valid UTF-8 text; ${SAVE_AS_UTF8}`;
  return null;
}

/** UTF-8 length of a string, counting no further than just past `stopAbove`. */
function utf8Length(text: string, stopAbove: number): number {
  // Every UTF-16 code unit is at least one UTF-8 byte: a long string is over at once,
  // and one of at most a third of the limit cannot be over (no exact size needed then).
  if (text.length > stopAbove) return text.length;
  if (text.length * 3 <= stopAbove) return text.length;
  let n = 0;
  for (let i = 0; i < text.length && n <= stopAbove; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function formatMB(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');
}
