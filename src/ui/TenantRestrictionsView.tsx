import type { PolicyStatus } from '../browser/protocol.ts';
import { t } from './i18n.ts';

/**
 * Which sign-in restrictions the browser enforces (tenantRestrictions), in the policy
 * status of the popup and the options page: whose accounts can sign in, never the
 * header names (README, "Tenant restrictions", has those for IT).
 */
export function tenantRestrictionLines(r: PolicyStatus['tenantRestrictions']): string[] {
  const lines: string[] = [];
  const ms = r?.microsoft;
  if (ms?.tenants) lines.push(t('tenant_ms_tenants', { list: ms.tenants.join(', ') }));
  if (ms?.v2Policy) lines.push(t('tenant_ms_v2'));
  if (ms?.blockConsumerAccounts) lines.push(t('tenant_ms_consumer'));
  if (r?.google) lines.push(t('tenant_google', { list: r.google.allowedDomains.join(', ') }));
  if (r?.webex) lines.push(t('tenant_webex', { list: r.webex.allowedDomains.join(', ') }));
  return lines;
}

/** A `dt`/`dd` pair for the policy status list; nothing when no restriction is in force. */
export function TenantRestrictionsView({ restrictions }: { restrictions: PolicyStatus['tenantRestrictions'] }) {
  const lines = tenantRestrictionLines(restrictions);
  if (lines.length === 0) return null;
  return (
    <>
      <dt>{t('tenant_heading')}</dt>
      <dd data-testid="tenant-restrictions">
        <ul class="plain">
          {lines.map((l) => (
            <li>{l}</li>
          ))}
        </ul>
      </dd>
    </>
  );
}
