import { describe, expect, it } from 'vitest';
import { logsCommand } from '../../src/cli/commands/logs.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { sealChain } from '../../src/core/events/chain.ts';
import { formatCsv } from '../../src/core/events/csv.ts';
import { formatNdjson } from '../../src/core/events/ndjson.ts';
import { sampleChain, sampleDrafts } from '../core/events-fixtures.ts';

async function files() {
  const a = await sampleChain();
  const good = formatNdjson(a);
  const lines = good.split('\n');
  const edited = [...lines];
  edited[3] = edited[3]!.replace('"facetime"', '"zoom"');
  const deleted = [...lines];
  deleted.splice(5, 1);
  const reordered = [...lines];
  [reordered[6], reordered[7]] = [reordered[7]!, reordered[6]!];
  const pruned = lines.slice(4).join('\n');
  const b = await sealChain(sampleDrafts().map((d) => ({ ...d, reason: d.reason && '<script>alert("x")</script>' })));
  return {
    'good.ndjson': good,
    'edited.ndjson': edited.join('\n'),
    'deleted.ndjson': deleted.join('\n'),
    'reordered.ndjson': reordered.join('\n'),
    'pruned.ndjson': pruned,
    'garbage.ndjson': lines.slice(0, 2).join('\n') + '\n{not json\n',
    'hostile.ndjson': formatNdjson(b),
    'export.csv': formatCsv(a),
    'empty.ndjson': '',
  };
}

describe('logs verify', () => {
  it('exit 0 with the count for an intact log', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['verify', 'good.ndjson'], io)).toBe(0);
    expect(io.stdout).toEqual(['OK good.ndjson: 10 events verified, seq 1–10']);
    expect(io.stderr).toEqual([]);
  });

  it('a pruned log verifies from its first line and says it is partial', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['verify', 'pruned.ndjson'], io)).toBe(0);
    expect(io.stdout).toEqual(['OK pruned.ndjson: 6 events verified, seq 5–10 (partial log: starts after pruning)']);
  });

  it('an empty file verifies with count 0', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['verify', 'empty.ndjson'], io)).toBe(0);
    expect(io.stdout.join('')).toContain('0 events');
  });

  it.each([
    ['edited.ndjson', 'seq 4, line 4: hash mismatch: the event was edited'],
    ['deleted.ndjson', 'seq 7, line 6: prev mismatch'],
    ['reordered.ndjson', 'seq 8, line 7: prev mismatch'],
    ['garbage.ndjson', 'seq ?, line 3: malformed line: not valid JSON'],
  ])('exit 1 naming the first bad seq, line and why: %s', async (file, expected) => {
    const io = memoryIO(await files());
    expect(await logsCommand(['verify', file], io)).toBe(1);
    expect(io.stdout.join('')).toContain(`FAIL ${file}: ${expected}`);
  });

  it('unreadable file and CSV exit 1', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['verify', 'missing.ndjson'], io)).toBe(1);
    expect(io.stderr.join('')).toMatch(/FAIL missing.ndjson: cannot read: ENOENT/);
    const io2 = memoryIO(await files());
    expect(await logsCommand(['verify', 'export.csv'], io2)).toBe(1);
    expect(io2.stderr.join('')).toMatch(/CSV export/);
  });

  it('usage errors exit 2 with a message', async () => {
    for (const args of [[], ['verify'], ['verify', 'a', 'b'], ['verify', '--json', 'a'], ['frobnicate'], ['report'], ['report', '--out'], ['report', 'a', '--bogus'], ['report', '--out', 'x', '--out', 'y', 'a']]) {
      const io = memoryIO(await files());
      expect(await logsCommand(args, io), args.join(' ')).toBe(2);
      expect(io.stderr.join('')).toMatch(/telehealth-guard logs: .+\nUsage:/);
    }
  });

  it('--help exits 0 with the usage', async () => {
    const io = memoryIO();
    expect(await logsCommand(['--help'], io)).toBe(0);
    expect(io.stdout.join('')).toMatch(/logs verify <file.ndjson>/);
  });
});

describe('logs report', () => {
  it('writes report.html by default, merging files and showing each file’s verification', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['report', 'good.ndjson', 'edited.ndjson', 'hostile.ndjson'], io)).toBe(0);
    const html = io.files['report.html']!;
    expect(html).toBeDefined();
    expect(html).toContain('<!DOCTYPE html>');
    // good and edited share every event but line 4 (same hashes): duplicates counted once.
    expect(html).toContain('<dt>Files</dt><dd>3 (2 verified)</dd>');
    expect(html).toContain('NOT VERIFIED: line 4, seq 4: hash mismatch');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(io.stdout.join('')).toMatch(/OK good.ndjson: 10 events verified/);
    expect(io.stderr.join('')).toMatch(/FAIL edited.ndjson: seq 4, line 4/);
    expect(io.stdout.join('')).toMatch(/Wrote report.html: \d+ events from 3 files \(2 verified\)/);
  });

  it('--out and --out= choose the output file', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['report', '--out', 'out/r.html', 'good.ndjson'], io)).toBe(0);
    expect(io.files['out/r.html']).toContain('<dt>Events</dt><dd>10</dd>');
    const io2 = memoryIO(await files());
    expect(await logsCommand(['report', 'good.ndjson', '--out=x.html'], io2)).toBe(0);
    expect(io2.files['x.html']).toBeDefined();
    expect(io2.files['report.html']).toBeUndefined();
  });

  it('an unreadable file exits 1; the report is still written from the others and lists it', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['report', 'good.ndjson', 'nope.ndjson', 'export.csv'], io)).toBe(1);
    expect(io.stderr.join('')).toMatch(/FAIL nope.ndjson: cannot read/);
    expect(io.stderr.join('')).toMatch(/FAIL export.csv: CSV export/);
    const html = io.files['report.html']!;
    expect(html).toContain('Unreadable: cannot read: ENOENT');
    expect(html).toContain('<dt>Events</dt><dd>10</dd>');
  });

  it('a file with malformed lines is reported with the good events kept', async () => {
    const io = memoryIO(await files());
    expect(await logsCommand(['report', 'garbage.ndjson'], io)).toBe(0);
    const html = io.files['report.html']!;
    expect(html).toContain('NOT VERIFIED: line 3: malformed line');
    expect(html).toContain('<dt>Events</dt><dd>2</dd>');
  });

  it('a write failure exits 1', async () => {
    const io = memoryIO(await files());
    io.writeFile = async () => {
      throw new Error('EACCES');
    };
    expect(await logsCommand(['report', 'good.ndjson'], io)).toBe(1);
    expect(io.stderr.join('')).toMatch(/cannot write report.html: EACCES/);
  });
});
