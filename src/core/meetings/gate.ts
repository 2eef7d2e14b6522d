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
import { PLATFORM_DOMAINS } from './types.ts';
import { WRAPPERS } from './wrappers.ts';

/** Above every policy rule, below the one-time pass. */
export const GATE_PRIORITY = BYPASS_PRIORITY - 1;

const ANY_PATH = '(?:[/?#].*)?';

interface Gate {
  domains: readonly string[];
  /** A regex over the whole URL, capturing it. */
  regex: string;
}

/**
 * Names that show in a wrapped link's text when the link inside is a meeting link on a gated
 * platform: a wrapped link without any of them is left to go its way (where it leads, if a
 * meeting after all, meets the platform's own gate; a wrapper inside a wrapper is either
 * visible by these names too or, hidden in base64, leads to a wrapper that is always gated).
 * Short on purpose: Chrome refuses a regexFilter that compiles to more than 2 KB, and this
 * list sits inside one (checked in Chromium: `isRegexSupported`). test/core/gate.test.ts checks
 * that every gated platform domain contains one.
 */
export const INNER_HINTS = ['zoom', 'teams', 'webex', 'meet', 'jit', 'doxy', 'vsee', 'whereby', 'goto', 'ringcentral'] as const;
const HINT = `(?:${INNER_HINTS.join('|')})`;

const PLATFORM_GATES: readonly Gate[] = [
  // Zoom: /j /w /s /my /wc, and any link carrying a host token.
  { domains: PLATFORM_DOMAINS.zoom, regex: `^(https?://[^/?#]*/(?:j|w|s|my|wc)/.*)$` },
  { domains: PLATFORM_DOMAINS.zoom, regex: `^(https?://[^?#]*\\?(?:[^#]*&)?zak=.*)$` },
  // Teams meetings and the /meet/ links; also consumer Teams. (The launcher is a wrapper, below.)
  { domains: PLATFORM_DOMAINS.teams, regex: `^(https?://[^/?#]*/(?:l/meetup-join|meet)/.*)$` },
  // The hash-routed web clients (/_#/l/meetup-join/…, /v2/?meetingjoin=true#/…): Chromium's
  // engine matches main-frame navigations with their fragment (tried on Chromium 156).
  { domains: PLATFORM_DOMAINS.teams, regex: `^(https?://[^#]*#/(?:l/meetup-join|meet)/.*)$` },
  // Webex personal rooms, scheduled meetings and the join service.
  { domains: PLATFORM_DOMAINS.webex, regex: `^(https?://[^/?#]*/(?:meet/[^/?#]|join/[^/?#]|[^/?#]+/j\\.php|wbxmjs/joinservice).*)$` },
  // Google Meet codes (also under /_meet/) and lookups.
  { domains: PLATFORM_DOMAINS.meet, regex: `^(https?://[^/?#]*/(?:_meet/)?(?:[a-z]{3}-[a-z]{4}-[a-z]{3}|lookup/[^/?#]+)${ANY_PATH})$` },
  // Rooms: every first path segment on Doxy.me, public Jitsi and Whereby; all of a clinic's vsee.me.
  { domains: [...PLATFORM_DOMAINS.doxy, ...PLATFORM_DOMAINS.jitsi, ...PLATFORM_DOMAINS.whereby], regex: `^(https?://[^/?#]*/[^/?#.]+${ANY_PATH})$` },
  { domains: ['vsee.me'], regex: `^(https?://.*)$` },
  { domains: ['vsee.com'], regex: `^(https?://[^/?#]*/[uc]/[^/?#].*)$` },
  // GoTo Meeting.
  { domains: ['meet.goto.com'], regex: `^(https?://[^/?#]*/[^/?#.]+${ANY_PATH})$` },
  { domains: ['global.gotomeeting.com'], regex: `^(https?://[^/?#]*/join/.*)$` },
  { domains: ['app.gotomeeting.com'], regex: `^(https?://[^?#]*\\?(?:[^#]*&)?meetingid=.*)$` },
  // RingCentral Video and Meetings.
  { domains: PLATFORM_DOMAINS.ringcentral, regex: `^(https?://[^/?#]*/(?:join|j|s)/.*)$` },
];

/**
 * Wrapped links (wrappers.ts): the gateway's own link is stopped before the browser asks the
 * gateway, so a wrapped start link is judged (and blocked) without its host token travelling
 * anywhere. Where the inner link shows in the text, only links naming a meeting platform or
 * another wrapper are stopped; where it is hidden (base64, the Teams launcher's relative
 * path), every wrapped link is. A wrapper whose destination cannot be read at all (Mimecast)
 * is not stopped: its redirect meets the platform gates above.
 */
const WRAPPER_GATES: readonly Gate[] = WRAPPERS.filter((w) => w.opaque !== true).map((w) => ({
  domains: w.domains,
  regex: `^(https?://[^/?#]*${w.gatePath}${w.innerVisible ? `.*${HINT}` : ''}.*)$`,
}));

/** The gate's URL shapes: test/core/gate.test.ts holds them to the analyser on a shared corpus. */
export const MEETING_GATES: readonly Gate[] = [...PLATFORM_GATES, ...WRAPPER_GATES];

export function meetingGateRules(guardPageUrl: string, firstId: number): DnrRule[] {
  return MEETING_GATES.map((g, i) => ({
    id: firstId + i,
    priority: GATE_PRIORITY,
    action: { type: 'redirect', redirect: { regexSubstitution: `${guardPageUrl}#\\1` } },
    condition: { requestDomains: [...g.domains], regexFilter: g.regex, isUrlFilterCaseSensitive: false, resourceTypes: ['main_frame'] },
  }));
}
