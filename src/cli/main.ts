import { createReadStream, fstatSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { MAX_LINE_BYTES } from '../core/events/json-line.ts';
import { decodeUtf8 } from './logs/region.ts';
import { basename, dirname, join } from 'node:path';
import { escapeControls, escapeControlsKeepingLines } from '../core/printable.ts';
import { EXIT_BROKEN_PIPE, EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, FileTooLargeError, LineTooLongError, OutputFailed, UsageError, type CliIO, type Command } from './io.ts';

/**
 * A command's code, loaded when it runs: `logs verify` never loads the policy compiler, the
 * packer or zod's locales, and each command starts with only what it uses (the compiled
 * command line is split in chunks: scripts/build-cli.mjs).
 */
const lazy =
  (load: () => Promise<Command>): Command =>
  async (args, io) =>
    (await load())(args, io);

export const COMMANDS: Record<string, { run: Command; summary: string }> = {
  validate: { run: lazy(async () => (await import('./commands/validate.ts')).validateCommand), summary: 'check policy files before pushing them' },
  classify: { run: lazy(async () => (await import('./commands/classify.ts')).classifyCommand), summary: 'show what the policy does with URLs' },
  'check-link': { run: lazy(async () => (await import('./commands/check-link.ts')).checkLinkCommand), summary: 'analyse meeting links (waiting room, passcode, tenant, start links)' },
  deploy: { run: lazy(async () => (await import('./commands/deploy.ts')).deployCommand), summary: 'write the policy file IT pushes (Linux JSON, .reg, .mobileconfig, ADMX, Admin console, Firefox)' },
  package: { run: lazy(async () => (await import('./commands/package.ts')).packageCommand), summary: 'a signed CRX3 and its update manifest, for hosting the extension yourself' },
  logs: { run: lazy(async () => (await import('./commands/logs.ts')).logsCommand), summary: 'logs verify <file.ndjson> | logs report <files…> [--out report.html]' },
  fleet: { run: lazy(async () => (await import('./commands/fleet.ts')).fleetCommand), summary: 'a fleet\'s events in ClickHouse: fleet schema | load <exports…> | report | verify --clickhouse <url>' },
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
    if (e instanceof OutputFailed) return outputFailed(io, name, e);
    if (e instanceof UsageError) {
      io.err(`telehealth-guard ${name}: ${escapeControls(e.message)}\nRun "telehealth-guard ${name} --help" for usage.`);
      return EXIT_USAGE;
    }
    // Anything unforeseen: one line saying what failed, never a stack trace.
    io.err(`telehealth-guard ${name}: ${describeFailure(e)}`);
    return EXIT_PROBLEM;
  }
}

/** A command stopped because standard output could not be written: quietly for a closed pipe, else one line on stderr. */
function outputFailed(io: CliIO, name: string, e: OutputFailed): number {
  if (e.brokenPipe) return EXIT_BROKEN_PIPE;
  io.err(`telehealth-guard ${name}: ${escapeControls(e.message)}`);
  return EXIT_PROBLEM;
}

/** One line for an unexpected failure (stack overflow, out of memory, a bug). */
export function describeFailure(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'the input is nested too deeply to process';
  const message = e instanceof Error ? e.message : String(e);
  return `failed unexpectedly: ${escapeControls(message.split('\n')[0] ?? '')}`;
}

/** Complete lines of a file as bytes: `bytes` holds `lines` lines, each but perhaps the file's last ending in "\n". */
export interface LineRegion {
  bytes: Buffer;
  lines: number;
}

/**
 * A file's complete lines in regions of about one 1 MiB read each (a log of 100,000 events is
 * ≈ 40 MB). A line is cut from the bytes (a "\n" byte is never inside a UTF-8 character), so
 * its length is known before it is decoded: one over `maxLineBytes` is refused as soon as the
 * limit is passed, without reading it whole (a 1 GB line from a pipe fails after 2 MiB).
 * "-" is standard input (`gunzip -c export.ndjson.gz | telehealth-guard logs verify -`).
 */
