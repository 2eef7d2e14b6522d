/**
 * The command line never writes a control character taken from its input, and never a
 * stack trace: whatever a command prints goes through one escaping layer, and anything
 * a command throws becomes one line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS, runCommand } from '../../src/cli/main.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { escapeControls } from '../../src/core/printable.ts';

const run = async (argv: string[]) => {
  const io = memoryIO();
  const code = await runCommand(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
};

// C0 (ESC, CR, NUL, BEL), DEL, C1 (the one-byte CSI), a bidirectional override.
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = 'http://exa mple\u001b[2J\u009b31m\u202e\u0007\r\u0000/';

describe('terminal safety', () => {
  it('escapeControls shows each control character as \\uXXXX, line breaks included', () => {
    expect(escapeControls('a\u001b[31mb\r\nc\u0000\u009b\u202ed\te')).toBe('a\\u001b[31mb\\u000d\\u000ac\\u0000\\u009b\\u202ed\\u0009e');
    expect(escapeControls('St Example Health — 日本 🏥')).toBe('St Example Health — 日本 🏥');
  });

  for (const json of [false, true]) {
    it(`classify ${json ? '--json' : '(text)'} echoes a hostile argument escaped, on one line`, async () => {
      const r = await run(['classify', ...(json ? ['--json'] : []), HOSTILE]);
      expect(r.code).toBe(1);
      const all = r.out + r.err;
      expect(all).not.toMatch(RAW);
      expect(all.split('\n')).toHaveLength(1);
      expect(all).toContain('\\u001b[2J');
      expect(all).toContain('\\u009b31m');
      if (json) expect(JSON.parse(r.out).url).toBe(HOSTILE); // escaped the JSON way: still the same value
    });
  }

  it('check-link echoes a hostile argument escaped', async () => {
    const r = await run(['check-link', HOSTILE]);
    expect(r.out + r.err).not.toMatch(RAW);
    expect(r.out + r.err).toContain('\\u001b[2J');
  });

  it('an unknown command or option is shown escaped', async () => {
    const r = await run(['\u001b[2Jvalidate']);
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(RAW);
    expect(r.err).toContain('unknown command "\\u001b[2Jvalidate"');
    const o = await run(['validate', '--\u001b[31m', 'x']);
    expect(o.code).toBe(2);
    expect(o.err).not.toMatch(RAW);
  });

  describe('a command that fails unexpectedly', () => {
    afterEach(() => {
      delete COMMANDS['test-throws'];
    });
    for (const [name, thrown, line] of [
      ['an error', new TypeError('boom\u001b[2J\n    at secret (file.ts:1:1)'), 'telehealth-guard test-throws: failed unexpectedly: boom\\u001b[2J'],
      ['a stack overflow', new RangeError('Maximum call stack size exceeded'), 'telehealth-guard test-throws: the input is nested too deeply to process'],
      ['a non-error', 'just a string', 'telehealth-guard test-throws: failed unexpectedly: just a string'],
    ] as const) {
      it(`${name}: one line, exit 1, no stack trace`, async () => {
        COMMANDS['test-throws'] = {
          summary: 'test',
          run: async () => {
            throw thrown;
          },
        };
        const r = await run(['test-throws']);
        expect(r.code).toBe(1);
        expect(r.out).toBe('');
        expect(r.err).toBe(line);
      });
    }
  });
});
