/**
 * A .reg (REGEDIT5) reader for what `deploy --target windows-reg` may emit, written apart from
 * the writer: REG_SZ, dword, hex(1), key deletion (`[-key]`) and value deletion (`"name"=-`).
 * `parseReg` imports a file into an empty registry; `importReg` into one that already holds
 * the organisation's values, as `reg import` does on a managed machine.
 */
import { expect } from 'vitest';

export type RegValue = { type: 'sz'; data: string } | { type: 'dword'; data: number };
export type Registry = Map<string, Map<string, RegValue>>;
export interface RegFile {
  keys: Registry;
  /** Keys the file deletes, in order. */
  deleted: string[];
  /** Values the file deletes, as `key` → names. */
  deletedValues: Map<string, Set<string>>;
}

export function parseReg(text: string): RegFile {
  return importReg(text, new Map());
}

/** Apply a .reg file to `registry` (changed in place, and returned as `keys`). */
export function importReg(text: string, registry: Registry): RegFile {
  expect(text.startsWith('Windows Registry Editor Version 5.00\r\n')).toBe(true);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // CRLF only
  const physical = text.split('\r\n').slice(1);
  const lines: string[] = [];
  for (let i = 0; i < physical.length; i++) {
    let line = physical[i]!;
    while (line.endsWith('\\') && /=hex/.test(line)) line = line.slice(0, -1) + physical[++i]!.trimStart();
    lines.push(line);
  }
  const keys = registry;
  const deleted: string[] = [];
  const deletedValues = new Map<string, Set<string>>();
  let current: Map<string, RegValue> | undefined;
  let currentKey = '';
  for (const line of lines) {
    if (line === '' || line.startsWith(';')) continue;
    let m = /^\[-(.+)\]$/.exec(line);
    if (m) {
      deleted.push(m[1]!);
      for (const k of [...keys.keys()]) if (k === m[1] || k.startsWith(m[1] + '\\')) keys.delete(k);
      current = undefined;
      continue;
    }
    m = /^\[(.+)\]$/.exec(line);
    if (m) {
      if (!keys.has(m[1]!)) keys.set(m[1]!, new Map());
      current = keys.get(m[1]!);
      currentKey = m[1]!;
      continue;
    }
    expect(current, `value outside a key: ${line}`).toBeDefined();
    const [name, afterName] = readQuoted(line, 0);
    expect(line[afterName]).toBe('=');
    const rest = line.slice(afterName + 1);
    if (rest === '-') {
      current!.delete(name);
      if (!deletedValues.has(currentKey)) deletedValues.set(currentKey, new Set());
      deletedValues.get(currentKey)!.add(name);
    } else if (rest.startsWith('"')) {
      const [data, end] = readQuoted(rest, 0);
      expect(end).toBe(rest.length);
      current!.set(name, { type: 'sz', data });
    } else if ((m = /^dword:([0-9a-f]{8})$/.exec(rest))) {
      current!.set(name, { type: 'dword', data: parseInt(m[1]!, 16) | 0 });
    } else if ((m = /^hex\(1\):((?:[0-9a-f]{2},)*[0-9a-f]{2})$/.exec(rest))) {
      const bytes = Buffer.from(m[1]!.split(',').map((h) => parseInt(h, 16)));
      const s = bytes.toString('utf16le');
      expect(s.endsWith('\0')).toBe(true);
      current!.set(name, { type: 'sz', data: s.slice(0, -1) });
    } else {
      throw new Error(`unexpected .reg value: ${line}`);
    }
  }
  return { keys, deleted, deletedValues };
}

function readQuoted(s: string, at: number): [string, number] {
  expect(s[at]).toBe('"');
  let out = '';
  for (let i = at + 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const next = s[++i];
      expect(['\\', '"']).toContain(next);
      out += next;
    } else if (c === '"') return [out, i + 1];
    else out += c;
  }
  throw new Error(`unterminated string in ${s}`);
}

/**
 * A list policy as Chrome's registry loader reads it (components/policy/core/common/
 * registry_dict.cc): the subkey of its name, every value whose name is a number, strings only
 * here; absent when there is no subkey.
 */
export function regList(registry: Registry, root: string, name: string): string[] | undefined {
  const key = registry.get(`${root}\\${name}`);
  if (!key) return undefined;
  return [...key]
    .filter(([n]) => /^\d+$/.test(n))
    .map(([n, v]) => {
      expect(v.type, `${name}\\${n}`).toBe('sz');
      return v.data as string;
    })
    .sort();
}