export async function* readLineRegions(path: string, chunkBytes = 1 << 20, maxLineBytes = MAX_LINE_BYTES): AsyncIterable<LineRegion> {
  if (path === '-') {
    yield* regionsOfStream(process.stdin, maxLineBytes);
    return;
  }
  // Each read goes into a buffer of its own, after the previous read's unfinished line (copied,
  // a few hundred bytes): a region is a prefix of that buffer, never a copy of 1 MiB, and can be
  // handed to a worker thread whole (transferred, not copied).
  const handle = await open(path, 'r');
  try {
    let carry: Buffer = Buffer.alloc(0);
    let line = 0;
    for (;;) {
      const buf = regionBuffer(carry.length + chunkBytes);
      carry.copy(buf, 0);
      const { bytesRead } = await handle.read(buf, carry.length, chunkBytes, null);
      const filled = carry.length + bytesRead;
      if (bytesRead === 0) {
        if (carry.length > 0) yield { bytes: carry, lines: 1 };
        return;
      }
      let start = 0;
      let last = -1;
      let count = 0;
      for (let nl = buf.indexOf(10, carry.length); nl !== -1 && nl < filled; nl = buf.indexOf(10, nl + 1)) {
        line++;
        count++;
        // (+1: the "\r" of a CRLF line end is not the line's own.)
        if (nl - start > maxLineBytes + 1) throw new LineTooLongError(line);
        last = nl;
        start = nl + 1;
      }
      if (filled - start > maxLineBytes + 1) throw new LineTooLongError(line + 1);
      carry = Buffer.from(buf.subarray(start, filled));
      if (last >= 0) yield { bytes: buf.subarray(0, last + 1), lines: count };
    }
  } finally {
    await handle.close();
  }
}

/**
 * Region buffers given back (releaseRegion) once their lines were read, filled again by the
 * next reads. A new 1 MiB buffer per read is memory outside V8's heap that V8 lets grow by
 * tens of MB before it collects the dead ones, and glibc keeps what it freed in each
 * thread's arena: reused, the regions in flight are all the memory reading takes.
 */
const spareRegions: ArrayBuffer[] = [];
const SPARE_MAX = 16;
/** Room for a region: carried bytes of an unfinished line (rarely more than one event) and a read. */
const REGION_ROOM = (1 << 20) + (64 << 10);

function regionBuffer(size: number): Buffer {
  const room = spareRegions.length > 0 && size <= REGION_ROOM ? spareRegions.pop()! : null;
  return room ? Buffer.from(room, 0, size) : Buffer.allocUnsafeSlow(Math.max(size, REGION_ROOM));
}

/** The bytes of a region read by readLineRegions (or a copy a worker thread handed back) may be filled again. */
export function releaseRegion(bytes: Uint8Array): void {
  const b = bytes.buffer;
  if (b instanceof ArrayBuffer && b.byteLength === REGION_ROOM && spareRegions.length < SPARE_MAX && !spareRegions.includes(b)) spareRegions.push(b);
}

/** readLineRegions over a stream (standard input). */
async function* regionsOfStream(stream: AsyncIterable<unknown>, maxLineBytes: number): AsyncIterable<LineRegion> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    let start = 0;
    let last = -1;
    let count = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      line++;
      count++;
      if (pendingBytes + nl - start > maxLineBytes + 1) throw new LineTooLongError(line);
      pendingBytes = 0;
      last = nl;
      start = nl + 1;
    }
    if (last === -1) {
      pending.push(buf);
      pendingBytes += buf.length;
      if (pendingBytes > maxLineBytes + 1) throw new LineTooLongError(line + 1);
      continue;
    }
    const head = buf.subarray(0, last + 1);
    const bytes = Buffer.concat([...pending, head]);
    pending = last + 1 < buf.length ? [Buffer.from(buf.subarray(last + 1))] : [];
    pendingBytes = buf.length - last - 1;
    if (pendingBytes > maxLineBytes + 1) throw new LineTooLongError(line + 1);
    yield { bytes, lines: count };
  }
  if (pending.length > 0) yield { bytes: Buffer.concat(pending), lines: 1 };
}

