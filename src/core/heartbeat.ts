/**
 * `install.heartbeat` (docs/event-log.md 1.2, docs/fleet.md "Coverage"): once a day each
 * install writes one event naming its browser and version, its extension version and the
 * policy in force, so that a fleet report can list installs that went silent, browsers
 * left behind and the policies in force. Pure: when one is due, and the browser's name.
 */

/** How often the background checks whether the day's heartbeat is written (an `alarms` alarm). */
export const HEARTBEAT_CHECK_MINUTES = 60;

/** The UTC calendar day of an instant, `YYYY-MM-DD` (the unit of "once a day"). */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Due when none was written on this UTC day (a clock set back to another day writes one more: harmless). */
export function heartbeatDue(lastDay: string | undefined, now: Date): boolean {
  return lastDay !== utcDay(now);
}

/** One brand of `navigator.userAgentData` (Chromium) with its full version. */
export interface Brand {
  brand: string;
  version: string;
}

/** Brand names as a report shows them. */
const SHORT: Record<string, string> = { 'Google Chrome': 'Chrome', 'Microsoft Edge': 'Edge' };

/**
 * The browser's name and version, e.g. `Chrome 142.0.7444.59`, `Edge 141.0.3537.71`,
 * `Chromium 156.0.8078.73`, `Firefox 153.0`. From, in this order: Firefox's
 * `runtime.getBrowserInfo()`; Chromium's brands (the branded one before `Chromium`;
 * the made-up "GREASE" brand every Chromium adds is skipped); the user-agent string.
 */
export function browserLabel(from: { info?: { name: string; version: string }; brands?: readonly Brand[]; userAgent?: string }): string {
  if (from.info) return `${from.info.name} ${from.info.version}`;
  const real = (from.brands ?? []).filter((b) => !/not.?a.?brand/i.test(b.brand) && b.brand.trim() !== '');
  const pick = real.find((b) => b.brand !== 'Chromium') ?? real.find((b) => b.brand === 'Chromium');
  if (pick) return `${SHORT[pick.brand] ?? pick.brand} ${pick.version}`;
  const ua = from.userAgent ?? '';
  for (const [re, name] of [[/Edg\/([\d.]+)/, 'Edge'], [/Firefox\/([\d.]+)/, 'Firefox'], [/Chrome\/([\d.]+)/, 'Chromium']] as const) {
    const m = re.exec(ua);
    if (m) return `${name} ${m[1]}`;
  }
  return 'unknown browser';
}

/** `Chrome 142.0.7444.59` → { name: 'Chrome', version: [142, 0, 7444, 59] }; null without a version. */
export function parseBrowserLabel(label: string): { name: string; version: number[] } | null {
  const m = /^(.*\S)\s+(\d+(?:\.\d+)*)$/.exec(label.trim());
  if (!m) return null;
  return { name: m[1]!, version: m[2]!.split('.').map(Number) };
}

/** Compare dotted versions numerically (missing parts are 0). */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** `--min-browser` rules: a bare version for any browser, `Name=version` for one by name. */
export interface MinBrowserRules {
  any: number[] | null;
  /** Lower-cased browser name → version. */
  byName: Map<string, number[]>;
}

/** Parse `--min-browser` values (`140`, `Firefox=128`, `Chrome=141.0.7390`), or say which is wrong. */
export function parseMinBrowser(values: readonly string[]): MinBrowserRules | { error: string } {
  const rules: MinBrowserRules = { any: null, byName: new Map() };
  for (const v of values) {
    const m = /^(?:(.*\S)\s*=\s*)?(\d+(?:\.\d+)*)$/.exec(v.trim());
    if (!m) return { error: `--min-browser "${v}": give a version (140) or a browser and a version (Firefox=128)` };
    const version = m[2]!.split('.').map(Number);
    if (m[1] === undefined) rules.any = version;
    else rules.byName.set(m[1].toLowerCase(), version);
  }
  return rules;
}

/** True when a heartbeat's browser is below the rule for its name (or the rule for any). A label without a version is not judged. */
export function belowMinBrowser(label: string, rules: MinBrowserRules): boolean {
  const b = parseBrowserLabel(label);
  if (!b) return false;
  const min = rules.byName.get(b.name.toLowerCase()) ?? rules.any;
  return min !== null && compareVersions(b.version, min) < 0;
}
