/**
 * Issue 19, "An audit trail that holds up across a fleet": each row of the table,
 * tried as an auditor and as someone covering their tracks would, through the command line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsCommand } from '../../src/cli/commands/logs.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { lastLineOf, processIO, readLineBatches } from '../../src/cli/main.ts';
import { sealChain } from '../../src/core/events/chain.ts';
import { base64ToBytes, bytesToBase64, type ExportSigner } from '../../src/core/events/signature.ts';
import type { EventDraft } from '../../src/core/events/types.ts';
import { sampleDrafts } from '../core/events/fixtures.ts';
import { installChain, installDrafts, INSTALL, keysFileFrom, makeSigner, signed } from '../core/events/signed-fixtures.ts';

let signer: ExportSigner;
let attacker: ExportSigner;
let dir: string;
beforeAll(async () => {
  signer = await makeSigner();
  attacker = await makeSigner(); // the same install id, another key
  dir = mkdtempSync(join(tmpdir(), 'thg-audit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REAL = 'Patient has no other app';
const FAKE = 'Approved by the medical director';

/** The genuine export, and a forgery of it: one reason edited, the whole log rebuilt and signed with another key. */
async function pair() {
  const genuine = await installChain(signer);
  const forgedEvents = await sealChain(installDrafts(attacker).map((d) => (d.reason === REAL ? { ...d, reason: FAKE } : d)));
  const genuineText = await signed(genuine, signer);
  const lines = genuineText.trimEnd().split('\n');
  const i = lines.findIndex((l) => l.includes(REAL));
  const edited = [...lines];
  edited[i] = edited[i]!.replace(REAL, FAKE); // edited in place, hash unchanged
  return {
    'genuine.ndjson': genuineText,
    'forged.ndjson': await signed(forgedEvents, attacker),
    'edited.ndjson': edited.join('\n') + '\n',
    'keys.ndjson': keysFileFrom(genuine),
  };
}

