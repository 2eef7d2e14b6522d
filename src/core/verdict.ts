/**
 * What the popup, the badge and `classify` show for a URL: projections of the one decision,
 * `decideNavigation` (guard.ts), so no surface can disagree with the guard page
 * (test/core/verdict.test.ts holds them together over the meeting corpus and the catalog).
 */
import type { Action } from './actions.ts';
import type { Classification } from './classify.ts';
import type { GuardView } from './explain.ts';
import { decideNavigation, type GuardContext, type NavigationDecision, type Unreadable } from './guard.ts';
import type { Lookalike } from './lookalike/detect.ts';
import { PLATFORM_NAMES } from './meetings/analyse.ts';

export type Verdict = Action;

/** allow for a navigation that goes on (an allowance included), else what stops it. */
export function verdictOf(d: NavigationDecision | Unreadable): Verdict | null {
  return d.kind === 'unreadable' ? null : d.kind === 'go' ? 'allow' : d.kind;
}

/** A tab as the popup and the badge show it. */
export interface TabProjection {
  url: string;
  host: string;
  verdict: Verdict;
  /** What decided: the site policy, the meeting-link check, the look-alike check or a drill. */
  by: 'site' | 'meeting' | 'lookalike' | 'drill';
  /** The rule label, service or platform to name; null to name only the host. */
  name: string | null;
  /** Until when an allowance keeps a warned site open (ms since the epoch), else null. */
  allowanceUntil: number | null;
  /** What the guard page shows for it (warn and block only). */
  view: GuardView | null;
}

export function projectTab(url: string, ctx: GuardContext): TabProjection | null {
  const d = decideNavigation(url, ctx);
  if (d.kind === 'unreadable') return null;
  const c = d.classification;
  if (d.kind === 'go') {
    const meeting = d.meeting?.platform ? PLATFORM_NAMES[d.meeting.platform] : null;
    return { url, host: c.host, verdict: 'allow', by: d.meeting ? 'meeting' : 'site', name: siteName(c) ?? meeting, allowanceUntil: d.allowance?.expiresAt ?? null, view: null };
  }
  return { url, host: c.host, verdict: d.kind, by: d.by, name: d.view.name, allowanceUntil: null, view: d.view };
}

function siteName(c: Classification): string | null {
  return c.label;
}

/** The toolbar badge: `!` while an allowance keeps a warned site open in the tab, else nothing. */
export function badgeOf(p: TabProjection | null): { text: '' | '!'; until: number | null } {
  return p?.allowanceUntil ? { text: '!', until: p.allowanceUntil } : { text: '', until: null };
}

/**
 * `classify --json`'s object (docs/command-line-and-pages.md): the fields the 1.0 contract fixes, in
 * its order, with `action` the decision's; when a meeting-link check decided, `meeting` says
 * which platform and which findings.
 */
export function classifyProjection(url: string, ctx: GuardContext): ClassifyProjection | null {
  const d = decideNavigation(url, ctx);
  if (d.kind === 'unreadable') return null;
  const c = d.classification;
  const base: ClassifyProjection = { url: c.url, host: c.host, action: verdictOf(d)!, service: c.service, category: c.category, source: c.source, label: c.label };
  if (d.kind === 'go') return base;
  // A look-alike is named for what it imitates; a drill by IT's name for it (docs/lookalikes.md, docs/awareness.md).
  if (d.by === 'lookalike' && d.lookalike) return { ...base, source: 'lookalike', label: d.lookalike.name, lookalike: d.lookalike };
  if (d.by === 'drill' && d.drill) return { ...base, source: 'drill', label: d.drill.name };
  const m = d.by === 'meeting' ? d.meeting : null;
  return m?.platform ? { ...base, meeting: { platform: m.platform, verdict: m.verdict, findings: m.findings.filter((f) => f.severity !== 'info').map((f) => f.code) } } : base;
}

export interface ClassifyProjection {
  url: string;
  host: string;
  action: Verdict;
  service: string | null;
  category: string | null;
  source: Classification['source'] | 'lookalike' | 'drill';
  label: string | null;
  meeting?: { platform: string; verdict: string; findings: string[] };
  /** Not printed by --json (the 1.0 fields only); the text line names the form. */
  lookalike?: Lookalike;
}

/** `classify --json`'s object: exactly the fields the contract fixes, in its order, and `meeting` when a link check decided. */
export function classifyJson(p: ClassifyProjection) {
  const base = { url: p.url, host: p.host, action: p.action, service: p.service, category: p.category, source: p.source, label: p.label };
  return p.meeting ? { ...base, meeting: p.meeting } : base;
}
