/**
 * Checking meeting links when they are opened (meetings.checkNavigation), in the
 * browser's own engine: main-frame navigations to meeting URLs on the platforms' domains
 * are sent to the guard page before any request leaves, so a host's start link never
 * reaches the platform (nor launches its app). The background then analyses the link:
 * `warn`/`block` show the warning or block page, `ok` goes straight on through a
 * one-time, tab-scoped allowance.
 *
 * The URL shapes below mirror analyse.ts; test/core/gate.test.ts checks every meeting
 * link of the analyser's tests against them, so the two cannot drift apart.
 */
import { BYPASS_PRIORITY, type DnrRule } from '../dnr.ts';

/** Above every policy rule, below a user's "continue" allowance and the one-time pass. */
export const GATE_PRIORITY = BYPASS_PRIORITY - 1;

const ANY_PATH = '(?:[/?#].*)?';

interface Gate {
  domains: string[];
  /** A regex over the whole URL, capturing it. */
  regex: string;
}

export const MEETING_GATES: readonly Gate[] = [
  // Zoom: /j /w /s /my /wc, and any link carrying a host token.
  { domains: ['zoom.us', 'zoomgov.com'], regex: `^(https?://[^/?#]*/(?:j|w|s|my|wc)/.*)$` },
  { domains: ['zoom.us', 'zoomgov.com'], regex: `^(https?://[^?#]*\\?(?:[^#]*&)?zak=.*)$` },
  // Teams meetings, the /meet/ links, and the launcher that wraps them; also consumer Teams.
  { domains: ['teams.microsoft.com', 'teams.microsoft.us', 'teams.cloud.microsoft', 'teams.live.com'], regex: `^(https?://[^/?#]*/(?:l/meetup-join|meet|dl/launcher)/.*)$` },
  // Webex personal rooms, scheduled meetings and the join service.
  { domains: ['webex.com'], regex: `^(https?://[^/?#]*/(?:meet/[^/?#]|join/[^/?#]|[^/?#]+/j\\.php|wbxmjs/joinservice).*)$` },
  // Google Meet codes and lookups.
  { domains: ['meet.google.com'], regex: `^(https?://[^/?#]*/(?:[a-z]{3}-[a-z]{4}-[a-z]{3}|lookup/[^/?#]+)${ANY_PATH})$` },
  // Rooms: every first path segment on Doxy.me and public Jitsi; all of a clinic's vsee.me.
  { domains: ['doxy.me', 'meet.jit.si'], regex: `^(https?://[^/?#]*/[^/?#.]+${ANY_PATH})$` },
  { domains: ['vsee.me'], regex: `^(https?://.*)$` },
  { domains: ['vsee.com'], regex: `^(https?://[^/?#]*/[uc]/[^/?#].*)$` },
];

export function meetingGateRules(guardPageUrl: string, firstId: number): DnrRule[] {
  return MEETING_GATES.map((g, i) => ({
    id: firstId + i,
    priority: GATE_PRIORITY,
    action: { type: 'redirect', redirect: { regexSubstitution: `${guardPageUrl}#\\1` } },
    condition: { requestDomains: g.domains, regexFilter: g.regex, isUrlFilterCaseSensitive: false, resourceTypes: ['main_frame'] },
  }));
}

/** A one-time pass for the tab that is opening a checked link, so the gate lets it through. */
export function passRule(id: number, tabId: number, host: string): DnrRule {
  return { id, priority: BYPASS_PRIORITY, action: { type: 'allow' }, condition: { tabIds: [tabId], requestDomains: [host], resourceTypes: ['main_frame'] } };
}
