/**
 * Comments send a reader to the docs for the why: `docs/fleet.md, "Coverage"`, `README,
 * "Side doors"`. A citation of a file or heading that no longer exists costs a newcomer time
 * (issue 23 found several), so every one in the code is held to the docs as they are: the file
 * exists, and a quoted heading is one of its headings (or the start of one, for "Coverage" →
 * "Coverage: silent installs…"). The docs have two kinds of heading: `#` lines (a number
 * such as "2. " in front is not part of the name) and a paragraph's bold run-in title,
 * `**Side doors.** An extension…`.
 *
 * What counts as a citation: `README`, `README.md` or `docs/<name>.md`, then optionally `,` and
 * a double-quoted text, in any source file of the code (comments wrap, so a citation may run
 * over a line break and the comment's `*` or `//`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CODE_DIRS = ['src', 'entrypoints', 'scripts', 'bench', 'bin', 'test'];
const CODE = /\.(ts|tsx|mjs|js)$/;

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    return statSync(path).isDirectory() ? files(path) : CODE.test(name) ? [path] : [];
  });
}

/** A heading as compared: no `#`, no backticks or emphasis, spaces squeezed, lower case. */
const norm = (s: string): string => s.replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();

const headings = new Map<string, string[]>();
function headingsOf(doc: string): string[] {
  let list = headings.get(doc);
  if (list === undefined) {
    list = [];
    let fence = false;
    for (const line of readFileSync(doc, 'utf8').split('\n')) {
      if (/^\s*(```|~~~)/.test(line)) fence = !fence;
      if (fence) continue;
      const m = /^#{1,6}\s+(?:\d+\.\s+)?(.*?)\s*#*\s*$/.exec(line) ?? /^\*\*([^*]+?)\.?\*\*/.exec(line);
      if (m) list.push(norm(m[1]!));
    }
    headings.set(doc, list);
  }
  return list;
}

interface Citation {
  where: string;
  doc: string;
  heading: string | null;
}

/** Comment continuations folded away, so `docs/x.md,\n *   "Heading"` reads as one citation. */
const fold = (text: string): string => text.replace(/\n[ \t]*(?:\*(?!\/)|\/\/)?[ \t]*/g, ' ');
const CITATION = /\b(README(?:\.md)?|docs\/[a-z0-9-]+\.md)\b(?:,?[ ]?"([^"\n]{1,120})")?/g;

function citations(): Citation[] {
  const found: Citation[] = [];
  for (const file of CODE_DIRS.flatMap(files)) {
    if (file.endsWith('doc-citations.test.ts')) continue;
    const text = fold(readFileSync(file, 'utf8'));
    for (const m of text.matchAll(CITATION)) {
      const doc = m[1]!.startsWith('README') ? 'README.md' : m[1]!;
      found.push({ where: file, doc, heading: m[2] ?? null });
    }
  }
  return found;
}

describe('docs cited in code', () => {
  const all = citations();

  it('finds the citations (the scan works)', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(all.filter((c) => c.heading !== null).length).toBeGreaterThan(40);
  });

  it('every cited file exists', () => {
    const missing = all.filter((c) => !existsSync(c.doc)).map((c) => `${c.where}: ${c.doc}`);
    expect([...new Set(missing)]).toEqual([]);
  });

  it('every quoted heading is a heading of that file', () => {
    const missing = all
      .filter((c) => c.heading !== null && existsSync(c.doc))
      .filter((c) => {
        const want = norm(c.heading!);
        // The whole heading, or its start up to a word boundary ("Signed exports" → "Signed exports and `logs verify`").
        return !headingsOf(c.doc).some((h) => h === want || (h.startsWith(want) && /^[\s:,(—.]/.test(h.slice(want.length))));
      })
      .map((c) => `${c.where}: ${c.doc}, "${c.heading}"`);
    expect([...new Set(missing)]).toEqual([]);
  });
});
