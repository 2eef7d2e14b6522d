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

/** One line for the command's output. */
export function captureFloorLine(raw: PolicyObject, browser: FloorBrowser): string[] {
  const floor = captureFloor(raw, browser);
  const names = Object.keys(floor);
  if (names.length === 0) return [];
  return [`Camera and microphone (media.action ${String((raw.media as { action?: string } | undefined)?.action)}): ${names.join(', ')} written, so the browser itself refuses capture on sites that are not sanctioned. Leave them out with --no-hardening.`];
}

/** For formats that carry only the extension's policy (Google Admin, ADMX): where to set them instead. */
export function captureFloorAdvice(raw: PolicyObject): string[] {
  const floor = captureFloor(raw, 'chrome');
  if (Object.keys(floor).length === 0) return [];
  return [`Camera and microphone: also set ${Object.entries(floor).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('; ')} (Chrome and Edge browser policies).`];
}
