/**
 * Storage keys have one definition each, with their type (src/browser/storage-items.ts). A raw
 * `browser.storage.local/session.get|set|remove` elsewhere is a second spelling of a key and a
 * cast; this holds the code to the items. The files still listed in STILL_RAW are the guard's
 * start-up and navigation code, moved with the seams work (issue 23 notes them), and
 * navigation-watch.ts, which keeps one key per navigation (a key made at run time).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const STILL_RAW = new Set(['src/browser/engine.ts', 'src/browser/handlers.ts', 'src/browser/allowances.ts', 'src/browser/navigation-watch.ts']);
const RAW = /\bstorage\.(local|session)\.(get|set|remove)\(/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('storage items', () => {
  const code = [...files('src'), ...files('entrypoints')];

  it('no raw storage key outside storage-items.ts', () => {
    const raw = code.filter((f) => !STILL_RAW.has(f) && RAW.test(readFileSync(f, 'utf8')));
    expect(raw).toEqual([]);
  });

  it('each key is defined once', () => {
    const keys = [...readFileSync('src/browser/storage-items.ts', 'utf8').matchAll(/defineItem<[^(]*\('((?:local|session):[^']+)'/g)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('the files still to move are still raw (the list shrinks as they move)', () => {
    for (const f of STILL_RAW) expect(RAW.test(readFileSync(f, 'utf8')), f).toBe(true);
  });
});
