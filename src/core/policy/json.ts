/**
 * Strict JSON checking with positions. JSON.parse reports errors differently in
 * every engine (and Node 20 gives no line numbers), and silently keeps the last of
 * two duplicate keys — for a policy, a duplicate is a setting IT believes is in force
 * but is not. This scanner finds the first syntax error (line and column) and every
 * duplicate key, then JSON.parse builds the value.
 */

export interface JsonProblem {
  line: number;
  column: number;
  message: string;
}

export type JsonResult = { ok: true; value: unknown; duplicates: Array<JsonProblem & { path: string }> } | { ok: false; problem: JsonProblem };

class Scan {
  i = 0;
  duplicates: Array<JsonProblem & { path: string }> = [];
  constructor(readonly text: string) {}

  position(at = this.i): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < at && k < this.text.length; k++) {
      if (this.text.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
    return { line, column: at - lineStart + 1 };
  }

  fail(message: string, at = this.i): never {
    throw Object.assign(new Error(message), { json: { ...this.position(at), message } });
  }

  ws(): void {
    while (this.i < this.text.length) {
      const c = this.text[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else break;
    }
  }

  describe(at = this.i): string {
    if (at >= this.text.length) return 'end of file';
    const c = this.text[at]!;
    return `"${c}"`;
  }

  /** Comments and single quotes are what people bring from JavaScript; say so plainly. */
  explainCommonMistake(): void {
    const c = this.text[this.i];
    if (c === '/') this.fail('comments are not allowed in JSON');
    if (c === "'") this.fail('strings must use double quotes (")');
  }

  value(path: string): void {
    this.ws();
    const c = this.text[this.i];
    if (c === '{') return this.object(path);
    if (c === '[') return this.array(path);
    if (c === '"') return void this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    this.explainCommonMistake();
    this.fail(`expected a value but found ${this.describe()}`);
  }

  object(path: string): void {
    this.i++;
    const seen = new Set<string>();
    this.ws();
    if (this.text[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.text[this.i] !== '"') {
        this.explainCommonMistake();
        this.fail(`expected a property name in double quotes but found ${this.describe()}`);
      }
      const keyAt = this.i;
      const key = this.string();
      const childPath = path ? `${path}.${key}` : key;
      if (seen.has(key)) {
        this.duplicates.push({ ...this.position(keyAt), path: childPath, message: `duplicate key "${key}" (only the last one would count)` });
      }
      seen.add(key);
      this.ws();
      if (this.text[this.i] !== ':') this.fail(`expected ":" after property name but found ${this.describe()}`);
      this.i++;
      this.value(childPath);
      this.ws();
      const c = this.text[this.i];
      if (c === ',') {
        const comma = this.i++;
        this.ws();
        if (this.text[this.i] === '}') this.fail('trailing comma before "}" is not allowed in JSON', comma);
        continue;
      }
      if (c === '}') {
        this.i++;
        return;
      }
      this.fail(`expected "," or "}" after a property value but found ${this.describe()}`);
    }
  }

  array(path: string): void {
    this.i++;
    this.ws();
    if (this.text[this.i] === ']') {
      this.i++;
      return;
    }
    for (let n = 0; ; n++) {
      this.value(`${path}[${n}]`);
      this.ws();
      const c = this.text[this.i];
      if (c === ',') {
        const comma = this.i++;
        this.ws();
        if (this.text[this.i] === ']') this.fail('trailing comma before "]" is not allowed in JSON', comma);
        continue;
      }
      if (c === ']') {
        this.i++;
        return;
      }
      this.fail(`expected "," or "]" after an array item but found ${this.describe()}`);
    }
  }

  string(): string {
    const start = this.i;
    this.i++;
    for (;;) {
      if (this.i >= this.text.length) this.fail('unterminated string', start);
      const code = this.text.charCodeAt(this.i);
      if (code === 34 /* " */) {
        this.i++;
        break;
      }
      if (code < 0x20) this.fail('control character (such as a line break) inside a string');
      if (code === 92 /* \ */) {
        const e = this.text[this.i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.i + 2, this.i + 6))) this.fail('invalid \\u escape in string');
          this.i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail('invalid escape in string');
        this.i += 2;
        continue;
      }
      this.i++;
    }
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }

  number(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i, this.i + 400));
    if (!m) this.fail('invalid number');
    this.i += m[0].length;
  }
}

export function parseJson(text: string): JsonResult {
  // A UTF-8 byte-order mark is what Windows editors add; tolerate it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const scan = new Scan(body);
  try {
    scan.ws();
    if (scan.i >= body.length) scan.fail('the file is empty');
    scan.value('');
    scan.ws();
    if (scan.i < body.length) scan.fail(`unexpected ${scan.describe()} after the end of the JSON value`);
  } catch (e) {
    const problem = (e as { json?: JsonProblem }).json;
    if (problem) return { ok: false, problem };
    throw e;
  }
  return { ok: true, value: JSON.parse(body), duplicates: scan.duplicates };
}
