/**
 * "May this site use the camera, microphone or screen?" — answered here, once, for the
 * background (docs/camera-and-microphone.md). The background only carries out what these
 * functions return: refuse, ask the person (the in-page notice), or let it go on; which
 * allowance to grant; which event to write, and whether the log takes it.
 *
 * Who may act. A capture request reaches the background from the extension's content script,
 * which heard it from a wrapper in the page's own world — through the DOM, which the page can
 * fake. So nothing a message *says* about where it came from is used: the site judged is the
 * origin the browser gives for the sending frame (for a frame, its tab's top-level origin,
 * which is what Chrome asks the camera permission for). A forged request can therefore only
 * ever be about the page's own site; it can make the background refuse or ask, never grant
 * (only a person's trusted Continue on the notice, bound to a ticket the background issued
 * for that tab and origin, grants); and the events it can cause are rate-limited per host and
 * overall (`admitEvent`), so it cannot flood the log.
 */
import type { Action } from '../actions.ts';
import type { EventInput } from '../events/types.ts';
import { reasonAccepted } from '../explain.ts';
import { canonicalHost } from '../hosts.ts';
import type { Policy } from '../policy/schema.ts';
import { normaliseReason } from '../reason.ts';
import { captureSanctioned, type CaptureSite } from './sites.ts';

export const CAPTURE_KINDS = ['camera', 'microphone', 'screen'] as const;
export type CaptureKind = (typeof CAPTURE_KINDS)[number];

/** The kinds a content script reports, checked: known names only, each once, in a fixed order; null if none. */
export function parseKinds(raw: unknown): CaptureKind[] | null {
  if (!Array.isArray(raw) || raw.length > CAPTURE_KINDS.length) return null;
  const kinds = CAPTURE_KINDS.filter((k) => raw.includes(k));
  return kinds.length > 0 && kinds.length === raw.length ? kinds : null;
}

export interface Site {
  /** `https://host:port` with the port always written, so an allowance is for one exact origin. */
  origin: string;
  host: string;
}

/** An http(s) URL's site, or null (other schemes are not judged: nothing to capture for). */
export function siteOf(url: string | undefined): Site | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    const host = canonicalHost(u.hostname);
    if (!host) return null;
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    return { origin: `${u.protocol}//${u.hostname}:${port}`, host };
  } catch {
    return null;
  }
}

/** What the browser says about the sender (runtime.MessageSender), nothing the message says. */
export interface CaptureSender {
  frameId: number | undefined;
  /** The sending frame's origin (Chrome gives it; an about:blank frame has its creator's). */
  origin: string | undefined;
  /** The sending frame's URL. */
  url: string | undefined;
  /** The tab's top-level URL. */
  tabUrl: string | undefined;
}

/**
 * The site a capture request is judged for: the top frame's own origin, and for any other
 * frame the tab's top-level origin — Chrome asks the camera and microphone permission for the
 * top-level site (a frame needs the top page's `allow="camera"` as well), and the content
 * settings the extension sets are matched against it.
 */
export function judgedSite(s: CaptureSender): Site | null {
  if (s.frameId === 0) return siteOf(s.origin && s.origin !== 'null' ? s.origin : s.url);
  return siteOf(s.tabUrl);
}

export interface MediaAllowance {
  origin: string;
  expiresAt: number;
}

export interface MediaContext {
  policy: Policy;
  sites: readonly CaptureSite[];
  allowances: readonly MediaAllowance[];
  now: number;
}

export type CaptureDecision =
  /** Go on. `recordUse`: write `media.used` once the capture started (unsanctioned site, media.recordUse). */
  | { kind: 'allow'; sanctioned: boolean; recordUse: boolean }
  /** Hold it and show the notice (media.action warn); `media.warned`. */
  | { kind: 'ask' }
  /** Refuse it (media.action block); `media.blocked`. */
  | { kind: 'refuse' };

export function coveringMediaAllowance(site: Site, allowances: readonly MediaAllowance[], now: number): MediaAllowance | null {
  return allowances.find((a) => a.origin === site.origin && a.expiresAt > now) ?? null;
}

export function decideCapture(site: Site, ctx: MediaContext): CaptureDecision {
  const { media } = ctx.policy;
  if (captureSanctioned(ctx.sites, site.host)) return { kind: 'allow', sanctioned: true, recordUse: false };
  const recordUse = media.recordUse;
  if (media.action === 'allow') return { kind: 'allow', sanctioned: false, recordUse };
  if (media.action === 'block') return { kind: 'refuse' };
  return coveringMediaAllowance(site, ctx.allowances, ctx.now) ? { kind: 'allow', sanctioned: false, recordUse } : { kind: 'ask' };
}

/**
 * The browser itself reports that a site is capturing (Firefox's `tabs.Tab.sharingState`): does
 * the log take `media.used`? On every unsanctioned site under `media.recordUse`, whatever the
 * action: under `allow` it is the discovery the field is for; under `warn` without Continue or
 * under `block` it is a capture that got round the page-world wrapper (a best effort in Firefox,
 * docs/camera-and-microphone.md), which IT most needs to hear of. Unlike a page's own claim of
 * a capture, this comes from the browser, so the action does not make it unbelievable.
 */
export function recordsSeenCapture(site: Site, ctx: MediaContext): boolean {
  return !captureSanctioned(ctx.sites, site.host) && ctx.policy.media.recordUse;
}

