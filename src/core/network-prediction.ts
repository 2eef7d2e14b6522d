/**
 * No hint to a blocked host (README, "Side doors"): the browser's network prediction opens
 * connections before any request is made — `<link rel=preconnect>` and `dns-prefetch` on an
 * allowed page, prefetch and prerender hints, speculation rules, the address bar's guesses.
 * A preconnect is a DNS lookup and a TLS handshake naming the host; no request follows, so no
 * declarativeNetRequest rule ever sees it (tried on Chromium 156: `<link rel=preconnect
 * href="https://telegram.org/">` on an allowed page reached the blocked host). While a policy
 * blocks anything, the extension turns prediction off; when nothing is blocked it gives the
 * setting back. Pure: src/browser/network-prediction.ts applies it.
 */
import type { Policy } from './policy/schema.ts';

/** True when the policy blocks some host: then the browser's network prediction stays off. */
export function predictionOff(policy: Pick<Policy, 'defaultAction' | 'categories' | 'services' | 'rules'>): boolean {
  return (
    policy.defaultAction === 'block' ||
    Object.values(policy.categories).includes('block') ||
    Object.values(policy.services).includes('block') ||
    policy.rules.some((r) => r.action === 'block')
  );
}
