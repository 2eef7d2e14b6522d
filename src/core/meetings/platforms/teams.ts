/**
 * Microsoft Teams links (docs/meeting-links.md, "Shapes recognised"): /l/meetup-join/… with the tenant in
 * the `context` JSON, /meet/<digits>?p=…, the hash-routed web clients (/_#/…, /v2/?meetingjoin=
 * true#/…), the app scheme msteams:, and the hosts of the commercial, cloud.microsoft,
 * government (gov., dod.teams.microsoft.us) and consumer (teams.live.com) services.
 */
import { hostUnder } from '../../hosts.ts';
import { facts, PLATFORM_DOMAINS, type Facts } from '../types.ts';
import { DIGITS, hasValue, param, segmentsOf, TEAMS_APP_SCHEME, tryParse, under } from '../url.ts';

/** The tenant id from a Teams `context` parameter (URL-decoded JSON, key `Tid` in any case). */
function teamsTenant(context: string | null): string | null {
  if (context === null) return null;
  const attempts = [context];
  if (context.includes('%')) {
    try {
      attempts.push(decodeURIComponent(context));
    } catch {
      // not double-encoded after all
    }
  }
  for (const text of attempts) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    for (const [k, v] of Object.entries(parsed)) {
      if (k.toLowerCase() === 'tid' && typeof v === 'string' && v.trim() !== '') return v.trim().toLowerCase();
    }
    return null;
  }
  return null;
}

function teamsPath(target: URL, consumer: boolean): Facts | null {
  const segs = segmentsOf(target.pathname);
  const s0 = segs[0]?.toLowerCase();
  const s1 = segs[1];
  if (s0 === 'l' && s1?.toLowerCase() === 'meetup-join') {
    return facts('teams', { consumer, tenant: teamsTenant(param(target, 'context')) });
  }
  if (s0 === 'meet' && s1 !== undefined) {
    return facts('teams', {
      consumer,
      meetingId: DIGITS.test(s1) ? s1 : null,
      passcode: hasValue(param(target, 'p')) ? 'embedded' : 'unknown',
    });
  }
  return null;
}

export function teams(url: URL, host: string): Facts | null {
  const consumer = hostUnder(host, 'teams.live.com');
  const direct = teamsPath(url, consumer);
  if (direct !== null) return direct;
  // Hash-routed web clients: https://teams.microsoft.com/_#/l/meetup-join/…,
  // https://teams.microsoft.com/v2/?meetingjoin=true#/l/meetup-join/…
  if (url.hash.startsWith('#/')) {
    const routed = tryParse(url.hash.slice(1), url.origin);
    if (routed !== null) return teamsPath(routed, consumer);
  }
  return null;
}

/**
 * The app scheme: `msteams:/l/meetup-join/…` (no host: the commercial service) or
 * `msteams://teams.microsoft.com/l/…`, read as the same link on https.
 */
export function teamsAppLink(url: URL, host: string | null): Facts | null {
  if (url.protocol !== TEAMS_APP_SCHEME) return null;
  const onHost = host ?? 'teams.microsoft.com';
  if (!under(onHost, PLATFORM_DOMAINS.teams)) return null;
  const https = tryParse(`https://${onHost}${url.pathname.startsWith('/') ? '' : '/'}${url.pathname}${url.search}${url.hash}`);
  return https === null ? null : teams(https, onHost);
}