/** A notice the background asked a tab to show: only its Continue, from that tab and origin, grants. */
export interface MediaTicket {
  id: string;
  tabId: number;
  origin: string;
  kinds: CaptureKind[];
  expiresAt: number;
}
/** How long a notice's Continue stays good. */
export const TICKET_MINUTES = 10;

export type MediaProceed =
  | { ok: false; error: string }
  | { ok: true; allowance: MediaAllowance | null; reason: string; kinds: CaptureKind[] };

/**
 * "Continue" on the notice, with a reason: the same rules as the warning page (a reason of the
 * policy's minimum, for exactly this origin, for `warn.bypassMinutes`). Only with the ticket
 * the background issued for this tab and this origin, unexpired; never for a blocked site.
 */
export function decideMediaProceed(ticket: MediaTicket | undefined, tabId: number | undefined, site: Site | null, rawReason: unknown, ctx: MediaContext): MediaProceed {
  if (!ticket || ticket.tabId !== tabId || !site || ticket.origin !== site.origin || ticket.expiresAt <= ctx.now) return { ok: false, error: 'This notice is no longer valid; try again.' };
  if (typeof rawReason !== 'string') return { ok: false, error: 'reason must be text' };
  const d = decideCapture(site, ctx);
  if (d.kind === 'refuse') return { ok: false, error: `${ctx.policy.organization.name} blocks the camera and microphone here.` };
  const reason = normaliseReason(rawReason);
  if (!reasonAccepted(reason, ctx.policy)) return { ok: false, error: 'Please type a reason of at least 3 characters.' };
  const allowance = d.kind === 'ask' ? { origin: site.origin, expiresAt: ctx.now + ctx.policy.warn.bypassMinutes * 60_000 } : null;
  return { ok: true, allowance, reason, kinds: ticket.kinds };
}

// ---------------------------------------------------------------------------------------
// How often the log takes a media event

export type MediaEventType = 'media.used' | 'media.warned' | 'media.proceeded' | 'media.blocked';

/** What the background remembers to keep the log from flooding (storage.local; a day at most). */
export interface MediaLedger {
  /** host → UTC day (YYYY-MM-DD) of its last `media.used`. */
  used: Record<string, string>;
  /** host → time of its last `media.warned` / `media.blocked`. */
  warned: Record<string, number>;
  blocked: Record<string, number>;
  /** Events a page could set off, this hour. */
  budget: { start: number; count: number };
}
export const emptyLedger = (): MediaLedger => ({ used: {}, warned: {}, blocked: {}, budget: { start: 0, count: 0 } });

/** Page-triggered media events the log takes per hour, all hosts together (a site with endless subdomains). */
export const MEDIA_EVENTS_PER_HOUR = 60;
const HOUR = 3_600_000;

/**
 * Whether to write an event now, and the ledger after it. `media.used`: once per host per
 * UTC day (events.md 1.2). `media.warned`: once per host per `warn.bypassMinutes`.
 * `media.blocked`: once per host per hour. All three together: at most MEDIA_EVENTS_PER_HOUR
 * an hour. `media.proceeded` is a person's act on the notice (one per ticket) and is always
 * written. The decision itself (refuse, ask, allow) never depends on this.
 */
export function admitEvent(ledger: MediaLedger, type: MediaEventType, host: string, now: number, policy: Policy): { record: boolean; ledger: MediaLedger } {
  if (type === 'media.proceeded') return { record: true, ledger };
  const day = new Date(now).toISOString().slice(0, 10);
  const next: MediaLedger = { used: { ...ledger.used }, warned: { ...ledger.warned }, blocked: { ...ledger.blocked }, budget: { ...ledger.budget } };
  if (type === 'media.used') {
    if (next.used[host] === day) return { record: false, ledger };
  } else if (type === 'media.warned') {
    const last = next.warned[host];
    if (last !== undefined && now - last < policy.warn.bypassMinutes * 60_000 && now >= last) return { record: false, ledger };
  } else {
    const last = next.blocked[host];
    if (last !== undefined && now - last < HOUR && now >= last) return { record: false, ledger };
  }
  if (now - next.budget.start >= HOUR || now < next.budget.start) next.budget = { start: now, count: 0 };
  if (next.budget.count >= MEDIA_EVENTS_PER_HOUR) return { record: false, ledger };
  next.budget.count++;
  if (type === 'media.used') next.used[host] = day;
  else if (type === 'media.warned') next.warned[host] = now;
  else next.blocked[host] = now;
  return { record: true, ledger: prune(next, now, day) };
}

/** Entries older than a day (or from another day, for `used`) are dropped. */
function prune(l: MediaLedger, now: number, day: string): MediaLedger {
  const keep = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).filter(([, t]) => now - t < 24 * HOUR && t <= now));
  return { used: Object.fromEntries(Object.entries(l.used).filter(([, d]) => d === day)), warned: keep(l.warned), blocked: keep(l.blocked), budget: l.budget };
}

/** The event to write for a site (the background stamps service, policy context and hash). */
export type MediaEventIntent = EventInput & {
  type: MediaEventType;
  /** `https://host:port/`: the recorder keeps the host only (never a path: there is none). */
  url: string;
  action: Action;
  findings: CaptureKind[];
};

export function mediaEvent(type: MediaEventType, site: Site, kinds: readonly CaptureKind[], policy: Policy, reason?: string): MediaEventIntent {
  return { type, url: `${site.origin}/`, action: policy.media.action, findings: [...kinds], ...(reason !== undefined ? { reason } : {}) };
}