describe('row 1: logs report forged.ndjson genuine.ndjson (same install and seqs, a reason changed)', () => {
  it.each([
    [['forged.ndjson', 'genuine.ndjson']],
    [['genuine.ndjson', 'forged.ndjson']],
  ])('rebuilt and re-signed with another key: exit 1 in either order, both named, neither counted (%s)', async (order) => {
    const io = memoryIO(await pair());
    expect(await logsCommand(['report', ...order], io)).toBe(1);
    const err = io.stderr.join('\n');
    expect(err).toMatch(/^CONFLICT: forged\.ndjson and genuine\.ndjson hold different events for install [0-9a-f-]+, seq \d+: tampering; neither file is counted$/m);
    const html = io.files['report.html']!;
    expect(html).toMatch(/<strong>Conflict \(tampering\):<\/strong> forged\.ndjson and genuine\.ndjson hold different events/);
    expect(html).not.toContain(FAKE);
    expect(html).not.toContain(REAL);
    expect(html).toContain('<dt>Events</dt><dd>0</dd>');
    expect(io.stdout.at(-1)).toBe('Wrote report.html: 0 events from 2 files (0 counted)');
  });

  it('with --keys only the pinned key counts: the forgery is excluded and named, the genuine reason shown, exit 1', async () => {
    for (const order of [['forged.ndjson', 'genuine.ndjson'], ['genuine.ndjson', 'forged.ndjson']]) {
      const io = memoryIO(await pair());
      expect(await logsCommand(['report', '--keys', 'keys.ndjson', ...order], io)).toBe(1);
      expect(io.stderr.join('\n')).toMatch(/FAIL forged\.ndjson: seq \?, line 12: signed with a key that is not install .*'s pinned key/);
      const html = io.files['report.html']!;
      expect(html).toContain(REAL);
      expect(html).not.toContain(FAKE);
      expect(html).toContain('<dt>Events</dt><dd>11</dd>');
      expect(html).toMatch(/<strong>Not counted:<\/strong> forged\.ndjson: did not verify/);
      expect(html).toContain('pinned: every counted file is signed by its install’s pinned key');
    }
  });

  it('one reason edited in place: that file does not count, exit 1, in either order', async () => {
    for (const order of [['edited.ndjson', 'genuine.ndjson'], ['genuine.ndjson', 'edited.ndjson']]) {
      const io = memoryIO(await pair());
      expect(await logsCommand(['report', ...order], io)).toBe(1);
      const html = io.files['report.html']!;
      expect(html).toContain(REAL);
      expect(html).not.toContain(FAKE);
      expect(html).toContain('<dt>Events</dt><dd>11</dd>');
      expect(io.stderr.join('\n')).toMatch(/FAIL edited\.ndjson: seq 4, line 4: hash mismatch/);
    }
  });

  it('overlapping genuine exports of one install still count each event once, exit 0', async () => {
    const g = await installChain(signer);
    const io = memoryIO({ 'mon.ndjson': await signed(g.slice(0, 6), signer), 'tue.ndjson': await signed(g, signer), 'later.ndjson': await signed(g.slice(3), signer) });
    expect(await logsCommand(['report', 'tue.ndjson', 'later.ndjson', 'mon.ndjson'], io)).toBe(0);
    expect(io.files['report.html']).toContain('<dt>Events</dt><dd>11 (and 14 found again in another file, counted once)</dd>');
  });
});

describe('row 2: logs verify --keys with a keys file that lists a second key, or an edited log.key', () => {
  it('a keys file giving the install a second (the attacker’s) key is refused, naming the install', async () => {
    const files = await pair();
    const io = memoryIO({ ...files, 'keys2.ndjson': files['keys.ndjson'] + JSON.stringify({ installId: INSTALL, publicKey: attacker.publicKey }) + '\n' });
    expect(await logsCommand(['verify', '--keys', 'keys2.ndjson', 'forged.ndjson'], io)).toBe(1);
    expect(io.stderr.join('\n')).toBe(`FAIL keys2.ndjson: keys file, line 2: install ${INSTALL} is given a second, different key (the first on line 1): a pinned key must be one key; keep only the log.key your collector received when the install started`);
    expect(io.stdout).toEqual([]);
  });

  it('a log.key line edited to the attacker’s key (its hash no longer matches) pins nothing', async () => {
    const files = await pair();
    const editedKey = files['keys.ndjson'].replace(signer.publicKey, attacker.publicKey);
    const io = memoryIO({ ...files, 'keys3.ndjson': editedKey });
    expect(await logsCommand(['verify', '--keys', 'keys3.ndjson', 'forged.ndjson'], io)).toBe(1);
    expect(io.stderr).toEqual([
      'warning: keys3.ndjson, line 1: not used as a key: a log.key event whose hash does not match its content: it was edited after it was written',
      'FAIL keys3.ndjson: keys file, line 1: no keys in the file (lines of {"installId", "publicKey"} or log.key events)',
    ]);
  });

  it('warns when the file verified is its own keys file', async () => {
    const io = memoryIO(await pair());
    expect(await logsCommand(['verify', '--keys', 'forged.ndjson', 'forged.ndjson'], io)).toBe(0);
    expect(io.stderr.join('\n')).toMatch(/^warning: the keys file is the export being verified: a key taken from the file being checked proves nothing/);
    expect(io.stdout).toContain('  key pinned, but from this same file: that proves nothing about who signed it (see the warning)');
  });
});

/** The command line reading real files, as `npx telehealth-guard` does. */
function diskIO() {
  return { ...memoryIO(), readFile: processIO.readFile, readLines: (p: string) => readLineBatches(p), lastLine: lastLineOf };
}

describe('row 3: one line of 128 MiB; a 1 GB line from a pipe', () => {
  it('verify and report refuse a 128 MiB line at once, naming it', async () => {
    const big = join(dir, 'one-line.ndjson');
    writeFileSync(big, '{"seq":1,"reason":"');
    truncateSync(big, 128 * 1024 * 1024); // sparse: the rest of the line is zero bytes, no line end
    for (const args of [['verify', big], ['report', big, '--out', join(dir, 'r.html')]]) {
      const io = diskIO();
      expect(await logsCommand(args, io)).toBe(1);
      expect(io.stderr.join('\n')).toContain(`FAIL ${big}: line 1 is longer than 1,048,576 bytes (1 MiB); no event is that long: refused without reading the rest`);
    }
  });

  it('a line just over the limit after good ones is refused too; a line at the limit is read (and judged as JSON)', async () => {
    const g = (await signed(await installChain(signer), signer)).split('\n');
    const path = join(dir, 'late-long.ndjson');
    writeFileSync(path, [g[0], g[1], 'x'.repeat(1024 * 1024 + 2), g[2]].join('\n'));
    const io = diskIO();
    expect(await logsCommand(['verify', path], io)).toBe(1);
    expect(io.stderr.join('')).toContain('line 3 is longer than 1,048,576 bytes');
    writeFileSync(path, [g[0], g[1], 'x'.repeat(1024 * 1024), g[2]].join('\n'));
    const io2 = diskIO();
    expect(await logsCommand(['verify', path], io2)).toBe(1);
    expect(io2.stdout.join('')).toContain('line 3: malformed line: not valid JSON');
    // Read whole (no streaming reader): the same limit.
    const io3 = memoryIO({ 'x.ndjson': [g[0], 'x'.repeat(1024 * 1024 + 2)].join('\n') });
    expect(await logsCommand(['verify', 'x.ndjson'], io3)).toBe(1);
    expect(io3.stderr.join('')).toContain('line 2 is longer than 1,048,576 bytes');
  });

  it.each([['verify'], ['report']])('logs %s on an endless line from a pipe stops after the first MiBs (exit 1), not at the end of it', async (sub) => {
    // The compiled command line in a child reading standard input ("-"), a pipe fed until it stops reading (or 256 MiB).
    const child = spawn(process.execPath, ['bin/telehealth-guard.mjs', 'logs', sub, '-', ...(sub === 'report' ? ['--out', join(dir, 'pipe.html')] : [])], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let fed = 0;
    const chunk = Buffer.alloc(1 << 20, 0x61);
    child.stdin.on('error', () => {}); // EPIPE once the command stops reading: expected
    child.stdin.write('{"seq":1,"reason":"');
    while (fed < 256 * (1 << 20) && child.exitCode === null && !child.stdin.destroyed) {
      if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r).once('close', r));
      fed += chunk.length;
    }
    child.stdin.end();
    expect(await exited).toBe(1);
    expect(stderr).toContain('FAIL -: line 1 is longer than 1,048,576 bytes');
    // It read what the limit needs, not the line: the writer was cut off within a few MiB.
    expect(fed).toBeLessThan(16 * (1 << 20));
  }, 60_000);
});

