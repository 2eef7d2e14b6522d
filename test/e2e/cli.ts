/** Running the real `telehealth-guard` command from browser tests. */
import { spawnSync } from 'node:child_process';

export function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/telehealth-guard.mjs', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
