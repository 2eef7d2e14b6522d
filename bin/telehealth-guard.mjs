#!/usr/bin/env node
// The command line runs the same TypeScript core as the extension, compiled into one file
// (.output/cli/, by scripts/build-cli.mjs at `npm install`): about 0.1 s to start instead of
// the 1 s or more tsx needs to compile the sources at every call. When any source file is
// newer than that file (an edit, a `git pull`), it is recompiled first (about 0.2 s, once),
// so the command never runs stale code; without esbuild, tsx runs the sources directly.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}.output/cli/telehealth-guard.mjs`;

function bundleIsFresh() {
  try {
    const builtAt = statSync(bundle).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(`${root}.output/cli/inputs.json`, 'utf8'));
    return inputs.every((p) => statSync(root + p).mtimeMs <= builtAt);
  } catch {
    return false; // not built yet, or a source file was removed
  }
}

async function loadCli() {
  if (bundleIsFresh()) return import(bundle);
  try {
    const { buildCli } = await import('../scripts/build-cli.mjs');
    await buildCli();
    return import(bundle);
  } catch {
    const { register } = await import('tsx/esm/api');
    register();
    return import('../src/cli/main.ts');
  }
}

try {
  const { runCli } = await loadCli();
  process.exitCode = await runCli(process.argv.slice(2));
} catch (e) {
  // Commands catch their own failures; this is the last line of defence (a broken
  // install, a failure while loading). One line, never a stack trace, no raw control
  // characters.
  const message = String(e instanceof Error ? e.message : e).split('\n')[0].replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  process.stderr.write(`telehealth-guard: failed unexpectedly: ${message}\n`);
  process.exitCode = 1;
}
