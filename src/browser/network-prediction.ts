/**
 * The browser's network prediction follows the policy (src/core/network-prediction.ts): off
 * while it blocks anything, given back when it blocks nothing. `privacy.network.
 * networkPredictionEnabled` (Chrome, Edge, Firefox; the `privacy` permission) is the one
 * setting for DNS prefetch, preconnect, prefetch and prerender. Where a browser policy already
 * controls it (deploy writes NetworkPredictionOptions = 2 for Chrome and Edge, NetworkPrediction
 * = false for Firefox), the extension cannot and need not change it.
 */
import { predictionOff } from '../core/network-prediction.ts';
import type { Policy } from '../core/policy/schema.ts';

export type PredictionState = 'off' | 'restored' | 'browser-policy' | 'unavailable';

export async function applyNetworkPrediction(policy: Policy): Promise<PredictionState> {
  const setting = browser.privacy?.network?.networkPredictionEnabled;
  if (!setting) return 'unavailable';
  try {
    const current = await setting.get({});
    // A browser policy decides (deploy's NetworkPredictionOptions / NetworkPrediction), or
    // another extension holds it with precedence: nothing this extension sets would apply.
    if (current.levelOfControl === 'not_controllable' || current.levelOfControl === 'controlled_by_other_extensions') return 'browser-policy';
    if (predictionOff(policy)) {
      if (current.levelOfControl !== 'controlled_by_this_extension' || current.value !== false) await setting.set({ value: false });
      return 'off';
    }
    // Nothing blocked: hand the person's own setting back (only what this extension set).
    if (current.levelOfControl === 'controlled_by_this_extension') await setting.clear({});
    return 'restored';
  } catch {
    return 'unavailable';
  }
}
