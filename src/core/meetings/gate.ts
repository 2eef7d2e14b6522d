/**
 * Checking meeting links when they are opened (meetings.checkNavigation), in the
 * browser's own engine: navigations of every frame kind to meeting URLs on the platforms'
 * domains are sent to the guard page before any request leaves, so a host's start link never
 * reaches the platform (nor launches its app), and a meeting is not loaded in a frame before
 * the core has judged it. The background then analyses the link: `warn`/`block` show the
 * warning or block page (in a frame, a short notice with "Open in a tab"), `ok` goes straight
 * on through a one-time, tab-scoped pass.
 *
 * **Host tokens never leave**, whatever the request: a link carrying Zoom's host token (`zak`)
 * or a start path, and a wrapped link carrying the token, are stopped for every request type —
 * navigations go to the guard page, everything else (fetch, XHR, images, media, beacons, pings,
 * WebSockets, prefetches, form posts) is cancelled.
 *
 * **Every spelling a server decodes** (docs/meeting-links.md): names and values are matched as
 * a server reads them — each letter also percent-encoded, at any depth a gateway adds (`z%61k`,
 * `%257Aoom`), and as Proofpoint v2 writes `%` (`-7A`); upper or lower case (the rules are
 * case-insensitive); `&`, `;` or an encoded separator before a parameter; on any path. The core
 * reads the same spellings (url.ts `param`, wrappers.ts `parseInner`), so what the gate stops
 * the guard page judges alike (test/core/spellings.property.test.ts).
 *
 * The URL shapes below mirror analyse.ts; test/core/meetings/gate.test.ts checks every meeting
 * link of the analyser's tests against them, so the two cannot drift apart.
 */
import { BYPASS_PRIORITY, NAVIGATION_TYPES, type DnrRule, type ResourceType } from '../dnr.ts';
import { PLATFORM_DOMAINS } from './types.ts';
import { WRAPPERS } from './wrappers.ts';

/** Above every policy rule, below the one-time pass. */
export const GATE_PRIORITY = BYPASS_PRIORITY - 1;

const ANY_PATH = '(?:[/?#].*)?';
/** Where a token may ride: web requests, and WebSockets (`wss://`), which carry a query too. */
const ANY_SCHEME = '(?:https?|wss?)://';

interface Gate {
  domains: readonly string[];
  /** A regex over the whole URL, capturing it. */
  regex: string;
  /** A host token may ride on it: every other request type is cancelled too. */
  token?: true;
}

/** A percent sign as gateways write it: `%`, or `%25` (encoded again, at any depth). */
const PCT = '%(?:25)*';
/** Proofpoint v2 writes `%` as `-` (wrappers.ts, decodeProofpointV2). */
const PCT_V2 = '[%-](?:25)*';

/** One ASCII letter or digit as a server may read it: itself (any case: every gate rule is case-insensitive) or percent-encoded. */
export function spelledChar(c: string, pct = PCT): string {
  return `(?:${c.toLowerCase()}|${pct}${c.toLowerCase().charCodeAt(0).toString(16)})`;
}

/** A word of letters and digits spelt as a server may read it. */
export function spelled(word: string, pct = PCT): string {
  return [...word].map((c) => spelledChar(c, pct)).join('');
}

/** Zoom's host token as a parameter of any spelling: after `?`, `&` or `;` (or one of them encoded, in a wrapped link), before `=` (or encoded). */
function zak(pct = PCT): string {
  return `(?:[?&;]|${pct}(?:3f|26|3b))${spelled('zak', pct)}(?:=|${pct}3d)`;
}
const ZAK = zak();

/**
 * Names that show in a wrapped link's text when the link inside is a meeting link on a gated
 * platform: a wrapped link without any of them is left to go its way (where it leads, if a
 * meeting after all, meets the platform's own gate; a wrapper inside a wrapper is either
 * visible by these names too or, hidden in base64, leads to a wrapper that is always gated).
 * Short on purpose: Chrome refuses a regexFilter that compiles to more than 2 KB, and this
 * list sits inside one (checked in Chromium: `isRegexSupported`). test/core/meetings/gate.test.ts checks
 * that every gated platform domain contains one.
 */
