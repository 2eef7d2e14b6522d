/**
 * "Did the extension send this tab to the guard page for this URL?" — the proof a guard page
 * needs before it may offer a way through, get a pass or have its choice recorded
 * (docs/enforcement.md, "The guard page acts only where the extension sent it"). Pure: a
 * function of what the tab's ledger holds (src/browser/tab-ledger.ts), of the browser's
 * report of the redirect (recorded there) and of the browser's own record of matched rules,
 * so every branch is tested without a browser and without timers (test/core/sent-proof.test.ts).
 */

/** One entry of `declarativeNetRequest.getMatchedRules` for the tab. */
export interface MatchedRule {
  ruleId: number;
  /** `_dynamic`, `_session`, or a static ruleset's id. */
  rulesetId: string;
  timeStamp: number;
}

export interface ProofInputs {
  /** The URL after the guard page's '#'. */
  url: string;
  /** What the ledger holds for the tab: the URL it was last sent for, or null when nothing is known of the tab. */
  sentUrl: string | null;
  /** Whether the rules send `url` to the guard page at all (the decision stops it). */
  rulesSendHere: boolean;
  /** The browser's record of rules that matched in this tab. */
  matched: readonly MatchedRule[];
  /** Ids of the extension's dynamic rules that redirect to the guard page. */
  redirectRuleIds: ReadonlySet<number>;
  /** The start-up ruleset's id: every rule in it that matched is one of ours. */
  startupRulesetId: string;
  /** Until when the background's redirect listener may not yet have been in place (its start plus a margin). */
  listenerReadyAt: number;
  now: number;
}

/** How recent a rule match may be to stand in for a missed redirect report. */
export const MATCH_WINDOW_MS = 30_000;
/**
 * How long after the background started its listener may still have been missing. A match
 * later than that was reported to it — a sub-frame's included — so it cannot stand in for a
 * top-level page's missing report (a site framing a warned site, then opening the guard page
 * at the top of the same tab, would otherwise borrow the frame's match).
 */
export const LISTENER_READY_MS = 2_000;

export type Proof =
  /** The ledger holds the browser's report (or the second line's own sending) for exactly this URL. */
  | { sent: true; by: 'report' }
  /** No report came (the browser redirected before the listener was in place); the browser's record stands in, from `at`. */
  | { sent: true; by: 'matched-rules'; at: number }
  | { sent: false; why: 'another-url' | 'not-stopped' | 'no-match' };

export function proveSent(i: ProofInputs): Proof {
  if (i.sentUrl !== null) return i.sentUrl === i.url ? { sent: true, by: 'report' } : { sent: false, why: 'another-url' };
  // Nothing known of the tab: only a URL the rules stop can have been redirected here.
  if (!i.rulesSendHere) return { sent: false, why: 'not-stopped' };
  const ours = i.matched.filter(
    (m) =>
      m.timeStamp >= i.now - MATCH_WINDOW_MS &&
      m.timeStamp <= i.listenerReadyAt &&
      (m.rulesetId === '_dynamic' ? i.redirectRuleIds.has(m.ruleId) : m.rulesetId === i.startupRulesetId),
  );
  if (ours.length === 0) return { sent: false, why: 'no-match' };
  return { sent: true, by: 'matched-rules', at: Math.max(...ours.map((m) => m.timeStamp)) };
}
