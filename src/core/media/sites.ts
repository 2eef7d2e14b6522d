/**
 * Where camera, microphone and screen capture are sanctioned (docs/camera-and-microphone.md):
 * the hosts of `sanctionedPlatforms`, the capture hosts of the platforms listed in
 * `meetings.sanctioned`, and `media.allowedSites`. A host pattern matches the host and its
 * subdomains, as everywhere in the policy.
 *
 * Capture is granted per origin by the browser, so a path cannot be enforced: `validate`
 * refuses a path in `media.allowedSites` (policy/schema.ts), and a sanctioned platform's URL
 * counts for its whole host. A meeting platform counts for its web client's hosts whatever
 * the account: the browser cannot tell at capture time whose account a call is on (the
 * meeting-link check judges that when the link is opened).
 */
import { canonicalHost, hostUnder, parseHostPattern } from '../hosts.ts';
import type { Policy } from '../policy/schema.ts';

type SanctionablePlatform = keyof NonNullable<Policy['meetings']['sanctioned']>;

/**
 * The hosts on which each platform's web client asks for the camera (the platforms' own
 * join and web-app addresses). Teams for consumers (`teams.live.com`) is not here: it is a
 * consumer service in the catalog, never a sanctioned Teams tenant.
 */
export const PLATFORM_CAPTURE_HOSTS: Record<SanctionablePlatform, readonly string[]> = {
  zoom: ['zoom.us', 'zoomgov.com', 'zoom-x.de'],
  teams: ['teams.microsoft.com', 'teams.microsoft.us', 'teams.cloud.microsoft'],
  webex: ['webex.com'],
  meet: ['meet.google.com'],
  doxy: ['doxy.me'],
  vsee: ['vsee.me', 'vsee.com'],
  whereby: ['whereby.com'],
  goto: ['meet.goto.com', 'app.goto.com', 'global.gotomeeting.com', 'app.gotomeeting.com'],
  ringcentral: ['v.ringcentral.com', 'meetings.ringcentral.com', 'app.ringcentral.com'],
};

export type CaptureSiteSource = 'platform' | 'meeting' | 'allowed';
export interface CaptureSite {
  /** Canonical host; matches itself and its subdomains. */
  host: string;
  from: CaptureSiteSource;
}

/** A platform under `meetings.sanctioned` counts when listed (Zoom/Teams/Webex) or `allowed: true`. */
function platformListed(entry: unknown): boolean {
  if (entry === undefined || entry === null) return false;
  if (typeof entry === 'object' && 'allowed' in entry) return (entry as { allowed: unknown }).allowed === true;
  return true;
}

/** Every sanctioned capture site of a policy, without duplicates, in a stable order. */
export function sanctionedCaptureSites(policy: Policy): CaptureSite[] {
  const out = new Map<string, CaptureSite>();
  const add = (host: string | null, from: CaptureSiteSource) => {
    if (host && !out.has(host)) out.set(host, { host, from });
  };
  for (const p of policy.sanctionedPlatforms) {
    try {
      add(canonicalHost(new URL(p.url).hostname), 'platform');
    } catch {
      /* validated https URL: unreachable */
    }
  }
  const listed = policy.meetings.sanctioned ?? {};
  for (const platform of Object.keys(PLATFORM_CAPTURE_HOSTS) as SanctionablePlatform[]) {
    if (platformListed(listed[platform])) for (const h of PLATFORM_CAPTURE_HOSTS[platform]) add(h, 'meeting');
  }
  for (const pattern of policy.media.allowedSites) {
    const r = parseHostPattern(pattern);
    if (r.ok) add(r.pattern.host, 'allowed');
  }
  return [...out.values()];
}

/** True when capture on `host` (canonical) is sanctioned by one of `sites`. */
export function captureSanctioned(sites: readonly CaptureSite[], host: string): boolean {
  return sites.some((s) => hostUnder(host, s.host));
}
