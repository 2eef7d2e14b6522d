import { describe, expect, it } from 'vitest';
import { sealOf, preparePush } from '../../../src/cli/deploy/prepare.ts';
import { appliedFindings } from '../../../src/core/policy/applied.ts';
import { resolvePolicy, resolvePolicyChecked } from '../../../src/core/policy/resolve.ts';
import { checkSeal, computeSeal, POLICY_UNSEALED_FINDING, SEAL_MISMATCH, sealInput } from '../../../src/core/policy/seal.ts';
import { parsePolicy, formatProblem } from '../../../src/core/policy/parse.ts';

const POLICY = {
  schemaVersion: 1,
  policyVersion: 'seal-1',
  organization: { name: 'St Émile Health 🏥', supportContact: 'x4357' },
  categories: { 'consumer-video': 'block', 'consumer-messaging': 'warn' },
  services: { telegram: 'block', facetime: 'block' },
  rules: [{ match: 'chat.example-consumer.com', action: 'block', label: 'Example Chat' }],
  warn: { bypassMinutes: 30, requireReason: true },
};

const sealed = async (p: Record<string, unknown>): Promise<Record<string, unknown>> => ({ ...p, seal: await computeSeal(p) });

describe('the seal (docs/policy-format.md 1.2)', () => {
  it('is sha256: and the hex SHA-256 of the canonical policy without its seal', async () => {
    const seal = await computeSeal(POLICY);
    expect(seal).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Keys sorted by code unit at every level, no whitespace, strings as JSON.stringify writes them.
    expect(sealInput({ b: 1, a: { d: [2, 1], c: 'é' }, seal: 'x' })).toBe('{"a":{"c":"é","d":[2,1]},"b":1}');
    const { createHash } = await import('node:crypto');
    expect(seal).toBe('sha256:' + createHash('sha256').update(sealInput(POLICY), 'utf8').digest('hex'));
    // The command line's Node hash and the extension's WebCrypto hash agree.
    expect(sealOf(POLICY)).toBe(seal);
    // The seal itself is not part of what it seals.
    expect(await computeSeal({ ...POLICY, seal: 'anything' })).toBe(seal);
  });

  it('survives what the way to the browser changes: key order, whitespace, escapes, number spellings', async () => {
    const p = await sealed(POLICY);
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(p).reverse())));
    expect(await checkSeal(reordered)).toBe('valid');
    // The same JSON written with \u escapes, 30.0 for 30, 1e0 for 1, and spaces.
    const text = JSON.stringify(p, null, 4)
      .replace('"St Émile Health 🏥"', '"St \\u00c9mile Health \\ud83c\\udfe5"')
      .replace('"bypassMinutes": 30', '"bypassMinutes": 30.0')
      .replace('"schemaVersion": 1', '"schemaVersion": 1e0');
    expect(text).toContain('30.0');
    expect(await checkSeal(JSON.parse(text))).toBe('valid');
  });

  it('does not survive a value dropped, added or changed: the browser trimming a wrong JSON type', async () => {
    // Each row of issue 18: IT's push with one value of the wrong JSON type, and what Chromium
    // hands the extension after its managed-schema check drops it.
    const rows: Array<[string, Record<string, unknown>, (p: Record<string, unknown>) => Record<string, unknown>]> = [
      ['a rules item "action": 5', { ...POLICY, rules: [{ match: 'chat.example-consumer.com', action: 5 }] }, ({ rules: _, ...rest }) => rest],
      ['"services": ["telegram"]', { ...POLICY, services: ['telegram'] }, ({ services: _, ...rest }) => rest],
      ['"categories": {"consumer-video": 1}', { ...POLICY, categories: { 'consumer-video': 1, 'consumer-messaging': 'warn' } }, (p) => ({ ...p, categories: { 'consumer-messaging': 'warn' } })],
    ];
    for (const [what, pushed, trim] of rows) {
      const delivered = trim(await sealed(pushed));
      // What is left is a valid policy — the reason a seal is needed at all.
      expect(parsePolicy(delivered).ok, what).toBe(true);
      expect(await checkSeal(delivered), what).toBe('mismatch');
    }
    const p = await sealed(POLICY);
    expect(await checkSeal({ ...p, policyVersion: 'seal-2' })).toBe('mismatch');
    expect(await checkSeal({ ...p, defaultAction: 'block' })).toBe('mismatch');
  });

  it('a seal that is not a well-formed string never counts as "no seal"', async () => {
    expect(await checkSeal(POLICY)).toBe('unsealed');
    expect(await checkSeal({ ...POLICY, seal: 5 })).toBe('mismatch');
    expect(await checkSeal({ ...POLICY, seal: null })).toBe('mismatch');
    expect(await checkSeal({ ...POLICY, seal: '' })).toBe('mismatch');
    expect(await checkSeal({ ...POLICY, seal: (await computeSeal(POLICY)).toUpperCase() })).toBe('mismatch');
  });
});

