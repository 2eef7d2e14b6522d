import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkLinkCommand } from './commands/check-link.ts';
import { classifyCommand } from './commands/classify.ts';
import { deployCommand } from './commands/deploy.ts';
import { logsCommand } from './commands/logs.ts';
import { validateCommand } from './commands/validate.ts';
import { EXIT_OK, EXIT_USAGE, UsageError, type CliIO, type Command } from './io.ts';

export const COMMANDS: Record<string, { run: Command; summary: string }> = {
  validate: { run: validateCommand, summary: 'check policy files before pushing them' },
  classify: { run: classifyCommand, summary: 'show what the policy does with URLs' },
  'check-link': { run: checkLinkCommand, summary: 'analyse meeting links (waiting room, passcode, tenant, start links)' },
  deploy: { run: deployCommand, summary: 'write the policy file IT pushes (Linux JSON, .reg, .mobileconfig, Admin console, Firefox)' },
  logs: { run: logsCommand, summary: 'logs verify <file.ndjson> | logs report <files…> [--out report.html]' },
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

export async function runCommand(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`telehealth-guard: unknown command "${name}"\n\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`telehealth-guard ${name}: ${e.message}\nRun "telehealth-guard ${name} --help" for usage.`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

export const processIO: CliIO = {
  out: (t) => void process.stdout.write(t + '\n'),
  err: (t) => void process.stderr.write(t + '\n'),
  readFile: (p) => readFile(p, 'utf8'),
  writeFile: async (p, d) => {
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, d);
  },
};

export function runCli(argv: string[]): Promise<number> {
  return runCommand(argv, processIO);
}
