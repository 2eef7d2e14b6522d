/**
 * Heap kept by one compiled policy, measured in a fresh process (run by bench/heap.ts with
 * --expose-gc): build the policy, collect, compile `copies` times keeping each, collect
 * again; the growth divided by the copies. A fresh process keeps other benchmarks'
 * garbage and code out of the figure.
 */
import { compilePolicy } from '../src/core/classify.ts';
import { policySchema } from '../src/core/policy/schema.ts';
import { ghosteryEngine, mapWalkClassifier } from './baselines.ts';
import { makeRules } from './classify.ts';
import { rng } from './util.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const heap = () => {
  for (let i = 0; i < 4; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers; // typed arrays (our table, Ghostery's filters) live outside the JS heap
};
const [variant, n, copiesArg] = process.argv.slice(2);
const copies = Number(copiesArg ?? 5);
// Through JSON, as a policy arrives (flat strings, not the generator's concatenations).
const policyOf = (count: number, seed: number) => JSON.parse(JSON.stringify({ ...policySchema.parse({ schemaVersion: 1 }), rules: makeRules(count, rng(seed)) })) as ReturnType<typeof policySchema.parse>;
const build: Record<string, (p: ReturnType<typeof policyOf>) => unknown> = {
  classify: (p) => compilePolicy(p),
  // The Map walk and Ghostery are built from a compiled policy; only what they add is theirs.
  mapWalk: (p) => mapWalkClassifier(compilePolicy(p)),
  ghostery: (p) => ghosteryEngine(compilePolicy(p)),
};
const make = build[variant!];
if (!make) throw new Error(`unknown variant ${variant}`);
make(policyOf(50, 1)); // code warmed on a small policy, so only data is counted
const policies = Array.from({ length: copies }, (_, i) => policyOf(Number(n), 42 + i));
const before = heap();
const t = performance.now();
const kept = policies.map((p) => make(p));
const ms = (performance.now() - t) / copies;
const after = heap();
console.log(JSON.stringify({ variant, rules: Number(n), heapMB: (after - before) / copies / 1e6, compileMs: ms, kept: kept.length }));
