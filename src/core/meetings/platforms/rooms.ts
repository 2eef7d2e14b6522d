/**
 * Google Meet, Doxy.me, VSee, Whereby, GoTo Meeting and RingCentral Video links
 * (docs/meeting-links.md). Each is judged per link and sanctioned with
 * `meetings.sanctioned.<platform>.allowed`.
 */
import { hostUnder } from '../../hosts.ts';
import { facts, type Facts } from '../types.ts';
import { DIGITS, hasValue, labelUnder, param, segmentsOf } from '../url.ts';

const MEET_CODE = /^[a-z]{3}-[a-z]{4}-[a-z]{3}$/;

export function meet(url: URL): Facts | null {
  let segs = segmentsOf(url.pathname).map((s) => s.toLowerCase());
  // meet.google.com/_meet/<code>: the same meeting as /<code> (links from Calendar and Chat).
  if (segs[0] === '_meet') segs = segs.slice(1);
  const s0 = segs[0];
  if (s0 === undefined) return null;
  if (MEET_CODE.test(s0)) return facts('meet', { meetingId: s0 });
  if (s0 === 'lookup' && segs[1] !== undefined) return facts('meet', {});
  return null;
}

/** Doxy.me pages that are not rooms. */
const DOXY_NOT_ROOMS = new Set([
  'sign-in', 'signin', 'sign-up', 'signup', 'login', 'account', 'pricing', 'features', 'about',
  'blog', 'help', 'support', 'terms', 'privacy', 'security', 'contact', 'en', 'es', 'fr', 'de',
]);

export function doxy(url: URL): Facts | null {
  const s0 = segmentsOf(url.pathname)[0]?.toLowerCase();
  if (s0 === undefined || DOXY_NOT_ROOMS.has(s0) || s0.includes('.')) return null;
  return facts('doxy', { personalRoom: true, waitingRoom: 'on' });
}

export function vsee(url: URL, host: string): Facts | null {
  const segs = segmentsOf(url.pathname);
  const s0 = segs[0]?.toLowerCase();
  const room = facts('vsee', { personalRoom: true, waitingRoom: 'on' });
  // <clinic>.vsee.me/… is the clinic's waiting room, whatever the path.
  if (labelUnder(host, 'vsee.me') !== null || (hostUnder(host, 'vsee.me') && s0 !== undefined)) return room;
  // vsee.com/u/<name>, vsee.com/c/<clinic>: personal and clinic rooms.
  if (hostUnder(host, 'vsee.com') && (s0 === 'u' || s0 === 'c') && segs[1] !== undefined) return room;
  return null;
}

/** whereby.com pages, and subdomains, that are not rooms. */
const WHEREBY_NOT_ROOMS = new Set([
  'information', 'user', 'org', 'login', 'signup', 'sign-up', 'pricing', 'blog', 'embed', 'download',
  'help', 'support', 'terms', 'privacy', 'security', 'about', 'contact', 'api', 'developers', 'careers',
]);
const WHEREBY_NOT_TEAMS = new Set(['www', 'api', 'docs', 'help', 'status', 'blog', 'developer', 'developers']);

/** whereby.com/<room> and <team>.whereby.com/<room>: standing rooms; the team is the tenant. */
export function whereby(url: URL, host: string): Facts | null {
  const s0 = segmentsOf(url.pathname)[0]?.toLowerCase();
  if (s0 === undefined || WHEREBY_NOT_ROOMS.has(s0) || s0.includes('.')) return null;
  const team = labelUnder(host, 'whereby.com');
  if (team !== null && WHEREBY_NOT_TEAMS.has(team) && team !== 'www') return null;
  if (team === null && host !== 'whereby.com') return null; // deeper subdomains are not rooms
  return facts('whereby', { personalRoom: true, tenant: team === null || team === 'www' ? null : team });
}

const GOTO_ID = /^\d{9,12}$/;

/** meet.goto.com/<id>, global.gotomeeting.com/join/<id>, app.gotomeeting.com/?meetingId=<id>. */
export function goto(url: URL, host: string): Facts | null {
  const segs = segmentsOf(url.pathname);
  let raw: string | null = null;
  if (hostUnder(host, 'meet.goto.com')) raw = segs[0] ?? null;
  else if (hostUnder(host, 'global.gotomeeting.com')) raw = segs[0]?.toLowerCase() === 'join' ? (segs[1] ?? null) : null;
  else if (hostUnder(host, 'app.gotomeeting.com')) raw = param(url, 'meetingid');
  if (raw === null || raw.trim() === '') return null;
  const id = raw.trim().replace(/-/g, '');
  return facts('goto', { meetingId: GOTO_ID.test(id) ? id : null });
}

/**
 * v.ringcentral.com/join/<id> (RingCentral Video, `pw=` carries the passcode) and
 * meetings.ringcentral.com/j/<id> (the older RingCentral Meetings, `pwd=`; its /s/<id> is the
 * host's start link, as on Zoom, on which it was built).
 */
export function ringcentral(url: URL, host: string): Facts | null {
  const segs = segmentsOf(url.pathname);
  const s0 = segs[0]?.toLowerCase();
  const s1 = segs[1];
  if (s1 === undefined) return null;
  const embedded = hasValue(param(url, 'pw')) || hasValue(param(url, 'pwd'));
  const meetingId = DIGITS.test(s1) ? s1 : null;
  if (hostUnder(host, 'v.ringcentral.com') && s0 === 'join') {
    return facts('ringcentral', { meetingId, passcode: embedded ? 'embedded' : 'unknown' });
  }
  if (hostUnder(host, 'meetings.ringcentral.com') && (s0 === 'j' || s0 === 's')) {
    return facts('ringcentral', { meetingId, passcode: embedded ? 'embedded' : 'unknown', startLink: s0 === 's' });
  }
  return null;
}
