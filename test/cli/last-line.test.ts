/** lastLineOf (src/cli/main.ts): a file's last line read from its end, a little first and up to the line limit only when needed. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastLineOf } from '../../src/cli/main.ts';
import { MAX_LINE_BYTES } from '../../src/core/events/json-line.ts';

const dir = mkdtempSync(join(tmpdir(), 'tg-last-line-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('lastLineOf', () => {
  it('the last non-empty line, without its line end, however the file ends', async () => {
    expect(await lastLineOf(file('a', '{"seq":1}\n{"type":"log.signature"}\n'))).toBe('{"type":"log.signature"}');
    expect(await lastLineOf(file('b', '{"seq":1}\r\n{"type":"log.signature"}\r\n\r\n'))).toBe('{"type":"log.signature"}');
    expect(await lastLineOf(file('c', 'only line'))).toBe('only line');
    expect(await lastLineOf(file('d', ''))).toBeNull();
    expect(await lastLineOf(file('e', '\n\n'))).toBeNull();
    expect(await lastLineOf(file('f', 'é'.repeat(3) + '\nΩ ünïcode\n'))).toBe('Ω ünïcode');
  });

  it('a last line longer than the first read is read whole; one over the line limit is not a line', async () => {
    const long = 'x'.repeat(100_000);
    expect(await lastLineOf(file('g', 'head\n'.repeat(10_000) + long + '\n'))).toBe(long);
    expect(await lastLineOf(file('h', long))).toBe(long);
    expect(await lastLineOf(file('i', 'head\n' + 'y'.repeat(MAX_LINE_BYTES + 10) + '\n'))).toBeNull();
  });
});