/** A region's lines as text (without their "\n"; a "\r" before it is the parser's to drop). */
export function regionLines(r: LineRegion): string[] {
  const text = decodeUtf8(r.bytes);
  const lines = text.split('\n');
  if (lines.length > r.lines) lines.pop(); // after the last "\n"
  return lines;
}

/** A file's lines in batches (readLineRegions, decoded), split as parseNdjsonLines splits a whole text. */
export async function* readLineBatches(path: string, chunkBytes = 1 << 20, maxLineBytes = MAX_LINE_BYTES): AsyncIterable<string[]> {
  for await (const r of readLineRegions(path, chunkBytes, maxLineBytes)) yield regionLines(r);
}

/**
 * The last non-empty line of a regular file, read from its end; null for a pipe or a device.
 * A few KB are read first (a signature line is well under 1 KB) and up to the line limit only
 * when the line is longer: `logs report` reads every input's last line before the inputs, and
 * a MiB per input (a buffer and its decoded text, memory outside V8's heap that lives until a
 * collection) made the report's peak grow with the number of files — 4 MB a file, 1.1 GB for
 * 300 exports of 10,000 events.
 */
export async function lastLineOf(path: string): Promise<string | null> {
  if (path === '-') return null;
  const handle = await open(path, 'r');
  try {
    const st = await handle.stat();
    if (!st.isFile()) return null;
    for (const limit of [LAST_LINE_FIRST_READ, MAX_LINE_BYTES + 4]) {
      const want = Math.min(st.size, limit);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buf, 0, want, st.size - want);
      let end = bytesRead;
      while (end > 0 && (buf[end - 1] === 10 || buf[end - 1] === 13)) end--;
      const nl = buf.lastIndexOf(10, end - 1);
      // The whole line is in what was read: it starts after a "\n", or at the file's start.
      if (nl !== -1 || want === st.size) {
        const last = buf.toString('utf8', nl + 1, end).replace(/\r$/, '');
        return last === '' ? null : last;
      }
    }
    return null;
  } finally {
    await handle.close();
  }
}
/** What lastLineOf reads first from a file's end. */
const LAST_LINE_FIRST_READ = 16 * 1024;

/**
 * A line to standard output. A failed write (EPIPE from a closed pipe, ENOSPC from a full
 * disk) is known as soon as write() returns (stream.errored; Node reports the 'error' event
 * itself a tick later, see runCli), so the command is stopped at that line (OutputFailed).
 */
function writeOut(text: string): void {
  const s = process.stdout;
  if (stdoutFailure === null) s.write(text + '\n');
  if (s.errored) stdoutFailure ??= s.errored;
  if (stdoutFailure) throw outputFailure(stdoutFailure);
}
/**
 * The first failure to write stdout, however it was met (Node clears stream.errored once the
 * stream is destroyed, so it is kept here).
 */
let stdoutFailure: (Error & { code?: string }) | null = null;
/** It was turned into OutputFailed (runCommand ends the command and says so, once). */
let stdoutFailureMet = false;
function outputFailure(e: Error & { code?: string }): OutputFailed {
  stdoutFailure ??= e;
  stdoutFailureMet = true;
  return new OutputFailed(e);
}

/**
 * A line to standard error, or nothing when it cannot be written: it only carries
 * diagnostics, there is nowhere left to report that, and the answer on stdout and the exit
 * code still stand.
 */
function writeErr(text: string): void {
  if (!process.stderr.errored && process.stderr.writable) process.stderr.write(text + '\n');
}

/**
 * Write a whole file so that it is the old one or the new one, never a part of one: into a
 * temporary file beside it, renamed over it once complete. Written in place, a report cut off
 * by a full disk or a file size limit stayed as a truncated page that still opens and reads
 * as a report, and the previous, complete one was gone (a policy file half written is read by
 * a browser watching its folder). A link is followed (it stays a link, its target is
 * replaced); a device or a pipe (/dev/stdout) is written as it is, never replaced; where no
 * file can be made beside it, the file is written in place as before.
 */
