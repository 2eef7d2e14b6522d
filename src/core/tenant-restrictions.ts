/**
 * Tenant restrictions (docs/policy-format.md 1.1, README "Tenant restrictions"): the request
 * headers with which Microsoft, Google and Cisco let an organisation allow sign-in to
 * its own tenants only, as declarativeNetRequest rules that *set* them from inside the
 * browser. The vendors document these headers for TLS-intercepting proxies; an
 * extension can add them without intercepting anything.
 *
 * Where each header goes (the vendors' lists; docs/tenant-restrictions.md cites the page for
 * every host):
 * - Microsoft Entra, every cloud: login.microsoftonline.com, login.microsoft.com,
 *   login.windows.net (global); login.microsoftonline.us, login-us.microsoftonline.com (US
 *   Government); login.partner.microsoftonline.cn, login.chinacloudapi.cn (China, 21Vianet).
 *   Exactly these hosts: Microsoft says not to include their subdomains, because
 *   device.login.microsoftonline.com carries the client-certificate sign-in of device
 *   registration, which header insertion breaks. The consumer-account block goes to
 *   login.live.com.
 * - Google: google.com and every subdomain.
 * - Webex: identity.webex.com, identity-eu.webex.com, identity-ca.webex.com,
 *   atlas-a.wbx2.com, and the `idbroker*.webex.com` family.
 *
 * `requestDomains` matches a host and its subdomains on label boundaries, so
 * `login.microsoftonline.com.evil.example` and `notgoogle.com` never get a header;
 * subdomains of a vendor's host are in that vendor's own DNS zone. For Microsoft a regular
 * expression narrows that to the named hosts themselves (one regex rule). `idbroker*.webex.com`
 * is a wildcard inside a label, which requestDomains cannot say. Cisco's list of these
 * hosts has grown over the years (idbroker, -secondary, -b-us, -eu, -au, -ca), so rather
 * than enumerate today's and miss tomorrow's region, one rule narrows `webex.com` with a
 * regular expression for a single label starting with "idbroker" (one of the 1,000
 * regex rules Chromium allows).
 *
 * Priority: Chromium ignores an extension's modifyHeaders rules whose priority is lower
 * than or equal to a matching `allow` or `allowAllRequests` rule of the same extension
 * (MDN, declarativeNetRequest.ModifyHeaderInfo). A policy `allow` rule for
 * microsoftonline.com, a user's "continue" allowance and the meeting gate's one-time
 * pass are all allow rules, so the header rules must rank above every one of them.
 * Block and redirect are decided separately: a header rule's rank never lets a blocked
 * or warned request through.
 *
 * "Rank", because Chromium does not compare priorities as given: it ranks a rule by
 * priority × 256 + its action's precedence, kept in 32 bits, so a priority above
 * 16,777,215 wraps around. Measured on Chromium 156: header rules at 2,000,000,000 lost
 * to an allow rule at 1,000,000,000 (whose rank wraps to 2,596,929,536): the sign-in page
 * after "continue" went out without headers. Every priority the extension uses is now
 * below 2^24, so none wraps. chromiumRank() models this and
 * test/core/tenant-restrictions.test.ts checks the order.
 */
import type { DnrRule, HeaderSet, ResourceType } from './dnr.ts';
import { BYPASS_PRIORITY } from './dnr.ts';
import type { Policy } from './policy/schema.ts';

export type Vendor = 'microsoft' | 'google' | 'webex';

/**
 * Ranks above every allow rule the extension makes: policy rules (below 16,777,216, no
 * wrap), "continue" allowances (at the warning rule's priority), the meeting gate, and
 * one-time passes at BYPASS_PRIORITY.
 */
export const TENANT_HEADER_PRIORITY = BYPASS_PRIORITY + 1_000_000;

const ACTION_PRECEDENCE: Record<DnrRule['action']['type'] | 'block' | 'allowAllRequests' | 'upgradeScheme', number> = {
  allow: 5,
  allowAllRequests: 4,
  block: 3,
  upgradeScheme: 2,
  redirect: 1,
  modifyHeaders: 0,
};

/** The order in which Chromium 156 actually compares rules of one extension (see above). */
export function chromiumRank(priority: number, action: keyof typeof ACTION_PRECEDENCE): number {
  return ((priority * 256) % 2 ** 32) + ACTION_PRECEDENCE[action];
}

