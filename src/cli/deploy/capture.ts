/**
 * The hard floor for camera, microphone and screen capture (README, "Camera and microphone"):
 * the browsers' own policies that refuse capture on sites that are not sanctioned even where
 * the extension is not running (turned off, a profile it is not in, before it starts).
 * Written by `deploy` beside the side doors (hardening.ts) and left out with --no-hardening.
 *
 * Names and value formats are the vendors' (Chrome Enterprise policy list, Microsoft Edge
 * browser policy reference, Mozilla's policy templates):
 * - Chrome, Edge: `VideoCaptureAllowedUrls` / `AudioCaptureAllowedUrls` (granted without a
 *   prompt; URL patterns `https://[*.]host`) under `media.action` warn or block; under block
 *   also `VideoCaptureAllowed` / `AudioCaptureAllowed` = false (everything else refused
 *   without a prompt) and `ScreenCaptureAllowed` = false with `ScreenCaptureAllowedByOrigins`.
 * - Firefox: `Permissions.Camera` / `.Microphone` with `Allow` (exact origins: Firefox's
 *   permissions do not cover subdomains, so each host is listed as `https://<host>`), and under
 *   block `BlockNewRequests` and `Locked`. Firefox has no policy for screen sharing.
 */
import { isIpHost } from '../../core/hosts.ts';
import { sanctionedCaptureSites } from '../../core/media/sites.ts';
import { policySchema } from '../../core/policy/schema.ts';
import type { PolicyObject } from './formats.ts';

export type FloorBrowser = 'chrome' | 'edge' | 'firefox';

/** The capture policies for a browser, or an empty object when media.action is allow. */
export function captureFloor(raw: PolicyObject, browser: FloorBrowser): PolicyObject {
  const policy = policySchema.parse(raw);
  const action = policy.media.action;
  if (action === 'allow') return {};
  const hosts = sanctionedCaptureSites(policy).map((s) => s.host);
  if (browser === 'firefox') {
    const allow = hosts.map((h) => `https://${h}`);
    const entry: PolicyObject = action === 'block' ? { Allow: allow, BlockNewRequests: true, Locked: true } : { Allow: allow };
    return { Permissions: { Camera: entry, Microphone: entry } };
  }
  const urls = hosts.map((h) => (isIpHost(h) ? `https://${h}` : `https://[*.]${h}`));
  return {
    VideoCaptureAllowedUrls: urls,
    AudioCaptureAllowedUrls: urls,
    ...(action === 'block' ? { VideoCaptureAllowed: false, AudioCaptureAllowed: false, ScreenCaptureAllowed: false, ScreenCaptureAllowedByOrigins: urls } : {}),
  };
}

/** The list policies of the floor: a .reg file owns its slots in them (formats.ts, ownedLists). */
export const CAPTURE_LIST_POLICIES = ['VideoCaptureAllowedUrls', 'AudioCaptureAllowedUrls', 'ScreenCaptureAllowedByOrigins'] as const;
/** The switches `block` turns off. */
export const CAPTURE_SWITCHES = ['VideoCaptureAllowed', 'AudioCaptureAllowed', 'ScreenCaptureAllowed'] as const;

/** One line for the command's output. */
export function captureFloorLine(raw: PolicyObject, browser: FloorBrowser): string[] {
  const floor = captureFloor(raw, browser);
  const names = Object.keys(floor);
  if (names.length === 0) return [];
  return [`Camera and microphone (media.action ${String((raw.media as { action?: string } | undefined)?.action)}): ${names.join(', ')} written, so the browser itself refuses capture on sites that are not sanctioned. Leave them out with --no-hardening.`];
}

/**
 * A .reg file sets values and never deletes the organisation's: switches an earlier import
 * turned off under block stay off when the policy relaxes. Say how to turn them back on.
 */
export function captureRelaxLines(raw: PolicyObject, roots: readonly string[]): string[] {
  const floor = captureFloor(raw, 'chrome');
  if (floor.VideoCaptureAllowed === false) return [];
  return [
    `Camera and microphone (media.action ${String((raw.media as { action?: string } | undefined)?.action ?? 'allow')}): the file clears its own list entries, but never the switches. If an earlier import was under block, delete them once:`,
    ...roots.flatMap((root) => CAPTURE_SWITCHES.map((name) => `  reg delete "${root.replace('HKEY_LOCAL_MACHINE', 'HKLM')}" /v ${name} /f`)),
  ];
}

/**
 * For formats that carry only the extension's policy (Google Admin, ADMX): the browser
 * policies to set beside it, one per line, with the values as Chrome's policy list writes them.
 */
export function captureFloorAdvice(raw: PolicyObject, where: string): string[] {
  const floor = captureFloor(raw, 'chrome');
  if (Object.keys(floor).length === 0) return [];
  return [
    `Camera and microphone (media.action ${String((raw.media as { action?: string } | undefined)?.action)}): this file carries only the extension policy. ${where} set these browser policies (Chrome and Edge use the same names), or use --target windows-reg / macos-mobileconfig, which write them:`,
    ...Object.entries(floor).map(([k, v]) => `  ${k} = ${Array.isArray(v) ? v.join(', ') : v === false ? 'false (Disabled)' : JSON.stringify(v)}`),
  ];
}
