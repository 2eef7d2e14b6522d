/**
 * What a command needs from the outside world. The real one is process-backed
 * (main.ts); tests pass a recording one, so every command is tested without spawning.
 */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): Promise<string>;
  writeFile(path: string, data: string): Promise<void>;
}

/** A subcommand: takes the arguments after its name, returns the exit code. */
export type Command = (args: string[], io: CliIO) => Promise<number>;

/** Exit codes fixed by cli-and-ui.md. */
export const EXIT_OK = 0;
export const EXIT_PROBLEM = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

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
    readFile: async (p) => {
      const f = files[p];
      if (f === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${p}'`), { code: 'ENOENT' });
      return f;
    },
    writeFile: async (p, d) => void (files[p] = d),
  };
}
