/**
 * Canonical JSON for hashing (docs/event-log.md, "Tamper evidence"): object keys sorted by
 * UTF-16 code unit at every level, no whitespace, arrays in their order. Strings and
 * numbers are encoded exactly as JSON.stringify encodes them.
 *
 * Object properties whose value is `undefined` are left out (as JSON.stringify does),
 * so a record hashes the same before and after an NDJSON round trip. Values JSON
 * cannot represent faithfully (non-finite numbers, bigint, functions, symbols,
 * `undefined` inside arrays) throw rather than hash something ambiguous.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

/** Compare by UTF-16 code unit (what `<` on strings does; not localeCompare). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function write(value: unknown, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      out.push(JSON.stringify(value));
      return;
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          const item: unknown = value[i];
          if (item === undefined) throw new TypeError('canonicalJson: undefined in array');
          write(item, out);
        }
        out.push(']');
        return;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort(compareCodeUnits);
      out.push('{');
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined) continue;
        if (!first) out.push(',');
        first = false;
        out.push(JSON.stringify(k), ':');
        write(v, out);
      }
      out.push('}');
      return;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode ${typeof value}`);
  }
}
