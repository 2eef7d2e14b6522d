import { MAX_LINE_BYTES } from '../core/events/json-line.ts';

/**
 * What a command needs from the outside world. The real one is process-backed
 * (main.ts); tests pass a recording one, so every command is tested without spawning.
 */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** UTF-8 text of a file; with `maxBytes`, a larger file is refused (FileTooLargeError) before it is read. */
  readFile(path: string, options?: { maxBytes?: number }): Promise<string>;
  writeFile(path: string, data: string): Promise<void>;
  /**
   * The file's lines (without line ends), streamed in batches from large reads, so a
   * large log is never held whole and nothing is paid per line but the line itself.
   * Optional: without it, commands fall back to readFile.
   */
  readLines?(path: string): AsyncIterable<readonly string[]>;
  /** The same lines as undecoded bytes (for worker threads to decode); optional. */
  readRegions?(path: string): AsyncIterable<{ bytes: Buffer; lines: number }>;
  /** A region's bytes are no longer used (its lines were read): readRegions may fill them again. Optional. */
  releaseRegion?(bytes: Uint8Array): void;
  /**
   * The last line of a regular file (read from its end, at most MAX_LINE_BYTES), or null
   * for anything that cannot be read twice (a pipe) or has none. Optional.
   */
  lastLine?(path: string): Promise<string | null>;
  /** A regular file's size in bytes, or null (a pipe). Optional. */
  size?(path: string): Promise<number | null>;
  /** Whether two paths name the same file (same device and inode). Optional. */
  sameFile?(a: string, b: string): Promise<boolean>;
}

/** A line longer than MAX_LINE_BYTES: refused when the limit is passed, before the rest is read. */
export class LineTooLongError extends Error {
  constructor(readonly line: number) {
    super(`line ${line} is longer than ${MAX_LINE_BYTES.toLocaleString('en-US')} bytes (1 MiB); no event is that long: refused without reading the rest`);
  }
}

/** Lines of a file in batches, streamed when the IO can, else split from the whole text; no line over MAX_LINE_BYTES. */
export async function* lineBatchesOf(io: CliIO, path: string): AsyncIterable<readonly string[]> {
  if (io.readLines) {
    yield* io.readLines(path);
    return;
  }
  const lines = (await io.readFile(path)).split('\n');
  // A character is at most 3 UTF-8 bytes per UTF-16 unit: only long lines need measuring.
  lines.forEach((l, i) => {
    if (l.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(l) > MAX_LINE_BYTES + (l.endsWith('\r') ? 1 : 0)) throw new LineTooLongError(i + 1);
  });
  yield lines;
}

/** A subcommand: takes the arguments after its name, returns the exit code. */
export type Command = (args: string[], io: CliIO) => Promise<number>;

/** Exit codes fixed by docs/command-line-and-pages.md. */
export const EXIT_OK = 0;
export const EXIT_PROBLEM = 1;
export const EXIT_USAGE = 2;
/**
 * Standard output was closed by its reader (`… | head -1`): 128 + SIGPIPE, the status a
 * shell shows for git or grep there (they die of the signal; Node ignores it, so the command
 * exits with the same number). Never 0: lines the caller asked for were not delivered, and a
 * script must not take a cut-off `logs verify` for a pass; never 1, which says the log failed.
 */
export const EXIT_BROKEN_PIPE = 141;

export class UsageError extends Error {}

/**
 * A line could not be written to standard output (its reader closed the pipe, the disk is
 * full): thrown by CliIO.out so that the command stops there instead of reading on for
 * output nobody receives; runCommand (main.ts) ends it as docs/command-line-and-pages.md says.
 */
export class OutputFailed extends Error {
  constructor(readonly failure: Error & { code?: string }) {
    super(`cannot write to standard output: ${failure.message}`);
  }
  /** The reader went away (EPIPE): not an error to report, exit EXIT_BROKEN_PIPE. */
  get brokenPipe(): boolean {
    return this.failure.code === 'EPIPE';
  }
}

export class FileTooLargeError extends Error {
  constructor(readonly bytes: number, readonly maxBytes: number) {
    super(`the file is ${bytes} bytes, over the limit of ${maxBytes}`);
  }
}

/** An in-memory CliIO for tests. */
export function memoryIO(files: Record<string, string> = {}): CliIO & { stdout: string[]; stderr: string[]; files: Record<string, string> } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    files,
    out: (t) => void stdout.push(t),
    err: (t) => void stderr.push(t),
    readFile: async (p, options) => {
      const f = files[p];
      if (f === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${p}'`), { code: 'ENOENT' });
      const bytes = Buffer.byteLength(f);
      if (options?.maxBytes !== undefined && bytes > options.maxBytes) throw new FileTooLargeError(bytes, options.maxBytes);
      return f;
    },
    writeFile: async (p, d) => void (files[p] = d),
    lastLine: async (p) => {
      const f = files[p];
      if (f === undefined) return null;
      const lines = f.split('\n').filter((l) => l.trim() !== '');
      return lines.at(-1)?.replace(/\r$/, '') ?? null;
    },
    sameFile: async (a, b) => a === b,
  };
}
