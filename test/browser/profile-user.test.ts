/** `user` on events under logging.recordUser (glue over a faked `browser.identity`). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineState } from '../../src/browser/engine.ts';
import { defaultPolicy } from '../../src/core/policy/default.ts';

type Listener = () => void;

function fakeBrowser(identity: object | undefined) {
  vi.stubGlobal('browser', { runtime: { getManifest: () => ({ version: '1.1.0' }) }, ...(identity ? { identity } : {}) });
}

function state(recordUser: boolean): EngineState {
  const policy = defaultPolicy();
  policy.logging.recordUser = recordUser;
  return { resolved: { policy, source: 'managed' } } as unknown as EngineState;
}

beforeEach(() => vi.resetModules());
afterEach(() => vi.unstubAllGlobals());

describe('profileUser', () => {
  it('is the signed-in account from identity.getProfileUserInfo, asked once, again after a sign-in change', async () => {
    const listeners: Listener[] = [];
    let email = 'dr.lee@clinic.example';
    const getProfileUserInfo = vi.fn(async () => ({ email, id: '1' }));
    fakeBrowser({ getProfileUserInfo, onSignInChanged: { addListener: (fn: Listener) => listeners.push(fn) } });
    const { profileUser } = await import('../../src/browser/profile-user.ts');
    expect(await profileUser()).toBe('dr.lee@clinic.example');
    expect(await profileUser()).toBe('dr.lee@clinic.example');
    expect(getProfileUserInfo).toHaveBeenCalledTimes(1);
    expect(getProfileUserInfo).toHaveBeenCalledWith({ accountStatus: 'ANY' });
    email = 'nurse.kim@clinic.example';
    for (const l of listeners) l();
    expect(await profileUser()).toBe('nurse.kim@clinic.example');
  });

  it('nobody signed in (empty e-mail), a failing call, or Firefox (no getProfileUserInfo): no user', async () => {
    fakeBrowser({ getProfileUserInfo: async () => ({ email: '', id: '' }) });
    expect(await (await import('../../src/browser/profile-user.ts')).profileUser()).toBeUndefined();
    vi.resetModules();
    fakeBrowser({ getProfileUserInfo: async () => Promise.reject(new Error('no permission')) });
    expect(await (await import('../../src/browser/profile-user.ts')).profileUser()).toBeUndefined();
    vi.resetModules();
    fakeBrowser({ onSignInChanged: { addListener() {} } });
    expect(await (await import('../../src/browser/profile-user.ts')).profileUser()).toBeUndefined();
    vi.resetModules();
    fakeBrowser(undefined);
    expect(await (await import('../../src/browser/profile-user.ts')).profileUser()).toBeUndefined();
  });
});

describe('draftFor', () => {
  it('puts user on the event only under logging.recordUser', async () => {
    fakeBrowser(undefined);
    const { draftFor } = await import('../../src/browser/recorder.ts');
    const now = new Date('2026-11-30T10:00:00.000Z');
    const input = { type: 'navigation.warned' as const, url: 'https://web.whatsapp.com/chat?x=1' };
    expect(draftFor(input, state(true), now, 'dr.lee@clinic.example')).toMatchObject({ user: 'dr.lee@clinic.example', host: 'web.whatsapp.com' });
    expect(draftFor(input, state(false), now, 'dr.lee@clinic.example')).not.toHaveProperty('user');
    expect(draftFor(input, state(true), now, undefined)).not.toHaveProperty('user');
  });
});
