/**
 * `--as-of`, `--silent-days` and `--min-browser`, shared by `logs report` and `fleet report`
 * (docs/fleet.md, "Coverage"): the report's "now", how long a silence counts, which
 * browsers are too old.
 */
import { parseMinBrowser } from '../core/heartbeat.ts';
import { DEFAULT_SILENT_DAYS, type CoverageOptions } from '../core/events/summary.ts';

export const COVERAGE_USAGE = `--as-of <time> (default now), --silent-days <n> (default ${DEFAULT_SILENT_DAYS}), --min-browser <version | Name=version> (repeatable)`;

export function coverageOptions(values: { asOf?: string | undefined; silentDays?: string | undefined; minBrowser?: readonly string[] | undefined }, now: Date): CoverageOptions | { usage: string } {
  let asOf = now.toISOString();
  if (values.asOf !== undefined) {
    const t = Date.parse(values.asOf);
    if (!Number.isFinite(t)) return { usage: `--as-of "${values.asOf}" is not a time (e.g. 2026-12-01T00:00:00Z)` };
    asOf = new Date(t).toISOString();
  }
  let silentDays = DEFAULT_SILENT_DAYS;
  if (values.silentDays !== undefined) {
    if (!/^\d+$/.test(values.silentDays) || Number(values.silentDays) > 3650) return { usage: `--silent-days "${values.silentDays}" must be a whole number of days (0–3650)` };
    silentDays = Number(values.silentDays);
  }
  const minBrowser = [...(values.minBrowser ?? [])];
  const rules = parseMinBrowser(minBrowser);
  if ('error' in rules) return { usage: rules.error };
  return { asOf, silentDays, minBrowser };
}
