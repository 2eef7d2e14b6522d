/**
 * What a look-alike imitates (docs/lookalikes.md, "What is protected"): the vendors' sign-in
 * and meeting hosts (always), the policy's sanctioned platforms, the meeting platforms it
 * sanctions, and its `detection.protect` domains. Each target has the name a person knows
 * it by ("this is not Zoom"), the registrable domains that really are it (a host under one
 * is never a look-alike of it), the labels a look-alike copies, and the brand words that
 * mark a host borrowing its name.
 */
import { getDomain } from 'tldts';
import { CATALOG } from '../catalog.ts';
import type { Policy } from '../policy/schema.ts';
import { GOOGLE_DOMAIN, MICROSOFT_CONSUMER_LOGIN_HOST, MICROSOFT_LOGIN_HOSTS, WEBEX_IDENTITY_HOSTS } from '../tenant-restrictions.ts';

export interface Target {
  /** Stable id: the vendor id, `platform:<n>` or `protect:<domain>`. */
  id: string;
  /** What the warning says this is not. */
  name: string;
  /** Registrable domains (and a few exact hosts) that really belong to it. */
  own: readonly string[];
  /** Registrable labels a look-alike copies, by confusable characters or one typing slip. */
  labels: readonly string[];
  /** Words that, as a whole label or hyphen-separated part of a host elsewhere, borrow its name. */
  brands: readonly string[];
  /**
   * Judged for confusable spellings only (catalog services: `whatsаpp.com` with a Cyrillic а
   * is nothing but an imitation, while a slip from `signal` or `skype` is often a real word).
   */
  confusableOnly?: boolean;
}

/** The registrable domains of a vendor's sign-in hosts (tenant-restrictions.ts is the one list of them). */
function signInDomains(hosts: readonly string[]): string[] {
  return [...new Set(hosts.map((h) => getDomain(h, { allowPrivateDomains: false }) ?? h))];
}

/**
 * The sign-in vendors of the issue (Microsoft, Google, Webex, Zoom). `own` lists the domains
 * they sign people in, host meetings and serve from, so their real subdomains are untouched;
 * `labels` and `brands` are only the distinctive names — common words (`live`, `office`,
 * `outlook`, `teams`) would flag half the web (measured: docs/lookalikes.md).
 */
export const VENDORS: readonly Target[] = [
  {
    id: 'microsoft',
    name: 'Microsoft',
    own: [
      'microsoft.com', 'microsoftonline.com', 'microsoftonline-p.com', 'microsoft365.com', 'microsoft.us', 'cloud.microsoft',
      'live.com', 'live.net', 'office.com', 'office.net', 'office365.com', 'outlook.com', 'windows.net', 'windows.com',
      'azure.com', 'azure.net', 'sharepoint.com', 'onmicrosoft.com', 'skype.com', 'msn.com', 'bing.com', 'msauth.net',
      'msftauth.net', 'msauthimages.net', 'msftauthimages.net', 'msidentity.com', 'aka.ms', 'microsoftstream.com',
      'teams.microsoft.com', 'sharepoint-df.com', 'msft.net', 'xbox.com', 'microsoftazuread-sso.com',
      // Every cloud's sign-in host (national clouds: microsoftonline.us, microsoftonline.cn,
      // chinacloudapi.cn) — the very hosts the tenant headers go to must never read as imitations.
      ...signInDomains([...MICROSOFT_LOGIN_HOSTS, MICROSOFT_CONSUMER_LOGIN_HOST]),
    ],
    labels: ['microsoft', 'microsoftonline', 'microsoft365', 'office365', 'onmicrosoft', 'sharepoint'],
    brands: ['microsoft', 'microsoftonline', 'microsoft365', 'office365', 'onmicrosoft'],
  },
  {
    id: 'google',
    name: 'Google',
    own: [
      'google.com', 'googleapis.com', 'gstatic.com', 'googleusercontent.com', 'gmail.com', 'googlemail.com', 'google.dev',
      'googlevideo.com', 'googletagmanager.com', 'google-analytics.com', 'googleadservices.com', 'googlesyndication.com',
      'doubleclick.net', 'googleblog.com', 'withgoogle.com', 'googledomains.com', 'googlegroups.com', 'googlesource.com',
      'google.org', 'blogger.com', 'youtube.com', 'goo.gl', 'g.co', 'g.page', 'forms.gle', 'googlecode.com', 'googleplex.com',
      ...signInDomains([GOOGLE_DOMAIN]),
    ],
    labels: ['google', 'gmail', 'googlemail', 'googleapis', 'googleusercontent'],
    brands: ['google', 'gmail', 'googlemail'],
  },
  {
    id: 'webex',
    name: 'Webex',
    own: ['webex.com', 'webex.ca', 'webex.co.uk', 'wbx2.com', 'ciscospark.com', 'webexconnect.io', 'cisco.com', ...signInDomains(WEBEX_IDENTITY_HOSTS)],
    labels: ['webex'],
    brands: ['webex'],
  },
  {
    id: 'zoom',
    name: 'Zoom',
    own: ['zoom.us', 'zoom.com', 'zoomgov.com', 'zoom-x.de', 'zoom.com.cn', 'zoom.de', 'zoom.ca', 'zoom.co.uk'],
    labels: ['zoom', 'zoomgov'],
    brands: ['zoom', 'zoomgov'],
  },
];