export async function writeWhole(path: string, data: string): Promise<void> {
  // A folder that is missing is made. A path through a regular file fails there with a
  // misleading "file already exists": the write itself then says why ("not a directory").
  await mkdir(dirname(path), { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST' && e.code !== 'ENOTDIR') throw e;
  });
  // (stat follows links, /proc's to a pipe or socket too; realpath cannot name those.)
  const existing = await stat(path).catch(() => null);
  // The process's own stdout or stderr (`--out /dev/stdout`, by any name, whatever it is: a
  // file, a pipe, a socket): through that stream, in order with the command's lines. Opened
  // again by name, a file behind it was truncated and then overwritten by the lines after
  // it, and a socket cannot be opened at all (ENXIO). A closed stdout ends the command as
  // any line to it does (OutputFailed).
  if (existing && sameInode(existing, fdStat(1))) {
    if (stdoutFailure) throw outputFailure(stdoutFailure);
    return new Promise((resolve, reject) => void process.stdout.write(data, (e) => (e ? reject(outputFailure(e)) : resolve())));
  }
  if (existing && sameInode(existing, fdStat(2))) return new Promise((resolve, reject) => void process.stderr.write(data, (e) => (e ? reject(e) : resolve())));
  const target = await realpath(path).catch(() => null);
  // Not a regular file, a link to nowhere (realpath failed but something is there) or a
  // name in /dev or /proc (/dev/fd/3): written in place, never replaced.
  if ((existing && !existing.isFile()) || (target === null && (await lstat(path).catch(() => null))) || /^\/(dev|proc)\//.test(path)) return writeFile(path, data);
  const final = target ?? path;
  const temporary = join(dirname(final), `.${basename(final)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', existing ? existing.mode & 0o777 : 0o666).catch(() => null);
  if (!handle) return writeFile(path, data);
  try {
    await handle.writeFile(data);
    await handle.close();
  } catch (e) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw e;
  }
  try {
    await rename(temporary, final);
  } catch (e) {
    await rm(temporary, { force: true });
    // A target that cannot be replaced, only written: a file bind-mounted on its own
    // (`docker run -v ./report.html:…`: EBUSY), or where renaming is not allowed.
    if (['EBUSY', 'EXDEV', 'EPERM'].includes((e as NodeJS.ErrnoException).code ?? '')) return writeFile(path, data);
    throw e;
  }
}

function fdStat(fd: number): Stats | null {
  try {
    return fstatSync(fd);
  } catch {
    return null;
  }
}
const sameInode = (a: Stats, b: Stats | null) => b !== null && a.dev === b.dev && a.ino === b.ino;

export const processIO: CliIO = {
  out: writeOut,
  err: writeErr,
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
  writeFile: writeWhole,
  readLines: readLineBatches,
  readRegions: readLineRegions,
  releaseRegion,
  size: async (p) => {
    if (p === '-') return null;
    const st = await stat(p);
    return st.isFile() ? st.size : null;
  },
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

/**
 * Runs a command on the process's own streams. Their write errors are handled here, never
 * left to Node's default (an unhandled 'error' event: a stack trace and exit 1). A command
 * meets a failure at the line that failed (writeOut) and runCommand ends it; one reported
 * only later (where stdout is written asynchronously, e.g. a pipe on Windows) is met at the
 * command's next line, or here once it has returned, with the same exit code.
 */
export async function runCli(argv: string[]): Promise<number> {
  let running = true;
  const settle = (): number => outputFailed(terminalSafe(processIO), argv[0] ?? '', outputFailure(stdoutFailure!));
  process.stdout.on('error', (e) => {
    stdoutFailure ??= e;
    if (!running && !stdoutFailureMet) process.exitCode = settle();
  });
  process.stderr.on('error', () => {}); // writeErr stops writing to it
  const code = await runCommand(argv, processIO);
  running = false;
  if (process.stdout.errored) stdoutFailure ??= process.stdout.errored;
  return stdoutFailure && !stdoutFailureMet ? settle() : code;
}
