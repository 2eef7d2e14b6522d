/**
 * Pages that were already open when the guard arrived (docs/enforcement.md, "In force from the
 * first moment"): an add-on installed while the browser runs — Firefox force-installs it from
 * `ExtensionSettings` only after a new profile's first pages have started loading, and IT may
 * push it to running browsers — finds tabs its rules never saw. Each is judged as the second
 * line judges a page that committed past the rules: a page the policy warns of or blocks goes
 * to the guard page; a sign-in page the policy sends tenant-restriction headers to is loaded
 * again, so the page a person signs in on was served under the organisation's header.
 */
import { secondLine, type GuardContext, type Stop } from './guard.ts';
import { hostOfUrl, hostUnder } from './hosts.ts';
import { headerTargets } from './tenant-restrictions.ts';

export type OpenTabReview = { do: 'guard'; stop: Stop } | { do: 'reload' } | null;

export function reviewOpenTab(url: string, ctx: GuardContext): OpenTabReview {
  if (!/^https?:/i.test(url)) return null;
  const stop = secondLine(url, true, null, ctx);
  if (stop) return { do: 'guard', stop };
  return signInWithHeaders(url, ctx) ? { do: 'reload' } : null;
}

/** Does a tenant-restriction rule of the policy act on this URL (the DNR condition: a request domain, and the regex where there is one)? */
function signInWithHeaders(url: string, ctx: GuardContext): boolean {
  const host = hostOfUrl(url);
  if (!host) return false;
  return headerTargets(ctx.compiled.policy.tenantRestrictions).some(
    (t) => t.requestDomains.some((d) => hostUnder(host, d)) && (t.regexFilter === undefined || new RegExp(t.regexFilter, 'i').test(url)),
  );
}
