/**
 * The browser policies `deploy` writes beside the extension's policy so the guard cannot
 * be side-stepped (README, "Side doors"): the extension does not run in incognito/InPrivate
 * or private windows unless allowed there, nor in guest profiles, so those are switched
 * off; and a force-installed extension cannot be removed or turned off.
 *
 * Written by default; `deploy --no-hardening` leaves them out. The names and values are
 * the vendors' own (Chrome Enterprise policy list, Microsoft Edge browser policy
 * reference, Mozilla's policy templates); each target writes the ones its format can
 * carry, and says in its instructions where to set the others.
 */
import type { Json, PolicyObject } from './formats.ts';

export interface SideDoor {
  /** The browser policy's exact name. */
  name: string;
  value: Json;
  /** What it closes, for the command's output and the README. */
  closes: string;
}

/** Google Chrome and Chromium. */
export const CHROME_SIDE_DOORS: readonly SideDoor[] = [
  // 0 available, 1 disabled, 2 forced.
  { name: 'IncognitoModeAvailability', value: 1, closes: 'incognito windows, where the extension does not run unless allowed' },
  { name: 'BrowserGuestModeEnabled', value: false, closes: 'guest profiles, which run no extensions' },
  // 0 predict on any network, 1 not on cellular, 2 never (Chrome Enterprise policy list).
  { name: 'NetworkPredictionOptions', value: 2, closes: 'network prediction: preconnect, DNS prefetch, prefetch and prerender hints that name a blocked host before any request (src/core/network-prediction.ts)' },
];

/** Microsoft Edge: the same switches, under Edge's own name for incognito. */
export const EDGE_SIDE_DOORS: readonly SideDoor[] = [
  // 0 available, 1 disabled, 2 forced. Edge has no IncognitoModeAvailability.
  { name: 'InPrivateModeAvailability', value: 1, closes: 'InPrivate windows, where the extension does not run unless allowed' },
  { name: 'BrowserGuestModeEnabled', value: false, closes: 'guest profiles, which run no extensions' },
  // Edge's policy of the same name and values (Microsoft Edge browser policy reference).
  { name: 'NetworkPredictionOptions', value: 2, closes: 'network prediction: preconnect, DNS prefetch, prefetch and prerender hints that name a blocked host before any request' },
];

/**
 * Firefox has no guest profile. `DisablePrivateBrowsing` works in every Firefox with
 * policies (ESR 115 included); Firefox 130 / ESR 128.3 and later also know
 * `PrivateBrowsingModeAvailability: 1`, which means the same.
 */
export const FIREFOX_SIDE_DOORS: readonly SideDoor[] = [
  { name: 'DisablePrivateBrowsing', value: true, closes: 'private windows, where the add-on does not run unless allowed' },
  // Mozilla's policy templates: "NetworkPrediction: Enable or disable network prediction (DNS
  // prefetching)", Firefox 67 / ESR 60.7; locks network.dns.disablePrefetch and
  // network.dns.disablePrefetchFromHTTPS.
  { name: 'NetworkPrediction', value: false, closes: 'network prediction (DNS prefetching) that names a blocked host before any request' },
];

/**
 * With a force-install entry, Firefox can also let the add-on into private windows
 * (`ExtensionSettings` → `private_browsing`), so it still guards them should private
 * browsing be turned back on.
 */
export const FIREFOX_PRIVATE_BROWSING = { private_browsing: true } as const;

export function sideDoorPolicies(doors: readonly SideDoor[]): PolicyObject {
  return Object.fromEntries(doors.map((d) => [d.name, d.value]));
}

/** One line for the command's output: what was written and why. */
export function sideDoorSummary(browser: string, doors: readonly SideDoor[]): string {
  return `Side doors closed for ${browser}: ${doors.map((d) => `${d.name}=${JSON.stringify(d.value)} (${d.closes})`).join('; ')}. Leave them out with --no-hardening.`;
}
