import { describe, expect, it } from 'vitest';
import { MANAGED_MISSING, resolvePolicy } from '../../../src/core/policy/resolve.ts';

const strict = { schemaVersion: 1, policyVersion: 'managed-1', categories: { 'consumer-video': 'block' } };
const broken = { schemaVersion: 1, policyVersion: 'managed-2', defaultAction: 'deny' };
const local = JSON.stringify({ schemaVersion: 1, policyVersion: 'local-1' });

describe('which policy is in force', () => {
  it('nothing pushed or imported: the built-in default', () => {
    const r = resolvePolicy({ managed: {}, localText: null, lastValid: {} });
    expect(r.source).toBe('default');
    expect(r.policy.policyVersion).toBe('built-in-default');
    expect(r.managedPresent).toBe(false);
  });

  it('a valid managed policy wins over a local one and is remembered', () => {
    const r = resolvePolicy({ managed: strict, localText: local, lastValid: {} });
    expect(r.source).toBe('managed');
    expect(r.policy.policyVersion).toBe('managed-1');
    expect(r.lastValid.managed).toEqual(strict);
  });

  it('an invalid managed push keeps the last valid managed policy and reports every problem', () => {
    const r = resolvePolicy({ managed: broken, localText: local, lastValid: { managed: strict } });
    expect(r.source).toBe('managed');
    expect(r.fromLastValid).toBe(true);
    expect(r.policy.policyVersion).toBe('managed-1');
    expect(r.policy.categories['consumer-video']).toBe('block');
    expect(r.problems.managed?.map((p) => p.path)).toEqual(['defaultAction']);
    expect(r.lastValid.managed).toEqual(strict);
  });

  it('an invalid managed policy that was never valid falls to the next source down', () => {
    expect(resolvePolicy({ managed: broken, localText: local, lastValid: {} }).source).toBe('local');
    const r = resolvePolicy({ managed: broken, localText: null, lastValid: {} });
    expect(r.source).toBe('default');
    expect(r.problems.managed).toHaveLength(1);
  });

  it('a local policy applies when nothing is managed; a broken one keeps the last valid local', () => {
    expect(resolvePolicy({ managed: null, localText: local, lastValid: {} }).policy.policyVersion).toBe('local-1');
    const r = resolvePolicy({ managed: null, localText: '{"schemaVersion":1,', lastValid: { local: JSON.parse(local) } });
    expect(r.source).toBe('local');
    expect(r.fromLastValid).toBe(true);
    expect(r.problems.local?.[0]?.message).toMatch(/invalid JSON at line 1/);
  });

  it('a refused push names every problem, and none of it applies', () => {
    const typo = { schemaVersion: 1, policyVersion: 'managed-3', services: { whatsap: 'block' }, warn: { bypassMinutes: 5000 }, categories: { 'consumer-video': 'warn' } };
    const r = resolvePolicy({ managed: typo, localText: null, lastValid: { managed: strict } });
    expect(r.policy.policyVersion).toBe('managed-1');
    expect(r.policy.categories['consumer-video']).toBe('block');
    expect(r.problems.managed?.map((p) => p.path).sort()).toEqual(['services.whatsap', 'warn.bypassMinutes']);
  });

  // Fail closed (docs/policy-format.md 1.1): the managed file removed, emptied or unreadable
  // must not drop the profile to a weaker local or built-in policy.
  it.each([
    ['removed or emptied ({})', {}],
    ['unreadable (storage.managed throws)', null],
  ])('a managed policy that was in force and is now %s stays in force, and says so', (_what, managed) => {
    const r = resolvePolicy({ managed, localText: local, lastValid: { managed: strict, local: JSON.parse(local) } });
    expect(r.source).toBe('managed');
    expect(r.policy.policyVersion).toBe('managed-1');
    expect(r.policy.categories['consumer-video']).toBe('block');
    expect(r.fromLastValid).toBe(true);
    expect(r.managedMissing).toBe(true);
    expect(r.problems.managed).toEqual([{ path: '', message: MANAGED_MISSING }]);
    expect(r.lastValid.managed).toEqual(strict);
  });

  it('only a valid managed policy replaces the one kept in force', () => {
    const kept = resolvePolicy({ managed: {}, localText: null, lastValid: { managed: strict } });
    const next = { schemaVersion: 1, policyVersion: 'managed-4' };
    const r = resolvePolicy({ managed: next, localText: null, lastValid: kept.lastValid });
    expect(r.policy.policyVersion).toBe('managed-4');
    expect(r.managedMissing).toBe(false);
    expect(r.problems).toEqual({});
    expect(r.lastValid.managed).toEqual(next);
  });

  it('a profile that was never managed is not affected: no managed policy, no problem', () => {
    const r = resolvePolicy({ managed: null, localText: null, lastValid: {} });
    expect(r.source).toBe('default');
    expect(r.managedMissing).toBe(false);
    expect(r.problems).toEqual({});
  });
});
