import { describeAnalysis } from '../core/meetings/format.ts';
import type { LinkAnalysis } from '../core/meetings/analyse.ts';

const VERDICT_TEXT = { ok: 'Looks safe', warn: 'Check before using', block: 'Do not use' } as const;

/** One link's analysis: the verdict in words (not colour alone), the facts, the findings. */
export function LinkAnalysisView({ analysis }: { analysis: LinkAnalysis }) {
  if (analysis.platform === null) {
    return <p data-testid="link-verdict">This is not a meeting link Telehealth Guard recognises.</p>;
  }
  return (
    <div class={`analysis ${analysis.verdict}`} aria-live="polite">
      <p class="verdict" data-testid="link-verdict">
        <strong>{VERDICT_TEXT[analysis.verdict]}</strong> ({analysis.verdict})
      </p>
      <p class="facts">{describeAnalysis(analysis)}</p>
      {analysis.findings.length > 0 && (
        <ul class="findings">
          {analysis.findings.map((f) => (
            <li class={f.severity}>
              <span class="severity">{f.severity === 'critical' ? 'Critical' : f.severity === 'warn' ? 'Warning' : 'Note'}:</span> {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
