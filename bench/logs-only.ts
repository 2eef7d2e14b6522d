/**
 * `npm run bench:logs`: only the log-tools section of `npm run bench` (bench/logs.ts), for
 * working on `logs verify` / `logs report` without the browser benches. `--json` as there.
 */
import { benchLogTools, logToolsReport } from './logs.ts';
import { loadNow, withLoad } from './util.ts';

console.log(`Machine: ${loadNow().cpus} CPUs, load ${loadNow().load1} (1-min average).`);
const { result, load } = await withLoad(() => benchLogTools());
const r = logToolsReport(result, load);
console.log(r.text);
if (process.argv.includes('--json')) console.log(JSON.stringify({ ...r.json, cpus: loadNow().cpus, load: { start: load.start.load1, end: load.end.load1, underLoad: load.underLoad } }));
