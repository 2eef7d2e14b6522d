/**
 * The Summary (summary.ts) as plain text: the same facts and words as report-html.ts, for a
 * terminal, a ticket or an e-mail (`logs report --out report.txt`). Reads nothing but the
 * Summary. Text from the logs has its control and bidi characters shown as `\uXXXX`.
 */
import { restOf, type Summary, type TopRows } from './summary.ts';
import { readableTs, UNSAFE_IN_REPORT } from './report-html.ts';
import { translator } from '../i18n/format.ts';
import { findingText, incidentKey, serviceName, typeName } from '../i18n/names.ts';
import { escapeChar } from '../printable.ts';

const EN = translator('en');
const fmt = (n: number): string => n.toLocaleString('en-US');
const safe = (s: string) => s.replace(UNSAFE_IN_REPORT, escapeChar);

function incidentName(kind: string): string {
  const k = incidentKey(kind);
  const s = EN(k);
  return s === k ? kind : s;
}

/** Columns padded to their widest cell (numbers right-aligned). */
function columns(headers: string[], rows: Array<Array<string | number>>): string[] {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : safe(c))))];
  const widths = headers.map((_, i) => Math.min(60, Math.max(...cells.map((r) => (r[i] ?? '').length))));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  return cells.map((r) => '  ' + r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

function rest(t: TopRows<{ count: number }>, what: string): string[] {
  const r = restOf(t);
  const out: string[] = [];
  if (r.distinct > 0) out.push(`  … and ${fmt(r.distinct)} more ${what} with ${fmt(r.events - t.untracked)} events, not listed`);
  if (t.untracked > 0) out.push(`  … ${fmt(t.untracked)} events with values first seen after the budget of distinct values was spent (counted, not ranked)`);
  return out;
}

export function renderReportText(s: Summary, opts: { generatedAt: string; title?: string }): string {
  const out: string[] = [opts.title ?? 'Telehealth Guard event report', ''];
  const first: string[] = [];
  for (const c of s.conflicts) first.push(`CONFLICT (tampering): ${safe(c.inputs[0])} and ${safe(c.inputs[1])} hold different events for install ${safe(c.installId)}, seq ${c.seq}; neither file is counted`);
  for (const x of s.exclusions) first.push(`NOT COUNTED: ${safe(x.input)}: ${safe(x.why)}`);
  for (const f of s.filter.unmatched) first.push(`FILTER MATCHED NOTHING: ${safe(f)}`);
  if (first.length > 0) out.push('Read first: what this report leaves out', ...first.map((l) => '  ' + l), '');
  out.push(
    `Generated: ${readableTs(opts.generatedAt)}`,
    `Period:    ${s.firstTs === null ? 'no events' : `${readableTs(s.firstTs)} to ${readableTs(s.lastTs ?? s.firstTs)}`}`,
    `Events:    ${fmt(s.total)}${s.duplicates > 0 ? ` (and ${fmt(s.duplicates)} found again in another file, counted once)` : ''}`,
    `Files:     ${fmt(s.inputs.length)} (${fmt(s.inputs.filter((x) => x.counts).length)} counted)`,
    `Keys:      ${s.pinned ? 'pinned' : 'not pinned (give --keys to require each install’s own key)'}`,
    '',
    'Files and tamper check',
    ...columns(['File', 'Install', 'Events', 'Counted', 'Verification'], s.inputs.map((x) => [x.name, x.installId ?? '', x.events, x.counted, x.verdict])),
    '',
    `Incidents reported: ${fmt(s.incidents.recent.events)}`,
    ...columns(['Time', 'Install', 'User', 'What happened', 'Note'], s.incidents.recent.rows.map((i) => [readableTs(i.ts), `${i.installId} (seq ${i.seq})`, i.user ?? '', incidentName(i.kind), i.note ?? ''])),
    '',
    'Events by type',
    ...columns(['Type', 'Events'], s.byType.filter((t) => t.count > 0).map((t) => [typeName(t.key, EN), t.count])),
    '',
    'Events by service',
    ...columns(['Service', 'Events', 'Warned', 'Blocked', 'Continued'], s.services.rows.map((r) => [serviceName(r.key) || r.key, r.count, r.warned, r.blocked, r.proceeded])),
    ...rest(s.services, 'services'),
    '',
    'Reasons given for continuing past a warning',
    ...columns(['Reason', 'Times'], s.reasons.rows.map((r) => [r.key, r.count])),
    ...rest(s.reasons, 'reasons'),
    '',
    'Unsafe meeting links',
    ...columns(['Host', 'Action', 'Findings', 'Times'], s.unsafeLinks.rows.map((l) => [l.host, l.action === 'block' ? 'Blocked' : 'Warned', l.findings.map((f) => findingText(f, EN)).join('; '), l.count])),
    ...rest(s.unsafeLinks, 'hosts and findings'),
    '',
    'By install',
    ...columns(['Install', 'Events', 'Warned', 'Blocked', 'Continued', 'Last event'], s.installs.rows.map((r) => [r.key, r.count, r.warned, r.blocked, r.proceeded, readableTs(r.lastTs)])),
    ...rest(s.installs, 'installs'),
  );
  {
    const c = s.coverage;
    out.push(
      '',
      `Coverage as of ${readableTs(c.asOf)}: ${fmt(c.silent.distinct)} of ${fmt(c.silent.events)} installs silent for more than ${fmt(c.silentDays)} days`,
      ...columns(['Install', 'Days silent', 'Latest event'], c.silent.rows.map((r) => [r.key, r.count, readableTs(r.lastTs)])),
      ...rest(c.silent, 'silent installs'),
      '',
      'Policy in force on each install',
      ...columns(['Policy version', 'Source', 'Installs', 'Share'], c.policiesInForce.rows.map((p) => [p.policyVersion, p.policySource, p.count, c.policiesInForce.events > 0 ? `${((100 * p.count) / c.policiesInForce.events).toFixed(1)}%` : ''])),
      ...rest(c.policiesInForce, 'policy versions'),
    );
    if (c.minBrowser.length > 0) {
      out.push('', `Browsers below ${c.minBrowser.join(', ')} (latest check-in; ${fmt(c.oldBrowsers.events)} installs with one)`, ...columns(['Browser', 'Installs'], c.oldBrowsers.rows.map((b) => [b.key, b.count])), ...rest(c.oldBrowsers, 'browsers'));
    }
  }
  if (s.drillResults.events > 0) {
    out.push(
      '',
      'Drill results, per install (and user, when recorded)',
      ...columns(['Drill', 'Install', 'User', 'Times opened', 'First opened'], s.drillResults.rows.map((r) => [r.drill, r.installId, r.user ?? '', r.count, readableTs(r.firstTs)])),
      ...rest(s.drillResults, 'drill results'),
    );
  }
  return out.join('\n') + '\n';
}
