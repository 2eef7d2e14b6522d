#!/usr/bin/env node
/**
 * `npm test`: every stage runs, whatever an earlier one did, and the run fails at the end if
 * any failed (README, "Testing and benchmarks"). Before, the stages were chained with `&&`,
 * so one unit test timing out on a busy machine hid whether the builds and the browser tests
 * passed. The browser tests need both builds: when a build fails they are reported as not
 * run (a failure), never run against an older build.
 *
 *   node scripts/test.mjs                  every stage
 *   node scripts/test.mjs unit e2e         only these (by name), in the usual order
 */
import { spawn } from 'node:child_process';

const STAGES = [
  { name: 'typecheck', script: 'typecheck' },
  { name: 'unit', script: 'test:unit' },
  { name: 'build', script: 'build' },
  { name: 'build:firefox', script: 'build:firefox' },
  { name: 'e2e', script: 'test:e2e', needs: ['build', 'build:firefox'] },
];

const wanted = process.argv.slice(2);
for (const w of wanted) {
  if (!STAGES.some((s) => s.name === w)) {
    console.error(`unknown stage "${w}"; stages: ${STAGES.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs `npm run <script>` with the terminal attached; resolves with its exit code. */
function run(script) {
  return new Promise((resolve) => {
    const child = spawn(npm, ['run', '--silent', script], { stdio: 'inherit' });
    child.on('error', () => resolve(127));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

const results = [];
for (const stage of STAGES) {
  if (wanted.length > 0 && !wanted.includes(stage.name)) continue;
  const failedNeeds = (stage.needs ?? []).filter((n) => results.some((r) => r.name === n && r.code !== 0));
  if (failedNeeds.length > 0) {
    results.push({ name: stage.name, code: -1, seconds: 0, note: `not run: ${failedNeeds.join(' and ')} failed` });
    continue;
  }
  console.log(`\n=== ${stage.name} (npm run ${stage.script}) ===`);
  const start = Date.now();
  const code = await run(stage.script);
  results.push({ name: stage.name, code, seconds: (Date.now() - start) / 1000 });
}

const width = Math.max(...results.map((r) => r.name.length));
console.log('\n=== npm test ===');
for (const r of results) {
  const verdict = r.code === 0 ? 'passed' : r.code === -1 ? 'FAILED' : `FAILED (exit ${r.code})`;
  console.log(`${r.name.padEnd(width)}  ${verdict.padEnd(18)} ${r.note ?? `${r.seconds.toFixed(0)} s`}`);
}
const failed = results.filter((r) => r.code !== 0);
console.log(failed.length === 0 ? 'All stages passed.' : `${failed.length} of ${results.length} stages failed: ${failed.map((r) => r.name).join(', ')}.`);
process.exit(failed.length === 0 ? 0 : 1);
