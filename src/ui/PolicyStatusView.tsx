import { orgParams } from '../core/explain.ts';
import type { PolicyStatus } from '../browser/protocol.ts';
import { t } from './i18n.ts';
import { TenantRestrictionsView } from './TenantRestrictionsView.tsx';

const SOURCE_KEYS = { managed: 'source_managed', local: 'source_local', default: 'source_default' } as const;

/**
 * Where the policy in force came from, its version, and any problems (popup and options).
 * `admin` (the options page) adds whether a managed policy is sealed (docs/policy-format.md 1.2).
 */
export function PolicyStatusView({ status, admin = false }: { status: PolicyStatus; admin?: boolean }) {
  const problems = Object.entries(status.problems) as Array<['managed' | 'local', string[]]>;
  const inForce = t(SOURCE_KEYS[status.source]);
  return (
    <section aria-labelledby="policy-heading" class="policy-status">
      <h2 id="policy-heading">{t('policy_heading')}</h2>
      <dl>
        <dt>{t('policy_source')}</dt>
        <dd data-testid="policy-source">{inForce}</dd>
        <dt>{t('policy_version')}</dt>
        <dd data-testid="policy-version">{status.policyVersion || t('policy_version_none')}</dd>
        {admin && status.source === 'managed' && (
          <>
            <dt>{t('policy_seal')}</dt>
            <dd data-testid="policy-seal" data-sealed={status.unsealed ? 'no' : 'yes'}>
              {t(status.unsealed ? 'policy_unsealed' : 'policy_sealed')}
            </dd>
          </>
        )}
        <dt>{t('policy_organization')}</dt>
        <dd>{orgParams(status.organization, t).Org}</dd>
        <TenantRestrictionsView restrictions={status.tenantRestrictions} />
      </dl>
      {problems.map(([source, lines]) => (
        <div role="alert" class="problems" data-testid={`problems-${source}`}>
          <p>
            {source === 'managed' && status.managedMissing
              ? t('policy_managed_missing', { version: status.policyVersion || t('policy_version_none') })
              : `${t(source === 'managed' ? 'policy_problems_managed' : 'policy_problems_local', { count: lines.length })} ${
                  status.fromLastValid && status.source === source ? t('policy_last_valid') : t('policy_other_in_force', { source: inForce })
                }`}
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
          <p>{t('policy_too_large')}</p>
          <ul>{status.limitProblems.map((l) => <li>{l}</li>)}</ul>
        </div>
      )}
    </section>
  );
}

