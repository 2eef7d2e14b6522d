import { createReadStream } from 'node:fs';
import { open, writeFile, mkdir, stat } from 'node:fs/promises';
import { MAX_LINE_BYTES } from '../core/events/json-line.ts';
import { dirname } from 'node:path';
import { checkLinkCommand } from './commands/check-link.ts';
import { classifyCommand } from './commands/classify.ts';
import { deployCommand } from './commands/deploy.ts';
import { fleetCommand } from './commands/fleet.ts';
import { logsCommand } from './commands/logs.ts';
import { packageCommand } from './commands/package.ts';
import { validateCommand } from './commands/validate.ts';
import { escapeControls, escapeControlsKeepingLines } from '../core/printable.ts';
import { EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, FileTooLargeError, LineTooLongError, UsageError, type CliIO, type Command } from './io.ts';

export const COMMANDS: Record<string, { run: Command; summary: string }> = {
  validate: { run: validateCommand, summary: 'check policy files before pushing them' },
  classify: { run: classifyCommand, summary: 'show what the policy does with URLs' },
  'check-link': { run: checkLinkCommand, summary: 'analyse meeting links (waiting room, passcode, tenant, start links)' },
  deploy: { run: deployCommand, summary: 'write the policy file IT pushes (Linux JSON, .reg, .mobileconfig, ADMX, Admin console, Firefox)' },
  package: { run: packageCommand, summary: 'a signed CRX3 and its update manifest, for hosting the extension yourself' },
  logs: { run: logsCommand, summary: 'logs verify <file.ndjson> | logs report <files…> [--out report.html]' },
  fleet: { run: fleetCommand, summary: 'a fleet\'s events in ClickHouse: fleet schema | load <exports…> | report | verify --clickhouse <url>' },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Usage: telehealth-guard <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "telehealth-guard <command> --help" for a command\'s options.',
  ].join('\n');
}

/**
 * Output never carries a control character taken from input (an escape sequence in a
 * policy or log would act on the administrator's terminal): every line is escaped here,
 * whatever the command. Commands escape input-derived parts themselves so that those
 * cannot add lines either.
 */
export function terminalSafe(io: CliIO): CliIO {
  return {
    ...io,
    out: (t) => io.out(escapeControlsKeepingLines(t)),
    err: (t) => io.err(escapeControlsKeepingLines(t)),
  };
}

export async function runCommand(argv: string[], unsafeIO: CliIO): Promise<number> {
  const io = terminalSafe(unsafeIO);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`telehealth-guard: unknown command "${escapeControls(name)}"\n\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`telehealth-guard ${name}: ${escapeControls(e.message)}\nRun "telehealth-guard ${name} --help" for usage.`);
      return EXIT_USAGE;
    }
    // Anything unforeseen: one line saying what failed, never a stack trace.
    io.err(`telehealth-guard ${name}: ${describeFailure(e)}`);
    return EXIT_PROBLEM;
  }
}

/** One line for an unexpected failure (stack overflow, out of memory, a bug). */
export function describeFailure(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'the input is nested too deeply to process';
  const message = e instanceof Error ? e.message : String(e);
  return `failed unexpectedly: ${escapeControls(message.split('\n')[0] ?? '')}`;
}

/**
 * A file's lines in batches, from 1 MiB reads (a log of 100,000 events is ≈ 40 MB), split on
 * "\n" as parseNdjsonLines splits a whole text (a "\r" before it is the parser's to drop).
 * A line is cut from the bytes (a "\n" byte is never inside a UTF-8 character), so its length
 * is known before it is decoded: one over `maxLineBytes` is refused as soon as the limit is
 * passed, without reading it whole (a 1 GB line from a pipe fails after the first 2 MiB).
 */
export async function* readLineBatches(path: string, chunkBytes = 1 << 20, maxLineBytes = MAX_LINE_BYTES): AsyncIterable<string[]> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  // "-" is standard input (`gunzip -c export.ndjson.gz | telehealth-guard logs verify -`).
  for await (const chunk of path === '-' ? process.stdin : createReadStream(path, { highWaterMark: chunkBytes })) {
    const buf = chunk as Buffer;
    const out: string[] = [];
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      line++;
      const bytes = pendingBytes + nl - start;
      // (+1: the "\r" of a CRLF line end is not the line's own.)
      if (bytes > maxLineBytes + 1) throw new LineTooLongError(line);
      if (pendingBytes > 0) {
        pending.push(buf.subarray(start, nl));
        out.push(Buffer.concat(pending, bytes).toString('utf8'));
        pending = [];
        pendingBytes = 0;
      } else out.push(buf.toString('utf8', start, nl));
      start = nl + 1;
    }
    if (start < buf.length) {
      pending.push(buf.subarray(start));
      pendingBytes += buf.length - start;
      if (pendingBytes > maxLineBytes + 1) throw new LineTooLongError(line + 1);
    }
    if (out.length > 0) yield out;
  }
  if (pendingBytes > 0) yield [Buffer.concat(pending, pendingBytes).toString('utf8')];
}

/** The last non-empty line of a regular file, read from its end; null for a pipe or a device. */
export async function lastLineOf(path: string): Promise<string | null> {
  if (path === '-') return null;
  const handle = await open(path, 'r');
  try {
    const st = await handle.stat();
    if (!st.isFile()) return null;
    const want = Math.min(st.size, MAX_LINE_BYTES + 4);
    const buf = Buffer.alloc(want);
    const { bytesRead } = await handle.read(buf, 0, want, st.size - want);
    const text = buf.subarray(0, bytesRead).toString('utf8').replace(/[\r\n]+$/, '');
    const nl = text.lastIndexOf('\n');
    const last = (nl === -1 ? text : text.slice(nl + 1)).replace(/\r$/, '');
    return nl === -1 && st.size > want ? null : last === '' ? null : last;
  } finally {
    await handle.close();
  }
}

export const processIO: CliIO = {
  out: (t) => void process.stdout.write(t + '\n'),
  err: (t) => void process.stderr.write(t + '\n'),
  readFile: async (p, options) => {
    // Size is checked on the open file before reading, so a 50 MB (or 5 GB) file is
    // refused at once instead of being read into memory.
    const handle = await open(p, 'r');
    try {
      const { size } = await handle.stat();
      if (options?.maxBytes !== undefined && size > options.maxBytes) throw new FileTooLargeError(size, options.maxBytes);
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  },
  writeFile: async (p, d) => {
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, d);
  },
  readLines: readLineBatches,
  lastLine: (p) => lastLineOf(p).catch(() => null),
  sameFile: async (a, b) => {
    try {
      const [x, y] = await Promise.all([stat(a), stat(b)]);
      return x.dev === y.dev && x.ino === y.ino;
    } catch {
      return false;
    }
  },
};

export function runCli(argv: string[]): Promise<number> {
  return runCommand(argv, processIO);
}