/** Entra ID's sign-in hosts in every cloud Microsoft runs (docs/tenant-restrictions.md). */
export const MICROSOFT_LOGIN_HOSTS = [
  // Global.
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  // US Government (GCC High, DoD).
  'login.microsoftonline.us',
  'login-us.microsoftonline.com',
  // China, operated by 21Vianet.
  'login.partner.microsoftonline.cn',
  'login.chinacloudapi.cn',
] as const;
/**
 * Those hosts and none of their subdomains (an optional trailing root dot, any port): Microsoft
 * asks proxies to leave `*.login.microsoftonline.com` alone (device.login.microsoftonline.com
 * signs devices in with a client certificate). The rule's requestDomains already keep the host
 * among MICROSOFT_LOGIN_HOSTS and their subdomains; of those, the names themselves are exactly
 * the hosts of three labels, plus login.partner.microsoftonline.cn (four, and the only one
 * beginning "login.partner."). Spelling out the seven names instead compiles past Chromium's
 * 2 KB limit for a regex rule (`isRegexSupported`: memoryLimitExceeded, Chromium 156); this
 * form is within it (test/e2e/smoke.spec.ts checks). test/core/tenant-restrictions.test.ts
 * holds it to the host list.
 */
export const MICROSOFT_LOGIN_REGEX = '^https?://([^./:]+|login\\.partner)\\.[^./:]+\\.[^./:]+\\.?(:[0-9]+)?/';
export const MICROSOFT_CONSUMER_LOGIN_HOST = 'login.live.com';
export const GOOGLE_DOMAIN = 'google.com';
export const WEBEX_IDENTITY_HOSTS = ['identity.webex.com', 'identity-eu.webex.com', 'identity-ca.webex.com', 'atlas-a.wbx2.com'] as const;
/** One label beginning "idbroker", directly under webex.com (a trailing root dot allowed), any port. */
export const WEBEX_IDBROKER_REGEX = '^https?://idbroker[a-z0-9-]*\\.webex\\.com\\.?(:[0-9]+)?/';

export const HEADER_NAMES = {
  tenants: 'Restrict-Access-To-Tenants',
  context: 'Restrict-Access-Context',
  tenantPolicy: 'sec-Restrict-Tenant-Access-Policy',
  google: 'X-GoogApps-Allowed-Domains',
  webex: 'CiscoSpark-Allowed-Domains',
} as const;

/**
 * Whether Chromium lets an extension set each header with declarativeNetRequest. Every
 * one is accepted and arrives at the server as set: checked in real Chromium by
 * test/e2e/tenant-restrictions.spec.ts, which fails if this table says otherwise.
 * A header marked false would be reported by `validate` and left out of the rules
 * rather than pretended.
 */
export const CHROMIUM_SETS_HEADER: Record<(typeof HEADER_NAMES)[keyof typeof HEADER_NAMES], boolean> = {
  'Restrict-Access-To-Tenants': true,
  'Restrict-Access-Context': true,
  'sec-Restrict-Tenant-Access-Policy': true,
  'X-GoogApps-Allowed-Domains': true,
  'CiscoSpark-Allowed-Domains': true,
};

/** Every request type Chromium knows: a rule listing no types would skip main_frame. */
export const CHROMIUM_RESOURCE_TYPES: readonly ResourceType[] = [
  'main_frame', 'sub_frame', 'stylesheet', 'script', 'image', 'font', 'object', 'xmlhttprequest',
  'ping', 'csp_report', 'media', 'websocket', 'webtransport', 'webbundle', 'other',
];
/** Firefox rejects a whole rule update naming these (it has no such request types). */
export const NOT_IN_FIREFOX: readonly ResourceType[] = ['webtransport', 'webbundle'];

/** One header-setting target: what a vendor reads, and the hosts it goes to. */
export interface HeaderTarget {
  vendor: Vendor;
  /** Recorded in policy.applied's findings: `tenant-restrictions:<what>`. */
  code: 'microsoft' | 'microsoft-consumer' | 'google' | 'webex';
  /** For people: the hosts, `idbroker*.webex.com` for the pattern. */
  where: string[];
  headers: HeaderSet[];
  requestDomains: string[];
  regexFilter?: string;
}

type Restrictions = NonNullable<Policy['tenantRestrictions']>;

const set = (header: string, value: string): HeaderSet => ({ header, operation: 'set', value });

