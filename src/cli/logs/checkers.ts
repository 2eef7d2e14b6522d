/**
 * Who checks the lines of an export (check-lines.ts): this thread, or worker threads on the
 * other cores. JSON.parse and SHA-256 of every event are nearly all of `logs verify`'s work
 * and depend on one line alone, so regions of lines go to the workers in turn and come back
 * in file order; the main thread only reads, stitches (chain links across regions, the
 * digest, the signature line) and, for `logs report`, adds the events up.
 *
 * Workers pay only for large inputs (starting one costs a few tens of ms): see `workersFor`.
 * `TELEHEALTH_GUARD_LOG_WORKERS=0` turns them off (`=1`, `=2` … sets how many); the bench
 * compares both (npm run bench, "Log tools").
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkRawLines, completeLazily, type CheckedBatch } from '../../core/events/check-lines.ts';
import { regionLinesOf, sha256Hex, type CheckJob } from './region.ts';

/** A checked region, with its bytes when it was handed over as bytes (back from a worker: transferred, not copied). */
export interface Checked {
  batch: CheckedBatch;
  bytes?: Uint8Array;
}

export interface LineChecker {
  /** Jobs kept in flight (read ahead while the workers check). */
  readonly window: number;
  /** True when checking happens in this thread (then the batch can carry the parsed events for free). */
  readonly here: boolean;
  check(job: Omit<CheckJob, 'id'>): Promise<Checked>;
  close(): Promise<void>;
}

/** In this thread. */
export const inThisThread: LineChecker = {
  window: 1,
  here: true,
  check: async (job) => ({
    batch: await completeLazily(await checkRawLines(job.lines ?? regionLinesOf(job.bytes!, job.count), job.firstLine, { sha256Hex, events: job.events }), { sha256Hex, events: job.events }),
    ...(job.bytes ? { bytes: job.bytes } : {}),
  }),
  close: async () => {},
};

/** Inputs smaller than this are checked in this thread: a worker's start-up would cost more than it saves. */
export const WORKERS_FROM_BYTES = 8 * 1024 * 1024;

/**
 * How many workers to use for an input of `bytes` (null: unknown, e.g. a pipe). With
 * `mainBusy` (logs report, whose main thread parses and adds up every event) one core is
 * left to the main thread: on two cores a second worker only took turns with it. Measured on
 * the 1M-event report: one worker 11.2 s and 258 MB, two 11.5 s and 285 MB (load 1.0-1.5).
 */
export function workersFor(bytes: number | null, mainBusy = false): number {
  const set = process.env.TELEHEALTH_GUARD_LOG_WORKERS;
  if (set !== undefined && set !== '') return Math.max(0, Math.min(16, Number.parseInt(set, 10) || 0));
  if (bytes !== null && bytes < WORKERS_FROM_BYTES) return 0;
  return Math.max(1, Math.min(2, availableParallelism() - (mainBusy ? 1 : 0)));
}

/** The worker's code: the bundled check-worker.mjs beside the bundled command line, or the TypeScript source under tsx. */
function workerUrl(): { url: URL; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return { url: new URL('./check-worker-dev.mjs', here), execArgv: [] };
  // This code is in a chunk (.output/cli/chunks/), the worker's entry beside the command line's.
  return { url: new URL(here.includes('/chunks/') ? '../check-worker.mjs' : './check-worker.mjs', here), execArgv: [] };
}

export class WorkerChecker implements LineChecker {
  readonly window: number;
  readonly here = false;
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (c: Checked) => void; reject: (e: Error) => void }>();
  private next = 0;
  private ids = 0;

  constructor(private readonly count: number) {
    // Two regions per worker in flight: one being checked, one waiting in its queue.
    this.window = count * 2;
  }

  /** Workers start with the first region (an input refused before any line, e.g. a 1 GB line, starts none). */
  private start(): void {
    const { url, execArgv } = workerUrl();
    for (let i = 0; i < this.count; i++) {
      // A young generation of 16 MB: a region's garbage (decoded lines, parsed events, hash inputs)
      // dies there. At 8 MB it was promoted and the worker spent more time collecting than
      // hashing (GC 1,039 ms of a 2.4 s worker profile for 100k events); larger only grows the process.
      const w = new Worker(url, { execArgv, resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 96 } });
      w.on('message', (m: { id: number; batch?: CheckedBatch; bytes?: Uint8Array; error?: string }) => {
        const p = this.waiting.get(m.id);
        if (!p) return;
        this.waiting.delete(m.id);
        // Lines the worker's hand-written check did not accept get the full check here (zod is not loaded there).
        if (m.batch) completeLazily(m.batch, { sha256Hex }).then((batch) => p.resolve({ batch, ...(m.bytes ? { bytes: m.bytes } : {}) }), p.reject);
        else p.reject(new Error(m.error ?? 'worker failed'));
      });
      w.on('error', (e: Error) => {
        for (const p of this.waiting.values()) p.reject(e);
        this.waiting.clear();
      });
      this.workers.push(w);
    }
  }

  check(job: Omit<CheckJob, 'id'>): Promise<Checked> {
    if (this.workers.length === 0) this.start();
    const id = ++this.ids;
    const w = this.workers[this.next++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // A large region that owns its memory (readLineRegions' reads) is handed over, not copied;
      // small ones may share Node's buffer pool and are copied.
      const b = job.bytes;
      const own = b !== undefined && b.byteOffset === 0 && b.byteLength >= 8192;
      w.postMessage({ ...job, id }, own ? [b.buffer as ArrayBuffer] : []);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