export const INNER_HINTS = ['zoom', 'teams', 'webex', 'meet', 'jit', 'doxy', 'vsee', 'whereby', 'goto', 'ringcentral'] as const;
/**
 * What makes a wrapped link worth judging: a hint — or any letter or digit written another way
 * (percent-encoded at any depth, as Proofpoint v2 writes `%`, or a fullwidth form the URL parser
 * maps to a letter in a host name), since a platform's name could hide behind it. Gateways
 * never encode letters themselves, so ordinary wrapped links are not affected; the rule stays
 * small enough for Chromium's regex engine.
 */
const HINT = `(?:${INNER_HINTS.join('|')})`;
function respelt(pct = PCT): string {
  return `${pct}(?:[46][1-9a-f]|[57][0-9a]|3[0-9]|ef${pct}b[cd])`;
}

const PLATFORM_GATES: readonly Gate[] = [
  // Zoom: /j /w /my /wc; the start paths /s and /wc/<id>/start, and any link carrying a host
  // token on any path, for every request type.
  { domains: PLATFORM_DOMAINS.zoom, regex: `^(https?://[^/?#]*/+(?:j|w|my|wc)(?:/|${PCT}2f).*)$` },
  { domains: PLATFORM_DOMAINS.zoom, regex: `^(${ANY_SCHEME}[^/?#]*/+${spelled('s')}(?:/|;|${PCT}2f).*)$`, token: true },
  { domains: PLATFORM_DOMAINS.zoom, regex: `^(${ANY_SCHEME}[^/?#]*/+${spelled('wc')}/+[^/?#]+/+${spelled('start')}(?:[/?#;].*)?)$`, token: true },
  { domains: PLATFORM_DOMAINS.zoom, regex: `^(${ANY_SCHEME}[^#]*${ZAK}.*)$`, token: true },
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
const WRAPPER_GATES: readonly Gate[] = WRAPPERS.filter((w) => w.opaque !== true).flatMap((w) => {
  const proofpoint = w.name === 'Proofpoint URL Defense';
  const pct = proofpoint ? PCT_V2 : PCT;
  // Each its own rule: Chromium's regex engine takes only small programs (2 KB).
  const worth = w.innerVisible
    ? [
        HINT,
        respelt(pct),
        // Proofpoint v3 may write any character of the link as `*` (its base64 part says
        // which): a starred link could hide a platform's name, so it is stopped too.
        ...(proofpoint ? ['\\*'] : []),
      ]
    : [''];
  return [
    ...worth.map((w1) => ({ domains: w.domains, regex: `^(https?://[^/?#]*${w.gatePath}${w1 ? `.*${w1}` : ''}.*)$` })),
    // A wrapped link carrying a host token: not to the gateway either, by any request.
    { domains: w.domains, regex: `^(${ANY_SCHEME}[^/?#]*${w.gatePath}.*${zak(pct)}.*)$`, token: true as const },
  ];
});

/** The gate's URL shapes: test/core/meetings/gate.test.ts holds them to the analyser on a shared corpus. */
export const MEETING_GATES: readonly Gate[] = [...PLATFORM_GATES, ...WRAPPER_GATES];

/** Every request type that is not a navigation. */
const OTHER_TYPES: { excludedResourceTypes: ResourceType[] } = { excludedResourceTypes: NAVIGATION_TYPES };

export function meetingGateRules(guardPageUrl: string, firstId: number): DnrRule[] {
  const rules: DnrRule[] = [];
  let id = firstId;
  for (const g of MEETING_GATES) {
    const condition = { requestDomains: [...g.domains], regexFilter: g.regex, isUrlFilterCaseSensitive: false };
    rules.push({ id: id++, priority: GATE_PRIORITY, action: { type: 'redirect', redirect: { regexSubstitution: `${guardPageUrl}#\\1` } }, condition: { ...condition, resourceTypes: NAVIGATION_TYPES } });
    if (g.token) rules.push({ id: id++, priority: GATE_PRIORITY, action: { type: 'block' }, condition: { ...condition, ...OTHER_TYPES } });
  }
  return rules;
}