describe('row 4: logs report on many distinct long reasons', () => {
  it('reasons over the schema limit (500 characters) are refused: the export does not verify', async () => {
    const drafts = sampleDrafts().map((d) => (d.reason ? { ...d, reason: 'r'.repeat(2048) } : d));
    const io = memoryIO({ 'long.ndjson': await signed(await installChain(signer, drafts), signer) });
    expect(await logsCommand(['report', 'long.ndjson'], io)).toBe(1);
    expect(io.stderr.join('')).toMatch(/FAIL long\.ndjson: seq 4, line 4: malformed event: field "reason": Too big/);
  });

  it('3,000 distinct reasons at the limit: the report lists the top 100, counts the rest, and stays small', async () => {
    const proceed = sampleDrafts()[2]!;
    const drafts: EventDraft[] = Array.from({ length: 3000 }, (_, i) => ({ ...proceed, reason: `${i} `.padEnd(500, 'é') }));
    const io = memoryIO({ 'many.ndjson': await signed(await installChain(signer, drafts), signer) });
    expect(await logsCommand(['report', 'many.ndjson'], io)).toBe(0);
    const html = io.files['report.html']!;
    expect(html).toContain('And 2,900 more reasons with 2,900 events, not listed (only the 100 largest are).');
    expect(html.length).toBeLessThan(200_000);
  }, 30_000);
});

describe('row 5: an event with a duplicate key ("reason":"FAKE…","reason":"<real>")', () => {
  it('is refused by verify and report, naming the key', async () => {
    const lines = (await pair())['genuine.ndjson'].trimEnd().split('\n');
    const i = lines.findIndex((l) => l.includes(REAL));
    lines[i] = lines[i]!.replace(`"reason":"${REAL}"`, `"reason":"${FAKE}","reason":"${REAL}"`);
    const io = memoryIO({ 'dup.ndjson': lines.join('\n') + '\n' });
    expect(await logsCommand(['verify', 'dup.ndjson'], io)).toBe(1);
    expect(io.stdout).toEqual([`FAIL dup.ndjson: seq ?, line ${i + 1}: malformed line: duplicate key "reason" (only the last one would count): readers disagree on which value counts`]);
    const io2 = memoryIO({ 'dup.ndjson': lines.join('\n') + '\n' });
    expect(await logsCommand(['report', 'dup.ndjson'], io2)).toBe(1);
    expect(io2.files['report.html']).not.toContain(FAKE);
  });

  it('in the signature line too', async () => {
    const text = (await pair())['genuine.ndjson'].trimEnd();
    const io = memoryIO({ 'dup.ndjson': text.replace('"filtered":false', '"filtered":true,"filtered":false') + '\n' });
    expect(await logsCommand(['verify', 'dup.ndjson'], io)).toBe(1);
    expect(io.stdout.join('')).toContain('malformed line: duplicate key "filtered"');
  });
});

