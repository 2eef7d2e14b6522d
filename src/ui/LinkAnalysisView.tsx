import type { LinkAnalysis } from '../core/meetings/analyse.ts';
import { PLATFORM_NAMES } from '../core/meetings/analyse.ts';
import { findingText } from '../core/i18n/names.ts';
import { t, uiLanguage } from './i18n.ts';

const VERDICT_KEYS = { ok: 'verdict_ok', warn: 'verdict_warn', block: 'verdict_block' } as const;
const SEVERITY_KEYS = { critical: 'severity_critical', warn: 'severity_warn', info: 'severity_info' } as const;

/**
 * What a link is, in plain words: no "tenant unknown · sanctioned unknown". Only what is
 * known from the link is said; what cannot be known from a link is said once, plainly.
 */
export function plainFacts(a: LinkAnalysis): string[] {
  if (a.platform === null) return [];
  const name = PLATFORM_NAMES[a.platform];
  const facts = [a.consumer ? t('fact_consumer', { platform: name }) : a.meetingId ? t('fact_meeting_id', { platform: name, id: a.meetingId }) : t('fact_meeting', { platform: name })];
  if (a.personalRoom) facts.push(t('fact_personal_room'));
  if (a.passcode === 'embedded') facts.push(t('fact_passcode_in_link'));
  if (a.sanctioned === true) facts.push(t('fact_sanctioned'));
  else if (a.sanctioned === false) facts.push(t('fact_not_sanctioned'));
  else facts.push(t('fact_account_unknown'));
  return facts;
}

/** One link's analysis: the verdict in words (not colour alone), the facts, the findings. */
export function LinkAnalysisView({ analysis }: { analysis: LinkAnalysis }) {
  // A wrapped link that hides its destination (Mimecast) has no platform but a finding to show.
  if (analysis.platform === null && analysis.findings.length === 0) {
    return <p data-testid="link-verdict">{t('link_not_meeting')}</p>;
  }
  const english = uiLanguage() === 'en';
  return (
    <div class={`analysis ${analysis.verdict}`} aria-live="polite">
      <p class="verdict" data-testid="link-verdict">
        <strong>{t(VERDICT_KEYS[analysis.verdict])}</strong>
      </p>
      <ul class="facts">
        {plainFacts(analysis).map((f) => (
          <li>{f}</li>
        ))}
      </ul>
      {analysis.findings.length > 0 && (
        <ul class="findings">
          {analysis.findings.map((f) => (
            <li class={f.severity} title={f.code}>
              <span class="severity">{t(SEVERITY_KEYS[f.severity])}:</span> {english ? f.message : findingText(f.code, t)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
