/**
 * What a page says about one analysed link, in the reader's language: the same words in the
 * popup, the check window, the warning page and the in-page markers (docs/meeting-links.md).
 * Findings are named by their plain names (`finding_*`, src/core/i18n/names.ts) in every
 * language — the long English `message` stays for the command line — most serious first,
 * and a link that is not safe comes with what to do instead.
 *
 * Pure: takes a translator, returns strings; the views put them in the DOM.
 */
import type { MessageKey } from '../i18n/en.ts';
import type { Msg, Translate } from '../i18n/format.ts';
import { findingText } from '../i18n/names.ts';
import { PLATFORM_NAMES, type Finding, type LinkAnalysis, type Severity, type Verdict } from './types.ts';

const RANK: Record<Severity, number> = { critical: 0, warn: 1, info: 2 };

/** Most serious first (critical, warning, note), in the analyser's order within each. */
export function orderedFindings<F extends Pick<Finding, 'severity'>>(findings: readonly F[]): F[] {
  return [...findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

export const VERDICT_KEYS: Record<Verdict, MessageKey> = { ok: 'verdict_ok', warn: 'verdict_warn', block: 'verdict_block' };
export const SEVERITY_KEYS: Record<Severity, MessageKey> = { critical: 'severity_critical', warn: 'severity_warn', info: 'severity_info' };

/**
 * What to do instead of using a link that is not safe: ask the meeting's host for a scheduled
 * meeting on the organisation's account (for a host's start link, also tell whoever sent it).
 * Null for a link that is fine. Worded with the organisation's name by the page (`viewText`).
 */
export function nextStep(a: Pick<LinkAnalysis, 'verdict' | 'findings'>): Msg | null {
  if (a.verdict === 'ok') return null;
  return { key: a.findings.some((f) => f.code === 'start-link') ? 'ask_host_start_link' : 'ask_host' };
}

/** One finding as a list item says it: "Warning: Passcode in the link". */
export function findingLine(f: Pick<Finding, 'code' | 'severity'>, t: Translate): { severity: string; text: string } {
  return { severity: t('severity_prefix', { severity: t(SEVERITY_KEYS[f.severity]) }), text: findingText(f.code, t) };
}

/**
 * An in-page marker's accessible name: "Meeting link check (Zoom): Check before using —
 * Personal room reused for every meeting; Passcode in the link".
 */
export function markerLabel(a: LinkAnalysis, t: Translate): string {
  const findings = orderedFindings(a.findings).map((f) => findingText(f.code, t));
  const params = { verdict: t(VERDICT_KEYS[a.verdict]), findings: findings.length === 0 ? t('marker_no_problems') : findings.join('; ') };
  return a.platform === null ? t('marker_label_unnamed', params) : t('marker_label', { ...params, platform: PLATFORM_NAMES[a.platform] });
}

/** An in-page marker's tooltip: a title and one line per finding (or "No problems found."). */
export function markerTip(a: LinkAnalysis, t: Translate): { title: string; lines: Array<{ severity: string | null; text: string }> } {
  const verdict = t(VERDICT_KEYS[a.verdict]);
  const title = a.platform === null ? t('marker_title_unnamed', { verdict }) : t('marker_title', { verdict, platform: PLATFORM_NAMES[a.platform] });
  const findings = orderedFindings(a.findings);
  if (findings.length === 0) return { title, lines: [{ severity: null, text: t('link_no_problems') }] };
  return {
    title,
    lines: findings.map((f) => {
      const line = findingLine(f, t);
      return { severity: f.severity === 'info' ? null : line.severity, text: line.text };
    }),
  };
}