/** What the policy asks for, vendor by vendor, in a fixed order; empty without tenantRestrictions. */
export function headerTargets(restrictions: Restrictions | undefined): HeaderTarget[] {
  const targets: HeaderTarget[] = [];
  const ms = restrictions?.microsoft;
  if (ms) {
    const headers: HeaderSet[] = [];
    if (ms.tenants) headers.push(set(HEADER_NAMES.tenants, ms.tenants.join(',')));
    if (ms.context) headers.push(set(HEADER_NAMES.context, ms.context));
    if (ms.v2Policy) headers.push(set(HEADER_NAMES.tenantPolicy, ms.v2Policy));
    if (headers.length) {
      targets.push({ vendor: 'microsoft', code: 'microsoft', where: [...MICROSOFT_LOGIN_HOSTS], headers, requestDomains: [...MICROSOFT_LOGIN_HOSTS], regexFilter: MICROSOFT_LOGIN_REGEX });
    }
    if (ms.blockConsumerAccounts) {
      targets.push({
        vendor: 'microsoft',
        code: 'microsoft-consumer',
        where: [MICROSOFT_CONSUMER_LOGIN_HOST],
        headers: [set(HEADER_NAMES.tenantPolicy, 'restrict-msa')],
        requestDomains: [MICROSOFT_CONSUMER_LOGIN_HOST],
      });
    }
  }
  const google = restrictions?.google;
  if (google) {
    targets.push({ vendor: 'google', code: 'google', where: [`${GOOGLE_DOMAIN} and its subdomains`], headers: [set(HEADER_NAMES.google, google.allowedDomains.join(','))], requestDomains: [GOOGLE_DOMAIN] });
  }
  const webex = restrictions?.webex;
  if (webex) {
    const headers = [set(HEADER_NAMES.webex, webex.allowedDomains.join(','))];
    targets.push({ vendor: 'webex', code: 'webex', where: [...WEBEX_IDENTITY_HOSTS], headers, requestDomains: [...WEBEX_IDENTITY_HOSTS] });
    targets.push({ vendor: 'webex', code: 'webex', where: ['idbroker*.webex.com'], headers, requestDomains: ['webex.com'], regexFilter: WEBEX_IDBROKER_REGEX });
  }
  return targets;
}

/** Headers of the policy that Chromium will not let an extension set (none, as tested). */
export function unsettableHeaders(restrictions: Restrictions | undefined): string[] {
  const names = new Set(headerTargets(restrictions).flatMap((t) => t.headers.map((h) => h.header)));
  return [...names].filter((h) => CHROMIUM_SETS_HEADER[h as keyof typeof CHROMIUM_SETS_HEADER] === false);
}

/**
 * The restrictions a policy puts in force, as finding codes for `policy.applied`:
 * `tenant-restrictions:microsoft` (tenant list or v2 policy on Entra's sign-in hosts),
 * `tenant-restrictions:microsoft-consumer` (no personal Microsoft accounts),
 * `tenant-restrictions:google`, `tenant-restrictions:webex`.
 */
export function restrictionFindings(restrictions: Restrictions | undefined): string[] {
  return [...new Set(headerTargets(restrictions).map((t) => `tenant-restrictions:${t.code}`))];
}

/**
 * The DNR rules: one per target, setting its headers on every request type, ids from
 * `firstId`. Pass `CHROMIUM_RESOURCE_TYPES` less `NOT_IN_FIREFOX` on Firefox.
 */
export function tenantRestrictionRules(
  restrictions: Restrictions | undefined,
  firstId: number,
  resourceTypes: readonly ResourceType[] = CHROMIUM_RESOURCE_TYPES,
): DnrRule[] {
  const settable = (h: HeaderSet) => CHROMIUM_SETS_HEADER[h.header as keyof typeof CHROMIUM_SETS_HEADER] !== false;
  return headerTargets(restrictions)
    .map((t) => ({ ...t, headers: t.headers.filter(settable) }))
    .filter((t) => t.headers.length > 0)
    .map((t, i) => ({
      id: firstId + i,
      priority: TENANT_HEADER_PRIORITY,
      action: { type: 'modifyHeaders', requestHeaders: t.headers },
      condition: {
        requestDomains: t.requestDomains,
        ...(t.regexFilter ? { regexFilter: t.regexFilter, isUrlFilterCaseSensitive: false } : {}),
        resourceTypes: [...resourceTypes],
      },
    }));
}
