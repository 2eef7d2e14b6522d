/**
 * The glue that applies core/network-prediction.ts to the browser's own setting: set off while
 * something is blocked, handed back (cleared) when nothing is, and left alone where a browser
 * policy or another extension decides. The real browser is test/e2e/network-prediction.spec.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { applyNetworkPrediction } from '../../src/browser/network-prediction.ts';
import { policySchema } from '../../src/core/policy/schema.ts';

(globalThis as { browser?: unknown }).browser = fakeBrowser;

type Level = 'not_controllable' | 'controlled_by_other_extensions' | 'controllable_by_this_extension' | 'controlled_by_this_extension';
let state: { value: boolean; levelOfControl: Level };
const calls: string[] = [];
beforeEach(() => {
  state = { value: true, levelOfControl: 'controllable_by_this_extension' };
  calls.length = 0;
  Object.assign(fakeBrowser, {
    privacy: {
      network: {
        networkPredictionEnabled: {
          get: async () => ({ ...state }),
          set: async ({ value }: { value: boolean }) => {
            calls.push(`set ${value}`);
            state = { value, levelOfControl: 'controlled_by_this_extension' };
          },
          clear: async () => {
            calls.push('clear');
            state = { value: true, levelOfControl: 'controllable_by_this_extension' };
          },
        },
      },
    },
  });
});

const blocking = policySchema.parse({ schemaVersion: 1, services: { telegram: 'block' } });
const open = policySchema.parse({ schemaVersion: 1 });

describe('applyNetworkPrediction', () => {
  it('turns prediction off while a host is blocked, once, and gives it back when nothing is', async () => {
    expect(await applyNetworkPrediction(blocking)).toBe('off');
    expect(await applyNetworkPrediction(blocking)).toBe('off');
    expect(calls).toEqual(['set false']);
    expect(await applyNetworkPrediction(open)).toBe('restored');
    expect(calls).toEqual(['set false', 'clear']);
    // What the person set themselves is not touched when nothing is blocked.
    state = { value: false, levelOfControl: 'controllable_by_this_extension' };
    expect(await applyNetworkPrediction(open)).toBe('restored');
    expect(calls).toEqual(['set false', 'clear']);
  });

  it('leaves it to a browser policy (deploy’s NetworkPredictionOptions) or another extension', async () => {
    for (const levelOfControl of ['not_controllable', 'controlled_by_other_extensions'] as const) {
      state = { value: false, levelOfControl };
      expect(await applyNetworkPrediction(blocking)).toBe('browser-policy');
    }
    expect(calls).toEqual([]);
  });

  it('a browser without the setting, or one that throws, never stops the policy from loading', async () => {
    (fakeBrowser as unknown as { privacy: unknown }).privacy = undefined;
    expect(await applyNetworkPrediction(blocking)).toBe('unavailable');
    Object.assign(fakeBrowser, { privacy: { network: { networkPredictionEnabled: { get: async () => Promise.reject(new Error('nope')) } } } });
    expect(await applyNetworkPrediction(blocking)).toBe('unavailable');
  });
});
