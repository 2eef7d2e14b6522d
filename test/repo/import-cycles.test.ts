/**
 * No import circles in the extension and the core (issue 18, item 9): a circle makes the order
 * modules start in depend on which is imported first (engine.ts, recorder.ts and incognito.ts
 * once formed one). Type-only imports are left out: they vanish from the build.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Every circle of value imports among `files`, each as "a -> b -> a". */
export function importCycles(files: string[]): string[] {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const deps = [...text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'(\.[^']+)'/gms)].map((m) => resolve(dirname(f), m[1]!));
    graph.set(f, deps.filter((d) => known.has(d)));
  }
  const cycles = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const done = new Set<string>();
  const visit = (n: string) => {
    stack.push(n);
    onStack.add(n);
    for (const m of graph.get(n) ?? []) {
      if (onStack.has(m)) cycles.add([...stack.slice(stack.indexOf(m)), m].map((p) => relative(ROOT, p)).join(' -> '));
      else if (!done.has(m)) visit(m);
    }
    stack.pop();
    onStack.delete(n);
    done.add(n);
  };
  for (const f of files) if (!done.has(f)) visit(f);
  return [...cycles];
}

it('src/ and entrypoints/ import no module that imports them back', () => {
  expect(importCycles([...walk(join(ROOT, 'src')), ...walk(join(ROOT, 'entrypoints'))])).toEqual([]);
});
