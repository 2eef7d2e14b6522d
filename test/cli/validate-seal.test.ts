import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/main.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { checkSeal } from '../../src/core/policy/seal.ts';

const run = async (argv: string[], files: Record<string, string> = {}) => {
  const io = memoryIO(files);
  const code = await runCommand(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
};
const strict = readFileSync('policies/examples/strict-hospital.json', 'utf8');

describe('telehealth-guard validate and the seal (docs/policy-format.md 1.2)', () => {
  it('--seal prints the policy as written with its seal, which the extension accepts', async () => {
    const r = await run(['validate', '--seal', 'p.json'], { 'p.json': strict });
    expect(r.code, r.err).toBe(0);
    const sealed = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(sealed)).toEqual([...Object.keys(JSON.parse(strict)), 'seal']);
    expect(sealed.seal).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await checkSeal(sealed)).toBe('valid');
    // validate checks it: valid, and says so in the summary.
    const v = await run(['validate', 's.json'], { 's.json': r.out });
    expect(v.code).toBe(0);
    expect(v.out).toMatch(new RegExp(`^  seal: +${String(sealed.seal)} \\(matches this file\\)$`, 'm'));
    // Without a seal the summary says how to get one.
    expect((await run(['validate', 'p.json'], { 'p.json': strict })).out).toMatch(/^  seal: +none \(deploy seals by default/m);
  });

  it('a file edited after sealing is refused, and --seal seals it again', async () => {
    const sealed = JSON.parse((await run(['validate', '--seal', 'p.json'], { 'p.json': strict })).out) as Record<string, unknown>;
    const edited = JSON.stringify({ ...sealed, defaultAction: 'block' }, null, 2);
    const v = await run(['validate', 'e.json'], { 'e.json': edited });
    expect(v.code).toBe(1);
    expect(v.err).toBe('e.json: invalid policy, 1 problem:');
    expect(v.out).toBe('seal: does not match the policy: it was changed after it was sealed (seal it again: telehealth-guard validate --seal, or deploy, which seals)');
    const again = await run(['validate', '--seal', 'e.json'], { 'e.json': edited });
    expect(again.code).toBe(0);
    const resealed = JSON.parse(again.out) as Record<string, unknown>;
    expect(resealed.seal).not.toBe(sealed.seal);
    expect(await checkSeal(resealed)).toBe('valid');
    // A malformed seal is a schema problem, named as such.
    expect((await run(['validate', 'm.json'], { 'm.json': JSON.stringify({ schemaVersion: 1, seal: 'sha256:XYZ' }) })).out).toMatch(/^seal: must be "sha256:" and 64 lower-case hex characters/);
  });

  it('a whole number written as 30.0 or 1e5 is named: Chromium would drop it (tried on Chromium 156)', async () => {
    const text = '{\n  "schemaVersion": 1.0,\n  "warn": { "bypassMinutes": 30.0 },\n  "logging": { "maxEvents": 1e5, "retentionDays": 30 }\n}';
    const v = await run(['validate', 'f.json'], { 'f.json': text });
    expect(v.code).toBe(1);
    expect(v.out.split('\n')).toEqual([
      'schemaVersion: 1.0 is a whole number written with a decimal point or exponent, which Chrome and Edge read as a fraction and drop where a whole number belongs (line 2, column 20): write 1',
      'warn.bypassMinutes: 30.0 is a whole number written with a decimal point or exponent, which Chrome and Edge read as a fraction and drop where a whole number belongs (line 3, column 30): write 30',
      'logging.maxEvents: 1e5 is a whole number written with a decimal point or exponent, which Chrome and Edge read as a fraction and drop where a whole number belongs (line 4, column 29): write 100000',
    ]);
    // --seal and deploy write every number in its plain form.
    const sealed = await run(['validate', '--seal', 'f.json'], { 'f.json': text });
    expect(sealed.out).toContain('"bypassMinutes": 30\n');
    expect((await run(['validate', 's.json'], { 's.json': sealed.out })).code).toBe(0);
  });

  it('--seal refuses an invalid policy and takes one file', async () => {
    const bad = await run(['validate', '--seal', 'b.json'], { 'b.json': '{"schemaVersion":1,"services":["telegram"]}' });
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('b.json: invalid policy, 1 problem; not sealed:');
    expect(bad.out).toMatch(/^services: must be an object/);
    expect((await run(['validate', '--seal', 'a.json', 'b.json'], { 'a.json': strict, 'b.json': strict })).code).toBe(2);
  });
});