describe('a managed push and its seal (resolve)', () => {
  const previous = { schemaVersion: 1, policyVersion: 'before', services: { telegram: 'block', facetime: 'block' } };

  it('a push that does not match its seal is refused whole: the last valid stays (fail closed), the problem is named', async () => {
    const trimmed = (({ services: _, ...rest }) => rest)(await sealed({ ...POLICY, services: ['telegram'] }));
    const r = await resolvePolicyChecked({ managed: trimmed, localText: null, lastValid: { managed: previous } });
    expect(r.source).toBe('managed');
    expect(r.fromLastValid).toBe(true);
    expect(r.policy.policyVersion).toBe('before');
    expect(r.policy.services).toEqual({ telegram: 'block', facetime: 'block' });
    expect(r.problems.managed!.map(formatProblem)).toEqual([`seal: ${SEAL_MISMATCH}`]);
    expect(formatProblem(r.problems.managed![0]!)).toBe('seal: the browser delivered a different policy than was sealed');
    expect(r.lastValid.managed).toEqual(previous);
    // Never in force before: the next source down, never the trimmed push.
    const fresh = await resolvePolicyChecked({ managed: trimmed, localText: null, lastValid: {} });
    expect([fresh.source, fresh.policy.policyVersion]).toEqual(['default', 'built-in-default']);
  });

  it('a sealed push that also has other problems lists the seal first, then the rest', async () => {
    const p = { ...(await sealed({ ...POLICY, warn: { bypassMinutes: 30 } })), warn: { bypassMinutes: 5000 } };
    const r = await resolvePolicyChecked({ managed: p, localText: null, lastValid: { managed: previous } });
    expect(r.problems.managed!.map(formatProblem)).toEqual([`seal: ${SEAL_MISMATCH}`, 'warn.bypassMinutes: must be at most 1440']);
  });

  it('sealed and matching: applied, not marked; without a seal: applied, marked unsealed and recorded so', async () => {
    const ok = await resolvePolicyChecked({ managed: await sealed(POLICY), localText: null, lastValid: {} });
    expect([ok.source, ok.fromLastValid, ok.unsealed, ok.problems]).toEqual(['managed', false, false, {}]);
    expect(appliedFindings(ok)).toEqual([]);
    const bare = await resolvePolicyChecked({ managed: POLICY, localText: null, lastValid: {} });
    expect([bare.source, bare.fromLastValid, bare.unsealed, bare.problems]).toEqual(['managed', false, true, {}]);
    expect(appliedFindings(bare)).toEqual([POLICY_UNSEALED_FINDING]);
    expect(appliedFindings({ ...bare, policy: { ...bare.policy, tenantRestrictions: { google: { allowedDomains: ['a.example'] } } } })).toEqual(['tenant-restrictions:google', 'policy-unsealed']);
    // Local and built-in policies need no seal and are never marked.
    const local = await resolvePolicyChecked({ managed: {}, localText: JSON.stringify(POLICY), lastValid: {} });
    expect([local.source, local.unsealed]).toEqual(['local', false]);
  });

  it('a seal nobody checked is not trusted (resolvePolicy without the verdict)', async () => {
    const r = resolvePolicy({ managed: await sealed(POLICY), localText: null, lastValid: { managed: previous } });
    expect(r.problems.managed!.map(formatProblem)).toEqual([`seal: ${SEAL_MISMATCH}`]);
    expect(r.policy.policyVersion).toBe('before');
  });

  it('deploy writes what the extension accepts as sealed', async () => {
    const pushed = preparePush(POLICY, { incognitoOff: true, seal: true }).policy;
    expect(await checkSeal(pushed)).toBe('valid');
    expect((await resolvePolicyChecked({ managed: pushed, localText: null, lastValid: {} })).unsealed).toBe(false);
  });
});
