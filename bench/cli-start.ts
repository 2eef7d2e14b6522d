/**
 * Start-up of the command line: one URL classified by a new process, as IT scripts call it.
 * The compiled command (bin/telehealth-guard.mjs → .output/cli/) against the start-up it
 * replaced (tsx compiling src/cli at every call), and through `npx` as the README shows it.
 */
import { spawnSync } from 'node:child_process';
import { median } from './util.ts';

const URL_ARG = 'https://web.whatsapp.com/';
const TSX_START = `import { register } from 'tsx/esm/api'; register();
const { runCli } = await import('./src/cli/main.ts'); process.exitCode = await runCli(process.argv.slice(1));`;

function timeRuns(rounds: number, cmd: string, args: string[]): number {
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    ms.push(performance.now() - t);
    if (r.status !== 0 || !r.stdout.includes('web.whatsapp.com')) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  }
  return median(ms);
}

export function benchCliStart(rounds = 5) {
  // One call first, so a stale bundle is rebuilt before anything is timed.
  timeRuns(1, process.execPath, ['bin/telehealth-guard.mjs', 'classify', URL_ARG]);
  return {
    rounds,
    compiledMs: timeRuns(rounds, process.execPath, ['bin/telehealth-guard.mjs', 'classify', URL_ARG]),
    tsxMs: timeRuns(rounds, process.execPath, ['--input-type=module', '-e', TSX_START, 'classify', URL_ARG]),
    npxMs: timeRuns(rounds, 'npx', ['telehealth-guard', 'classify', URL_ARG]),
    nodeOnlyMs: timeRuns(rounds, process.execPath, ['-e', 'console.log("web.whatsapp.com")']),
  };
}
