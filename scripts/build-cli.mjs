/**
 * Compiles the command line (src/cli) into one JavaScript file, so `telehealth-guard` starts
 * in a fraction of the time tsx needs to compile the TypeScript at every call.
 * Run by `npm install` (postinstall) and by bin/telehealth-guard.mjs itself when a source
 * file changed since: a clone never runs stale code. Writes .output/cli/ (not in git).
 */
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_OUT_DIR = join(root, '.output', 'cli');
export const CLI_BUNDLE = join(CLI_OUT_DIR, 'telehealth-guard.mjs');
/** The worker threads of `logs verify`/`logs report` (src/cli/logs/check-worker.ts), bundled on their own to start fast. */
export const CLI_WORKER = join(CLI_OUT_DIR, 'check-worker.mjs');
/** The source files the bundle was made from, for bin/telehealth-guard.mjs's freshness check. */
export const CLI_INPUTS = join(CLI_OUT_DIR, 'inputs.json');

export async function buildCli() {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: { 'telehealth-guard': 'src/cli/main.ts', 'check-worker': 'src/cli/logs/check-worker.ts' },
    outdir: CLI_OUT_DIR,
    outExtension: { '.js': '.mjs' },
    // Each command in chunks of its own, loaded when it runs (src/cli/main.ts, `lazy`): a
    // command starts without compiling the others' code (zod alone is 0.7 MB).
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    legalComments: 'none',
    // CommonJS packages in the bundle (crx3) require() Node's built-ins; an ES module has no require.
    banner: { js: "import { createRequire as __cliRequire } from 'node:module'; const require = __cliRequire(import.meta.url);" },
    logLevel: 'error',
  });
  await mkdir(CLI_OUT_DIR, { recursive: true });
  // Written under a temporary name, then renamed: processes building at the same time
  // (parallel tests) never see half a file.
  const tmp = `.${process.pid}.tmp`;
  const contents = (path) => result.outputFiles.find((f) => f.path === path).contents;
  // Chunks first (their names carry a hash of their content, so a running command line never
  // sees one change), then the entries that load them.
  await mkdir(join(CLI_OUT_DIR, 'chunks'), { recursive: true });
  for (const f of result.outputFiles) {
    if (f.path === CLI_BUNDLE || f.path === CLI_WORKER) continue;
    await writeFile(f.path + tmp, f.contents);
    await rename(f.path + tmp, f.path);
  }
  await writeFile(CLI_BUNDLE + tmp, contents(CLI_BUNDLE));
  await writeFile(CLI_WORKER + tmp, contents(CLI_WORKER));
  const inputs = Object.keys(result.metafile.inputs).map((p) => relative(root, resolve(root, p)));
  await writeFile(CLI_INPUTS + tmp, JSON.stringify({ inputs }));
  // The worker first: a command line that starts workers finds the matching one.
  await rename(CLI_WORKER + tmp, CLI_WORKER);
  await rename(CLI_BUNDLE + tmp, CLI_BUNDLE);
  await rename(CLI_INPUTS + tmp, CLI_INPUTS);
}

/**
 * Puts `telehealth-guard` in node_modules/.bin, where `npx telehealth-guard` finds it and
 * runs it directly. (With a `bin` entry in package.json instead, npm 11 first installs this
 * very project into its npx cache at every call: about 1 s before the command starts.)
 */
export async function linkCli() {
  const binDir = join(root, 'node_modules', '.bin');
  await mkdir(binDir, { recursive: true });
  const link = join(binDir, 'telehealth-guard');
  await rm(link, { force: true });
  if (process.platform === 'win32') {
    // What npm writes for a package's bin on Windows: a .cmd for cmd.exe and npx, a sh script for Git Bash.
    await writeFile(`${link}.cmd`, '@node "%~dp0\\..\\..\\bin\\telehealth-guard.mjs" %*\r\n');
    await writeFile(link, '#!/bin/sh\nexec node "$(dirname "$0")/../../bin/telehealth-guard.mjs" "$@"\n');
  } else {
    await symlink('../../bin/telehealth-guard.mjs', link);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t = performance.now();
  await buildCli();
  if (process.argv.includes('--link')) await linkCli();
  console.log(`telehealth-guard command line compiled to ${relative(root, CLI_BUNDLE)} in ${Math.round(performance.now() - t)} ms`);
}
