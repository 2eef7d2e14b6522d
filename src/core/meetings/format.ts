/**
 * Human-readable lines for one meeting-link analysis, as the CLI's `check-link` prints them
 * without `--json`: one summary line, then one indented line per finding, e.g.
 *
 *   WARN   https://us05web.zoom.us/j/6045550199 — Zoom meeting 6045550199 · personal room · passcode unknown · …
 *     warn      personal-room: This is a personal meeting room that stays the same …
 *
 * The URL is optional (left out, the summary is the verdict and the facts). Messages never
 * contain the URL or a passcode; whether to print the URL is the caller's choice.
 * Pure string building: no colours, no terminal assumptions.
 */
import { PLATFORM_NAMES, type LinkAnalysis } from './analyse.ts';

function yesNoUnknown(v: boolean | null): string {
  return v === null ? 'unknown' : v ? 'yes' : 'no';
}

/** The facts of a result in one line: platform, id, room, passcode, waiting room, tenant, sanctioned. */
export function describeAnalysis(r: LinkAnalysis): string {
  if (r.platform === null) return 'not a meeting link';
  const parts: string[] = [];
  const name = PLATFORM_NAMES[r.platform] + (r.consumer ? ' (consumer)' : '');
  parts.push(r.meetingId === null ? `${name} meeting` : `${name} meeting ${r.meetingId}`);
  if (r.personalRoom) parts.push('personal room');
  parts.push(`passcode ${r.passcode}`);
  parts.push(`waiting room ${r.waitingRoom}`);
  parts.push(`tenant ${r.tenant ?? 'unknown'}`);
  parts.push(`sanctioned ${yesNoUnknown(r.sanctioned)}`);
  return parts.join(' · ');
}

/**
 * Lines for one analysed link: a summary line starting with the verdict in capitals
 * (`OK`, `WARN`, `BLOCK`), then `  <severity> <code>: <message>` per finding.
 */
export function formatAnalysis(r: LinkAnalysis, url?: string): string[] {
  const verdict = r.verdict.toUpperCase().padEnd(5);
  const summary = url === undefined ? `${verdict}  ${describeAnalysis(r)}` : `${verdict}  ${url} — ${describeAnalysis(r)}`;
  return [summary, ...r.findings.map((f) => `  ${f.severity.padEnd(8)}  ${f.code}: ${f.message}`)];
}

/** The line for an input that does not parse as a URL (see `parseError`). */
export function formatParseError(url: string, error: string): string {
  return `ERROR  ${url} — ${error}`;
}
