/**
 * Zoom links (docs/meeting-links.md, "Shapes recognised"): hosts zoom.us, zoomgov.com and zoom-x.de (Zoom's
 * German service) and their subdomains; paths /j /w /s /my /wc; the app schemes zoommtg:,
 * zoomus:, zoomgovmtg:.
 */
import { facts, PLATFORM_DOMAINS, type Facts } from '../types.ts';
import { DIGITS, hasValue, labelUnder, param, segmentsOf, ZOOM_APP_SCHEMES } from '../url.ts';

const ZOOM_ID = /^\d{9,11}$/;
/** Cluster hosts (us05web, eu02web, …) name no account. */
const ZOOM_CLUSTER = /^[a-z]{2}\d+web$/;
/** ZoomGov's scheduled meetings have 10-digit ids starting 160 or 161: not Personal Meeting IDs. */
const ZOOMGOV_SCHEDULED = /^16[01]\d{7}$/;

function zoomTenant(host: string): string | null {
  for (const base of PLATFORM_DOMAINS.zoom) {
    const sub = labelUnder(host, base);
    if (sub === null) continue;
    if (ZOOM_CLUSTER.test(sub) || sub === 'app' || sub === 'www') return null;
    return sub;
  }
  return null;
}

function isZoomGov(host: string): boolean {
  return host === 'zoomgov.com' || host.endsWith('.zoomgov.com');
}

export function zoom(url: URL, host: string): Facts | null {
  const appScheme = ZOOM_APP_SCHEMES.has(url.protocol);
  const segs = segmentsOf(url.pathname);
  const s0 = segs[0]?.toLowerCase();
  const s1 = segs[1];
  let isMeeting = false;
  let rawId: string | null = null;
  let personal = false;
  let start = false;

  if (appScheme) {
    // zoommtg://zoom.us/join?action=join&confno=<id>&pwd=…; /start or action=start starts it as the host.
    const confno = param(url, 'confno');
    if (confno !== null) {
      isMeeting = true;
      rawId = confno.trim();
      start = s0 === 'start' || param(url, 'action')?.trim().toLowerCase() === 'start';
    }
  } else if ((s0 === 'j' || s0 === 'w' || s0 === 's') && s1 !== undefined) {
    isMeeting = true;
    rawId = s1;
    start = s0 === 's';
  } else if (s0 === 'my' && s1 !== undefined) {
    isMeeting = true;
    personal = true;
  } else if (s0 === 'wc') {
    // /wc/<id>/join, /wc/join/<id>, and the web client's start page /wc/<id>/start.
    if (s1?.toLowerCase() === 'join' && segs[2] !== undefined) rawId = segs[2];
    else if (s1 !== undefined && DIGITS.test(s1)) {
      rawId = s1;
      start = segs[2]?.toLowerCase() === 'start';
    }
    isMeeting = rawId !== null;
  }
  // Any zak= (host token) makes it the host's start link, whatever the path.
  if (param(url, 'zak') !== null) {
    isMeeting = true;
    start = true;
  }
  if (!isMeeting) return null;

  const meetingId = rawId !== null && ZOOM_ID.test(rawId) ? rawId : null;
  if (meetingId !== null && meetingId.length === 10 && !(isZoomGov(host) && ZOOMGOV_SCHEDULED.test(meetingId))) personal = true;
  return facts('zoom', {
    meetingId,
    personalRoom: personal,
    passcode: hasValue(param(url, 'pwd')) ? 'embedded' : 'unknown',
    tenant: zoomTenant(host),
    startLink: start,
  });
}
