import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/core/classify.ts';
import type { GuardContext } from '../../src/core/guard.ts';
import { reviewOpenTab } from '../../src/core/open-tabs.ts';
import { policySchema, type PolicyInput } from '../../src/core/policy/schema.ts';
import { rulesInForce } from '../../src/core/ruleset.ts';
import { simulateHeaders } from './dnr-simulator.ts';

const GUARD = 'moz-extension://0b1c2d3e-0000-4000-8000-000000000000/guard.html';
const POLICY: PolicyInput = {
  schemaVersion: 1,
  policyVersion: 'open-tabs',
  organization: { name: 'St Example Health' },
  services: { telegram: 'block' },
  rules: [{ match: 'team-chat.example', action: 'warn' }],
  tenantRestrictions: {
    microsoft: { tenants: ['examplehealth.onmicrosoft.com'], context: '72f988bf-86f1-41af-91ab-2d7cd011db47', blockConsumerAccounts: true },
    google: { allowedDomains: ['examplehealth.org'] },
    webex: { allowedDomains: ['examplehealth.org'] },
  },
};
const ctx = (input: PolicyInput = POLICY): GuardContext => ({ compiled: compilePolicy(policySchema.parse(input)), allowances: [], now: 1_800_000_000_000 });

describe('pages already open when the extension is installed', () => {
  it('a page the policy blocks or warns of goes to the guard page, with the verdict the guard page will show', () => {
    expect(reviewOpenTab('https://t.me/clinic', ctx())).toMatchObject({ do: 'guard', stop: { kind: 'block' } });
    expect(reviewOpenTab('https://team-chat.example/room', ctx())).toMatchObject({ do: 'guard', stop: { kind: 'warn' } });
  });

  it('an allowed page, a browser page and an unreadable address stay as they are', () => {
    for (const url of ['https://intranet.examplehealth.org/', 'about:blank', 'moz-extension://x/options.html', 'https://[bad/']) expect(reviewOpenTab(url, ctx()), url).toBeNull();
  });

  it('a sign-in page is loaded again exactly where the rules in force add a tenant header to a page (the DNR simulator agrees)', () => {
    const rules = rulesInForce(ctx().compiled, { browser: 'firefox', guardPageUrl: GUARD });
    const urls = [
      'https://login.microsoftonline.com/',
      'https://login.microsoftonline.us/common/oauth2',
      'https://LOGIN.MICROSOFTONLINE.COM/x',
      'https://login.live.com/',
      'https://accounts.google.com/signin',
      'https://mail.google.com/',
      'https://idbroker-eu.webex.com/idb',
      'https://identity.webex.com/',
      'https://www.webex.com/',
      'https://microsoftonline.com.example.org/',
      'https://intranet.examplehealth.org/',
    ];
    for (const url of urls) {
      const headers = simulateHeaders(rules, url, 'main_frame') ?? {};
      const tenant = Object.keys(headers).some((h) => /restrict|googapps|ciscospark/.test(h));
      expect(reviewOpenTab(url, ctx())?.do === 'reload', url).toBe(tenant);
    }
    expect(reviewOpenTab('https://login.microsoftonline.com/', ctx({ ...POLICY, tenantRestrictions: undefined }))).toBeNull();
  });
});
