/**
 * A worker thread of `logs verify` / `logs report` (checkers.ts): it checks regions of lines
 * (check-lines.ts: JSON.parse, duplicate keys, the schema, each event's own hash) and sends
 * each batch back in columns, with the region's bytes. Bundled on its own (scripts/build-cli.mjs) so that it starts
 * without loading the rest of the command line.
 */
import { parentPort } from 'node:worker_threads';
import { checkRawLines } from '../../core/events/check-lines.ts';
import { regionLinesOf, sha256Hex, type CheckJob } from './region.ts';

parentPort!.on('message', (job: CheckJob) => {
  const lines = job.lines ?? regionLinesOf(job.bytes!, job.count);
  void checkRawLines(lines, job.firstLine, { sha256Hex, events: job.events }).then(
    // The bytes go back too (transferred: this thread owns them), for a caller that reads the lines itself (logs report).
    (batch) => (job.bytes ? parentPort!.postMessage({ id: job.id, batch, bytes: job.bytes }, [job.bytes.buffer as ArrayBuffer]) : parentPort!.postMessage({ id: job.id, batch })),
    (err: unknown) => parentPort!.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
