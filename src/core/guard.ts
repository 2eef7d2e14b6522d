/**
 * "May this navigation go on?" — answered here, once, for the guard page, the
 * background's observers and the command line alike (docs/enforcement.md). The
 * background only carries out what these functions return: which page to show, whether
 * a way through is offered, which allowance or one-time pass to grant, which events to
 * write.
 *
 * Who may act. The guard page is web-accessible (DNR redirects land on it), so a site
 * can frame it or, knowing its address, open it with any URL after `#`. Such a page
 * informs and does nothing else: a way through, a pass, an allowance or an event comes
 * only from a *top-level* guard page that the extension itself sent that tab to, *for
 * the URL it was sent with* (`GuardSender.sent`). Events for what the browser's rules
 * decided are written by the background when it sees the redirect happen, never on a
 * page's say-so.
 */
import { stricter, type Action } from './actions.ts';
import type { EventInput } from './events/types.ts';
import { classifyUrl, isError, type Classification, type CompiledPolicy } from './classify.ts';
import { priorityOfDecision } from './dnr.ts';
import { drillView, lookalikeView, meetingView, navigationView, reasonAccepted, type GuardView } from './explain.ts';
import { drillAt, type Drill } from './awareness/drills.ts';
import { lessonForStop, type LessonId } from './awareness/lessons.ts';
import { normalisePath, pathUnder } from './hosts.ts';
import { lookalikeOf, lookalikeFindings, LOOKALIKE_PRIORITY } from './lookalike/decide.ts';
import type { Lookalike } from './lookalike/detect.ts';
import { analyseLink, PLATFORM_NAMES, type LinkAnalysis } from './meetings/analyse.ts';
import { normaliseReason } from './reason.ts';

/** A "continue to site" allowance in force: exactly one origin (scheme, host, port), and a path scope when a path rule warned. */
export interface Allowance {
  /** `https://host` or `http://host:8080`: as the URL parser writes it (no default port). */
  origin: string;
  host: string;
  /** Lower-case, normalised path prefix; '' for the whole host. */
  path: string;
  /** The priority of the rule that warned (the allowance's DNR rule sits there). */
  priority: number;
  expiresAt: number;
}

export interface GuardContext {
  compiled: CompiledPolicy;
  /** Allowances in force now (expired ones may be included; they are ignored). */
  allowances: readonly Allowance[];
  now: number;
}

/** The event input (core/events/types.ts) a navigation decision writes; `name`: what a look-alike imitates. */
export type EventIntent = EventInput & {
  type: 'navigation.blocked' | 'navigation.warned' | 'navigation.proceeded' | 'link.checked' | 'training.drill';
  url: string;
  service: string | null;
  action: Action | null;
  findings?: string[];
};

export type NavigationDecision =
  /**
   * Nothing stops it (allowed, or `allowance` covers its site's warning, or a meeting link checked ok).
   * `lookalike`: the host imitates something all the same (its password fields are disabled).
   */
  | { kind: 'go'; classification: Classification; meeting: LinkAnalysis | null; allowance: Allowance | null; lookalike?: Lookalike | null }
  /** The warning or block page. `continuable`: a way through may be offered (warn only). */
  | { kind: 'warn' | 'block'; view: GuardView; classification: Classification; meeting: LinkAnalysis | null; by: 'site' | 'meeting' | 'lookalike' | 'drill'; lookalike?: Lookalike | null; drill?: Drill };

/** A decision that stops the navigation at the warning or block page. */
export type Stop = Extract<NavigationDecision, { kind: 'warn' | 'block' }>;

/** The URL could not be read, or is not a web address: nothing to decide, nothing to continue to. */
export type Unreadable = { kind: 'unreadable' };

