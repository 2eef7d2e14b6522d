/**
 * A region's bytes decode to the same text as Node's UTF-8 decoder gives, whichever way
 * decodeUtf8 takes (latin1 for all-ASCII bytes, UTF-8 otherwise): valid and invalid UTF-8,
 * a character cut at the region's edge, bytes 0x80–0xff that latin1 would read as other
 * characters.
 */
import { expect, it } from 'vitest';
import { decodeUtf8, regionLineAt, regionLinesOf } from '../../../src/cli/logs/region.ts';

it('decodes exactly as UTF-8, ASCII or not', () => {
  const samples = [
    '{"seq":1,"reason":"plain"}\n',
    '{"seq":1,"reason":"Patient hat keine andere App – café 患者 😀"}\n',
    '{"reason":"\\u00e9"}\n',
  ].map((s) => Buffer.from(s, 'utf8'));
  samples.push(Buffer.from([0x7b, 0xe9, 0x7d, 0x0a]), Buffer.from([0x41, 0xf0, 0x9f, 0x98]), Buffer.from([0x80, 0xff, 0xc3]), Buffer.alloc(0));
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
  for (let n = 0; n < 300; n++) {
    const ascii = n % 2 === 0;
    samples.push(Buffer.from(Array.from({ length: 1 + (n % 97) }, () => (ascii ? rand() & 0x7f : rand()))));
  }
  for (const b of samples) {
    expect(decodeUtf8(b)).toBe(b.toString('utf8'));
    // A view into a larger buffer (how regions are handed over) decodes only its own bytes.
    const big = Buffer.concat([Buffer.from('xx'), b, Buffer.from([0xe9])]);
    expect(decodeUtf8(big.subarray(2, 2 + b.length))).toBe(b.toString('utf8'));
  }
});

it('a region splits into its lines', () => {
  const b = Buffer.from('{"a":1}\n{"b":"é"}\r\n{"c":3}\n', 'utf8');
  expect(regionLinesOf(b, 3)).toEqual(['{"a":1}', '{"b":"é"}\r', '{"c":3}']);
});

it('decoded in pieces, a region gives the same lines as decoded whole', () => {
  let seed = 11;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const words = ['{"seq":1}', 'é', '患者', '😀', 'x'.repeat(40), '\r', '', 'plain ascii'];
  for (let n = 0; n < 300; n++) {
    const lines = Array.from({ length: 1 + rand(12) }, () => Array.from({ length: rand(5) }, () => words[rand(words.length)]).join(''));
    const open = rand(2) === 0; // the file's last line, without its "\n"
    const text = lines.join('\n') + (open ? '' : '\n');
    const bytes = Buffer.from(text, 'utf8');
    const whole = regionLinesOf(bytes, lines.length, Infinity);
    expect(whole).toEqual(lines);
    for (const piece of [1, 2, 7, 16, 64]) expect(regionLinesOf(bytes, lines.length, piece)).toEqual(lines);
    // One at a time, in order, some skipped (logs report reads only the event lines).
    const at = regionLineAt(bytes, lines.length);
    for (let j = rand(2); j < lines.length; j += 1 + rand(2)) expect(at(j)).toBe(lines[j]);
  }
});