/** Meeting platforms a policy can sanction besides the vendors above (policy `meetings.sanctioned`). */
const SANCTIONABLE: Record<string, Target> = {
  doxy: { id: 'doxy', name: 'Doxy.me', own: ['doxy.me'], labels: ['doxy'], brands: ['doxyme'] },
  vsee: { id: 'vsee', name: 'VSee', own: ['vsee.com', 'vsee.me'], labels: ['vsee'], brands: ['vsee'] },
};
const SANCTIONED_VENDOR: Record<string, string> = { zoom: 'zoom', teams: 'microsoft', webex: 'webex', meet: 'google' };

/** Labels shorter than this are not copied by typo or borrowed as brands (`t.me`, `wa.me`). */
export const MIN_LABEL = 4;

/** The registrable domain (ICANN public suffix list) of a canonical host, or null (an IP, a bare suffix). */
export function registrable(host: string): string | null {
  return getDomain(host, { allowPrivateDomains: false, extractHostname: false, validateHostname: false });
}

/** Catalog labels shorter than this are not judged at all (`t.me`, `m.me`, `wa.me`, `qq.com`). */
const CATALOG_MIN_LABEL = 3;

function targetFor(id: string, name: string, domain: string, minLabel = MIN_LABEL): Target | null {
  const apex = registrable(domain);
  if (apex === null) return null;
  const label = apex.slice(0, apex.indexOf('.'));
  const long = label.length >= minLabel;
  return { id, name, own: [apex], labels: long ? [label] : [], brands: long ? [label] : [] };
}

/** Every target for a policy: vendors first (their names win for their domains), then the policy's own. */
export function targetsFor(policy: Policy): Target[] {
  const targets: Target[] = VENDORS.map((v) => ({ ...v }));
  const byDomain = new Map<string, Target>();
  for (const t of targets) for (const d of t.own) byDomain.set(registrable(d) ?? d, t);
  const add = (t: Target | null) => {
    if (!t) return;
    const apex = t.own[0]!;
    if (byDomain.has(apex)) return; // already protected, under the vendor's own name
    byDomain.set(apex, t);
    targets.push(t);
  };
  policy.sanctionedPlatforms.forEach((p, i) => add(targetFor(`platform:${i}`, p.name, new URL(p.url).hostname)));
  const sanctioned = policy.meetings.sanctioned ?? {};
  for (const key of Object.keys(sanctioned)) {
    if (SANCTIONED_VENDOR[key] === undefined && SANCTIONABLE[key]) {
      const t = SANCTIONABLE[key];
      if (!t.own.some((d) => byDomain.has(d))) {
        targets.push(t);
        for (const d of t.own) byDomain.set(d, t);
      }
    }
  }
  for (const domain of policy.detection.protect) add(targetFor(`protect:${domain.toLowerCase()}`, domain.toLowerCase(), domain.toLowerCase()));
  // Catalog services last: their own names for their own domains, confusable spellings only.
  for (const service of CATALOG.services) {
    for (const pattern of service.hosts) {
      const t = targetFor(`service:${service.id}`, service.name, pattern.split('/')[0]!, CATALOG_MIN_LABEL);
      if (t) add({ ...t, brands: [], confusableOnly: true });
    }
  }
  return targets;
}