function isWeb(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** The allowance that covers `c` (same origin exactly, and within its path scope), if any. */
export function coveringAllowance(c: Classification, allowances: readonly Allowance[], now: number): Allowance | null {
  let url: URL | undefined;
  for (const a of allowances) {
    if (a.expiresAt <= now || a.host !== c.host) continue;
    url ??= new URL(c.url);
    if (a.origin !== url.origin) continue;
    if (a.path === '' || pathUnder(normalisePath(url.pathname), a.path)) return a;
  }
  return null;
}

/**
 * The decision for one URL: the site policy first (warn/block unless an allowance
 * covers it), then, when the policy checks meeting links on open, its meeting analysis.
 */
export function decideNavigation(url: string, ctx: GuardContext): NavigationDecision | Unreadable {
  if (!isWeb(url)) return { kind: 'unreadable' };
  const c = classifyUrl(ctx.compiled, url);
  if (isError(c)) return { kind: 'unreadable' };
  const { policy } = ctx.compiled;
  // IT's own simulated invitation (docs/awareness.md): the drill's lesson, never the site.
  // A look-up in the drills compiled with the policy; the URL is parsed again only when a
  // drill on this host has a path.
  const drill = drillAt(ctx.compiled.drills, c.host, () => new URL(c.url).pathname);
  if (drill) return { kind: 'block', view: drillView(c.host, drill.name, policy), classification: c, meeting: null, by: 'drill', drill };
  // A look-alike (docs/lookalikes.md) takes the policy's action, or the site's if stricter.
  const lookalike = lookalikeOf(c, ctx.compiled);
  const lookalikeAction = lookalike ? stricter(policy.detection.lookalikes, c.action) : 'allow';
  // The allowance that keeps a warned site (or warned look-alike) open, if any: the badge shows it.
  const allowance = c.action === 'warn' || lookalikeAction === 'warn' ? coveringAllowance(c, ctx.allowances, ctx.now) : null;
  if (lookalike && (lookalikeAction === 'block' || (lookalikeAction === 'warn' && !allowance))) {
    return { kind: lookalikeAction, view: lookalikeView(lookalikeAction, c.host, lookalike, policy), classification: c, meeting: null, by: 'lookalike', lookalike };
  }
  if (c.action === 'block' || (c.action === 'warn' && !allowance)) {
    return { kind: c.action, view: navigationView(c, c.host, policy), classification: c, meeting: null, by: 'site' };
  }
  const meeting = policy.meetings.checkNavigation ? analyseLink(url, policy) : null;
  if (meeting && meeting.platform !== null && meeting.verdict !== 'ok') {
    const view = meetingView(meeting.verdict, c.host, PLATFORM_NAMES[meeting.platform], meeting.findings, policy, meeting.platform);
    return { kind: meeting.verdict, view, classification: c, meeting, by: 'meeting' };
  }
  return { kind: 'go', classification: c, meeting: meeting?.platform ? meeting : null, allowance, lookalike };
}

/**
 * The events for a navigation the browser sent to the guard page (or that the second
 * line caught after it committed): the meeting-link check, then the warning or block.
 */
export function navigationEvents(d: NavigationDecision | Unreadable): EventIntent[] {
  if (d.kind === 'unreadable') return [];
  const events: EventIntent[] = [];
  const { meeting, classification: c } = d;
  if (meeting && meeting.platform !== null) {
    events.push({ type: 'link.checked', url: c.url, service: meeting.platform, action: verdictAction(meeting.verdict), findings: meeting.findings.map((f) => f.code) });
  }
  if (d.kind === 'block' && d.by === 'drill' && d.drill) return [{ type: 'training.drill', url: c.url, service: null, action: null, name: d.drill.name }];
  if (d.kind === 'warn' || d.kind === 'block') {
    const service = d.by === 'meeting' ? (meeting?.platform ?? null) : c.service;
    const type = d.kind === 'block' ? 'navigation.blocked' : 'navigation.warned';
    events.push({ type, url: c.url, service, action: d.kind, ...(d.by === 'lookalike' && d.lookalike ? { findings: lookalikeFindings(d.lookalike), name: d.lookalike.name } : {}) });
  }
  return events;
}

export function verdictAction(verdict: 'ok' | 'warn' | 'block'): Action {
  return verdict === 'ok' ? 'allow' : verdict;
}

/** Who is asking: from `runtime.MessageSender`, checked by the background. */
export interface GuardSender {
  /** The URL after the guard page's `#`. */
  url: string;
  /** The page is the top-level document of its tab (not a frame, not a popup of a site). */
  topLevel: boolean;
  /** The extension itself sent this page's frame (the tab's top frame, or this frame of it) to the guard page for exactly `url`. */
  sent: boolean;
}

export type GuardAnswer =
  | { show: 'nothing'; reason: 'unreadable' }
  /**
   * Go on to the URL. `pass`: the tab gets a one-time pass for exactly that URL first (a
   * frame's pass is for frames: the meeting gate sends an embedded meeting here first, and an
   * ok one must then load without being sent back). `navigate`: a framed page the extension
   * did not send there just says the content cannot be shown (a site framing the guard page
   * gets nothing from it).
   */
  | { show: 'go'; pass: boolean; navigate: boolean }
  /** `lesson`: the one-minute lesson this stop teaches, for a page that may act (shown if the person has not had it). */
  | { show: 'page'; view: GuardView; mayContinue: boolean; lesson: LessonId | null };

/** What the guard page shows, and whether it offers a way through. */
export function answerGuardPage(sender: GuardSender, ctx: GuardContext): GuardAnswer {
  const d = decideNavigation(sender.url, ctx);
  if (d.kind === 'unreadable') return { show: 'nothing', reason: 'unreadable' };
  const acting = sender.topLevel && sender.sent;
  if (d.kind === 'go') {
    // Allowed (the policy read at start-up, a policy change, an allowance in another tab, a
    // meeting link that checks out). A page the extension sent here — top-level, or a frame —
    // gets a pass and goes on; any other top-level page just goes on, through the rules again.
    return { show: 'go', pass: sender.sent, navigate: sender.topLevel || sender.sent };
  }
  const lesson = acting ? lessonForStop(d.by, d.classification.category) : null;
  return { show: 'page', view: d.view, mayContinue: acting && d.kind === 'warn', lesson };
}

export type ProceedAnswer =
  | { ok: false; error: string }
  | { ok: true; allowance: Omit<Allowance, 'expiresAt'> & { minutes: number } | null; pass: true; event: EventIntent };

/**
 * "Continue to site" with a reason. Only for a warning (never a block), only from a page
 * that may act. A warned site gets an allowance for exactly its host (and the warned path
 * scope) for `warn.bypassMinutes`; a warned meeting link is let through once. Either way
 * the tab gets a one-time pass for exactly this URL, so the navigation goes straight on.
 */
export function decideProceed(sender: GuardSender, rawReason: string, ctx: GuardContext): ProceedAnswer {
  const { policy } = ctx.compiled;
  if (!sender.topLevel || !sender.sent) return { ok: false, error: 'Open the site in its own tab to continue.' };
  const d = decideNavigation(sender.url, ctx);
  if (d.kind === 'unreadable') return { ok: false, error: 'This address could not be read.' };
  if (d.kind === 'block') return { ok: false, error: `${policy.organization.name} blocks this; it cannot be opened.` };
  const reason = normaliseReason(rawReason);
  if (!reasonAccepted(reason, policy)) return { ok: false, error: 'Please type a reason of at least 3 characters.' };
  const c = d.classification;
  let allowance: (Omit<Allowance, 'expiresAt'> & { minutes: number }) | null = null;
  if (d.kind === 'warn' && d.by === 'lookalike') {
    // The whole host, above the look-alike rules that send it to the guard page (dnr.ts).
    allowance = { origin: new URL(c.url).origin, host: c.host, path: '', priority: LOOKALIKE_PRIORITY, minutes: policy.warn.bypassMinutes };
  } else if (d.kind === 'warn' && d.by === 'site') {
    const slash = c.pattern?.indexOf('/') ?? -1;
    const path = slash >= 0 ? c.pattern!.slice(slash) : '';
    allowance = { origin: new URL(c.url).origin, host: c.host, path, priority: priorityOfDecision(c), minutes: policy.warn.bypassMinutes };
  }
  const service = d.kind === 'warn' && d.by !== 'meeting' ? c.service : (d.meeting?.platform ?? c.service);
  const lookalike = d.kind === 'warn' && d.by === 'lookalike' && d.lookalike ? { findings: lookalikeFindings(d.lookalike), name: d.lookalike.name } : {};
  return {
    ok: true,
    allowance,
    pass: true,
    event: { type: 'navigation.proceeded', url: c.url, service, action: 'warn', ...(reason ? { reason } : {}), ...lookalike },
  };
}

/**
 * The second line: a navigation that committed although the rules should have sent it
 * to the guard page (served by a service worker, a same-document route change, any route
 * the rules missed). `passedUrl` is the URL the frame's one-time pass was for, if any.
 * Frames are judged like top frames: an unsafe meeting is not loaded in a frame either.
 */
export function secondLine(url: string, topFrame: boolean, passedUrl: string | null, ctx: GuardContext): Stop | null {
  if (passedUrl !== null && sameDocument(passedUrl, url)) return null;
  const d = decideNavigation(url, ctx);
  if (d.kind !== 'warn' && d.kind !== 'block') return null;
  // A drill is IT's lesson for a link opened in a tab; a frame is left to its page.
  if (d.by === 'drill' && !topFrame) return null;
  return d;
}

/** Same URL up to the fragment. */
function sameDocument(a: string, b: string): boolean {
  return a.replace(/#.*$/, '') === b.replace(/#.*$/, '');
}