describe('row 6: a high-S copy of a valid signature', () => {
  it('is refused (exports are signed low-S)', async () => {
    const text = (await pair())['genuine.ndjson'].trimEnd().split('\n');
    const trailer = JSON.parse(text.at(-1)!) as { signature: string };
    const sig = base64ToBytes(trailer.signature)!;
    // (r, n − s): the same signature's malleable twin.
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    let s = 0n;
    for (const b of sig.subarray(32)) s = (s << 8n) | BigInt(b);
    let t = n - s;
    const twin = new Uint8Array(sig);
    for (let i = 63; i >= 32; i--, t >>= 8n) twin[i] = Number(t & 0xffn);
    text[text.length - 1] = JSON.stringify({ ...trailer, signature: bytesToBase64(twin) });
    const io = memoryIO({ 'twin.ndjson': text.join('\n') + '\n' });
    expect(await logsCommand(['verify', 'twin.ndjson'], io)).toBe(1);
    expect(io.stdout).toEqual(['FAIL twin.ndjson: seq ?, line 12: the signature is in high-S form, the re-encoded twin of a valid signature (exports are signed low-S): the signature line was altered']);
  });
});

describe('row 8: logs report on a tampered file; a filter that matches nothing', () => {
  it('a tampered file: exit 1, FAIL on stderr and first in the report', async () => {
    const io = memoryIO(await pair());
    expect(await logsCommand(['report', 'edited.ndjson'], io)).toBe(1);
    const html = io.files['report.html']!;
    expect(html.indexOf('Read first')).toBeLessThan(html.indexOf('<dl class="totals">'));
    expect(html).toContain('<strong>Not counted:</strong> edited.ndjson: did not verify: line 4, seq 4: hash mismatch');
  });

  it('--install nope: says so, exit 1', async () => {
    const io = memoryIO(await pair());
    expect(await logsCommand(['report', 'genuine.ndjson', '--install', 'nope'], io)).toBe(1);
    expect(io.stderr).toEqual(['FAIL --install nope: matched no event']);
    expect(io.files['report.html']).toContain('<strong>Filter matched nothing:</strong> --install nope');
  });
});

describe('row 9: the report an auditor reads', () => {
  it('incidents with time, install, user, kind and note; plain names; a dark scheme; control and bidi characters shown escaped', async () => {
    const base = sampleDrafts()[0]!;
    const drafts: EventDraft[] = [
      ...sampleDrafts(),
      { ...base, ts: '2025-03-03T09:00:00.000Z', type: 'incident.reported', host: 'zoom.us', user: 'nurse@clinic.example', incident: 'uninvited-guest', note: 'A stranger joined \u001b[31mred\u0007 \u202Eevil' },
    ];
    const io = memoryIO({ 'i.ndjson': await signed(await installChain(signer, drafts), signer) });
    expect(await logsCommand(['report', 'i.ndjson'], io)).toBe(0);
    const html = io.files['report.html']!;
    expect(html).toContain('<h2 id="h-incidents">Incidents reported</h2>');
    expect(html).toContain(
      `<tr><th scope="row">3 Mar 2025, 09:00 UTC</th><td>${INSTALL} (seq 12)</td><td>nurse@clinic.example</td><td>Someone uninvited joined a visit</td><td>A stranger joined <code class="esc">\\u001b</code>[31mred<code class="esc">\\u0007</code> <code class="esc">\\u202e</code>evil</td><td>zoom.us</td></tr>`,
    );
    expect(html).toContain('<span title="facetime">FaceTime</span>');
    expect(html).toContain('Passcode in the link; Personal room reused for every meeting');
    expect(html).toContain('@media (prefers-color-scheme:dark)');
    expect(html).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
});

describe('--keys given a collector\'s whole dump (every event, a few log.key among them)', () => {
  it('only the key lines are kept: 150,000 other events (65 MB) verify under a 40 MB heap, as they did not (out of memory)', async () => {
    const a = await installChain(signer);
    const good = join(dir, 'dump-good.ndjson');
    writeFileSync(good, await signed(a, signer));
    const dump = join(dir, 'collector-dump.ndjson');
    const fd = openSync(dump, 'w');
    writeSync(fd, keysFileFrom(a));
    const other = (i: number) => JSON.stringify({ seq: i, ts: '2025-03-04T12:00:00.000Z', type: 'navigation.warned', installId: INSTALL, host: `h${i}.example.org`, reason: 'r'.repeat(300), hash: 'a'.repeat(64) });
    for (let i = 0; i < 150; i++) writeSync(fd, Array.from({ length: 1000 }, (_, j) => other(i * 1000 + j + 2)).join('\n') + '\n');
    closeSync(fd);
    // The compiled command line is brought up to date first, outside the small heap.
    expect(spawnSync(process.execPath, ['bin/telehealth-guard.mjs', '--help']).status).toBe(0);
    const r = spawnSync(process.execPath, ['--max-old-space-size=40', 'bin/telehealth-guard.mjs', 'logs', 'verify', good, '--keys', dump], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('  key pinned: it is the key --keys gives for this install');
    expect(r.status).toBe(0);
  }, 90_000);
});
