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
}

/** Lines of a file in batches, streamed when the IO can, else split from the whole text. */
export async function* lineBatchesOf(io: CliIO, path: string): AsyncIterable<readonly string[]> {
  if (io.readLines) {
    yield* io.readLines(path);
    return;
  }
  yield (await io.readFile(path)).split('\n');
}

/** A subcommand: takes the arguments after its name, returns the exit code. */
export type Command = (args: string[], io: CliIO) => Promise<number>;

/** Exit codes fixed by docs/command-line-and-pages.md. */
export const EXIT_OK = 0;
export const EXIT_PROBLEM = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

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
  };
}
