import { DEFAULT_ORGANIZATION_NAME, orgParams } from '../core/explain.ts';
import type { LinkAnalysis } from '../core/meetings/analyse.ts';
import { PLATFORM_NAMES } from '../core/meetings/analyse.ts';
import { findingLine, nextStep, orderedFindings, VERDICT_KEYS } from '../core/meetings/present.ts';
import { t } from './i18n.ts';

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

/**
 * One link's analysis: the verdict in words (not colour alone), the facts, the findings by
 * their plain names, most serious first, and for a link that is not safe what to do instead
 * (the same words as the warning page, src/core/meetings/present.ts).
 */
export function LinkAnalysisView({ analysis, organization = DEFAULT_ORGANIZATION_NAME }: { analysis: LinkAnalysis; organization?: string }) {
  // A wrapped link that hides its destination (Mimecast) has no platform but a finding to show.
  if (analysis.platform === null && analysis.findings.length === 0) {
    return <p data-testid="link-verdict">{t('link_not_meeting')}</p>;
  }
  const next = nextStep(analysis);
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
          {orderedFindings(analysis.findings).map((f) => {
            const line = findingLine(f, t);
            return (
              <li class={f.severity} title={f.code}>
                <span class="severity">{line.severity}</span> {line.text}
              </li>
            );
          })}
        </ul>
      )}
      {next && (
        <div class="next-step" data-testid="link-next-step">
          <h3>{t('check_next_heading')}</h3>
          <p>{t(next.key, { ...orgParams(organization, t), ...next.params })}</p>
        </div>
      )}
    </div>
  );
}
