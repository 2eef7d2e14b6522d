/**
 * The browser's own camera and microphone settings the extension sets on Chrome and Edge
 * (`contentSettings.camera` / `.microphone`; docs/camera-and-microphone.md): the browser then
 * refuses capture itself, whatever the page does (a page that gets round the extension's
 * wrapper, through a fresh frame say, is refused all the same).
 *
 * Under `media.action` `block` or `warn`: block everywhere (`<all_urls>`), allow the
 * sanctioned sites (each host and its subdomains), and under `warn` allow each origin a person
 * continued on, exactly, until its allowance ends. A more specific pattern wins (Chrome's
 * documented precedence), so the allows beat the block. Under `allow`: nothing — every rule
 * the extension set is cleared and the person's own settings apply again.
 *
 * The extension's `allow` grants without a prompt, as Chrome's own `VideoCaptureAllowedUrls`
 * policy does for the same sites (the hard floor `deploy` writes).
 */
import { isIpHost } from '../hosts.ts';
import type { Policy } from '../policy/schema.ts';
import type { MediaAllowance } from './decide.ts';
import type { CaptureSite } from './sites.ts';

export type CaptureSetting = 'allow' | 'block';
export interface CaptureSettingRule {
  primaryPattern: string;
  setting: CaptureSetting;
}

export const ALL_URLS = '<all_urls>';

/** A content-setting pattern for a host and its subdomains (an IP address: itself only). */
export function sitePattern(host: string): string {
  return isIpHost(host) ? `*://${host}/*` : `*://*.${host}/*`;
}

/** The rules for the policy in force, in the order they are set; empty: clear everything. */
export function captureSettings(policy: Policy, sites: readonly CaptureSite[], allowances: readonly MediaAllowance[], now: number): CaptureSettingRule[] {
  if (policy.media.action === 'allow') return [];
  const rules: CaptureSettingRule[] = [{ primaryPattern: ALL_URLS, setting: 'block' }];
  for (const s of sites) rules.push({ primaryPattern: sitePattern(s.host), setting: 'allow' });
  if (policy.media.action === 'warn') {
    for (const a of allowances) if (a.expiresAt > now) rules.push({ primaryPattern: `${a.origin}/*`, setting: 'allow' });
  }
  return rules;
}

/**
 * What to set to go from the rules in force to `desired`, never lifting the block on the way:
 * a pattern no longer wanted is set to `block` (a block beside `<all_urls>` changes nothing)
 * rather than cleared, since clearing removes every rule at once. `clear` only when nothing
 * is wanted (media.action allow).
 */
export function settingChanges(applied: Readonly<Record<string, CaptureSetting>>, desired: readonly CaptureSettingRule[]): { clear: boolean; set: CaptureSettingRule[]; next: Record<string, CaptureSetting> } {
  if (desired.length === 0) return { clear: Object.keys(applied).length > 0, set: [], next: {} };
  const next: Record<string, CaptureSetting> = {};
  const set: CaptureSettingRule[] = [];
  for (const r of desired) {
    next[r.primaryPattern] = r.setting;
    if (applied[r.primaryPattern] !== r.setting) set.push(r);
  }
  for (const [pattern, setting] of Object.entries(applied)) {
    if (pattern in next) continue;
    next[pattern] = 'block';
    if (setting !== 'block') set.push({ primaryPattern: pattern, setting: 'block' });
  }
  // The block first, so an allow is never in force without it.
  set.sort((a, b) => (a.primaryPattern === ALL_URLS ? -1 : b.primaryPattern === ALL_URLS ? 1 : 0));
  return { clear: false, set, next };
}
