import type { PolicyStatus } from '../browser/protocol.ts';

const SOURCE_NAMES = { managed: 'managed by your organisation', local: 'imported on this computer', default: 'built-in default' } as const;

/** Where the policy in force came from, its version, and any problems (popup and options). */
export function PolicyStatusView({ status }: { status: PolicyStatus }) {
  const problems = Object.entries(status.problems) as Array<['managed' | 'local', string[]]>;
  return (
    <section aria-labelledby="policy-heading" class="policy-status">
      <h2 id="policy-heading">Policy in force</h2>
      <dl>
        <dt>Source</dt>
        <dd data-testid="policy-source">{SOURCE_NAMES[status.source]}</dd>
        <dt>Version</dt>
        <dd data-testid="policy-version">{status.policyVersion || '(none given)'}</dd>
        <dt>Organisation</dt>
        <dd>{status.organization}</dd>
      </dl>
      {problems.map(([source, lines]) => (
        <div role="alert" class="problems" data-testid={`problems-${source}`}>
          <p>
            The {source === 'managed' ? 'managed' : 'imported'} policy has {lines.length} problem{lines.length === 1 ? '' : 's'}
            {status.fromLastValid && status.source === source ? '; the last valid version stays in force' : `; the ${SOURCE_NAMES[status.source]} policy is in force`}:
          </p>
          <ul>
            {lines.map((l) => (
              <li>
                <code>{l}</code>
              </li>
            ))}
          </ul>
        </div>
      ))}
      {status.limitProblems.length > 0 && (
        <div role="alert" class="problems">
          <p>The policy is too large for this browser; the previous rules stay in force:</p>
          <ul>{status.limitProblems.map((l) => <li>{l}</li>)}</ul>
        </div>
      )}
    </section>
  );
}
