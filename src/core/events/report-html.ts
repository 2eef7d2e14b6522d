/**
 * Render a Summary as ONE self-contained HTML file: no network, no scripts, no
 * external fonts or stylesheets (a Content-Security-Policy meta tag forbids them, as
 * a second line of defence), inline CSS and hand-written inline SVG bar charts.
 *
 * Everything that comes from the logs is untrusted (a typed reason can contain
 * `<script>`): every such string goes through escapeHtml, in text and attributes.
 *
 * Accessibility: one h1, h2 per section, every table has a caption and header
 * cells with scope, every chart is `role="img"` with a title and a description
 * and is followed by the table with the same numbers; colours meet WCAG AA contrast
 * against white, and status is spelled out in words, never by colour alone.
 */
import type { VerifyResult } from './chain.ts';
import type { ExportVerdict } from './verify.ts';
import type { Count, Summary } from './summary.ts';
import { bucketCounts } from './buckets.ts';
import { translator } from '../i18n/format.ts';
import { typeName } from '../i18n/names.ts';

/** The report is in English (the command line's language); types by their plain names. */
const EN = translator('en');

export interface ReportOptions {
  /** ISO timestamp shown as "generated at"; the caller supplies the clock. */
  generatedAt: string;
  title?: string;
  /** Bars per categorical chart (tables always list every row); default 15. */
  maxBars?: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape for HTML text and double- or single-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const fmt = (n: number): string => n.toLocaleString('en-US');

const COLOURS = {
  bar: '#1d5fa6', // 6.5:1 on white
  warn: '#8a4b00', // 7.0:1
  block: '#a4001c', // 8.1:1
};

interface Bar {
  label: string;
  value: number;
}

let chartCounter = 0;

/** A horizontal bar chart: one row per bar, label left, value right. */
function hBarChart(title: string, bars: Bar[], colour: string, maxBars: number): string {
  const shown = bars.slice(0, maxBars);
  if (shown.length === 0) return '';
  const id = `chart-${++chartCounter}`;
  const max = Math.max(1, ...shown.map((b) => b.value));
  const rowH = 24;
  const labelW = 240;
  const barW = 380;
  const width = labelW + barW + 80;
  const height = shown.length * rowH + 8;
  const rows = shown
    .map((b, i) => {
      const y = 4 + i * rowH;
      const w = Math.max(b.value > 0 ? 2 : 0, Math.round((b.value / max) * barW));
      const label = b.label.length > 34 ? b.label.slice(0, 33) + '…' : b.label;
      return (
        `<g><title>${escapeHtml(b.label)}: ${fmt(b.value)}</title>` +
        `<text x="${labelW - 8}" y="${y + 16}" text-anchor="end">${escapeHtml(label)}</text>` +
        `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" fill="${colour}"></rect>` +
        `<text x="${labelW + w + 6}" y="${y + 16}">${fmt(b.value)}</text></g>`
      );
    })
    .join('');
  const desc =
    shown.map((b) => `${b.label}: ${fmt(b.value)}`).join('; ') + (bars.length > shown.length ? `; and ${bars.length - shown.length} more with fewer` : '');
  return (
    `<figure class="chart"><svg role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-t">${escapeHtml(title)}</title><desc id="${id}-d">${escapeHtml(desc)}</desc>${rows}</svg></figure>`
  );
}

/**
 * A column chart over time: per day up to two months, per week up to a year, per month
 * beyond (core/events/buckets.ts, as the options page), so a day and a year both read.
 */
function timeChart(byDay: Count[]): string {
  const { unit, buckets } = bucketCounts(byDay.map((d) => ({ day: d.key, type: 'all', count: d.count })));
  const name = (start: string) => (unit === 'week' ? `week of ${readableDay(start)}` : unit === 'month' ? readableDay(start).replace(/^\d+ /, '') : readableDay(start));
  const title = `Events per ${unit} (UTC)`;
  return dayChart(title, buckets.map((b) => ({ key: name(b.start), count: b.byType.all ?? 0 })));
}

/** A column chart for counts per period (x = periods in order). */
function dayChart(title: string, days: Count[]): string {
  if (days.length === 0) return '';
  const id = `chart-${++chartCounter}`;
  const max = Math.max(1, ...days.map((d) => d.count));
  const plotH = 160;
  const colW = Math.max(3, Math.min(28, Math.floor(720 / days.length)));
  const width = Math.max(320, days.length * colW + 60);
  const height = plotH + 40;
  const cols = days
    .map((d, i) => {
      const h = Math.max(d.count > 0 ? 1 : 0, Math.round((d.count / max) * plotH));
      const x = 50 + i * colW;
      return `<rect x="${x}" y="${10 + plotH - h}" width="${Math.max(1, colW - 2)}" height="${h}" fill="${COLOURS.bar}"><title>${escapeHtml(d.key)}: ${fmt(d.count)}</title></rect>`;
    })
    .join('');
  const first = days[0]!;
  const last = days[days.length - 1]!;
  const peak = days.reduce((a, b) => (b.count > a.count ? b : a));
  const desc = `From ${first.key} to ${last.key}; busiest: ${peak.key} with ${fmt(peak.count)} events.`;
  return (
    `<figure class="chart"><svg role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-t">${escapeHtml(title)}</title><desc id="${id}-d">${escapeHtml(desc)}</desc>` +
    `<line x1="48" y1="${10 + plotH}" x2="${width - 4}" y2="${10 + plotH}" stroke="#333"></line>` +
    `<text x="44" y="20" text-anchor="end">${fmt(max)}</text><text x="44" y="${10 + plotH}" text-anchor="end">0</text>` +
    cols +
    `<text x="50" y="${plotH + 30}">${escapeHtml(first.key)}</text>` +
    (days.length > 1 ? `<text x="${width - 4}" y="${plotH + 30}" text-anchor="end">${escapeHtml(last.key)}</text>` : '') +
    `</svg></figure>`
  );
}

type Cell = string | number;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * "1 Mar 2025, 08:00 UTC": the report gathers machines in many time zones, so times stay
 * in UTC, written the way people read them (the exports keep ISO 8601).
 */
export function readableTs(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

function readableDay(day: string): string {
  const d = new Date(`${day}T00:00:00.000Z`);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

function table(caption: string, headers: string[], rows: Cell[][], empty = 'None.'): string {
  if (rows.length === 0) return `<p class="empty"><strong>${escapeHtml(caption)}:</strong> ${escapeHtml(empty)}</p>`;
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        '<tr>' +
        r.map((c, i) => (i === 0 ? `<th scope="row">${cellHtml(c)}</th>` : `<td${typeof c === 'number' ? ' class="num"' : ''}>${cellHtml(c)}</td>`)).join('') +
        '</tr>',
    )
    .join('');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function cellHtml(c: Cell): string {
  return typeof c === 'number' ? fmt(c) : escapeHtml(c);
}

function verificationText(v: VerifyResult | ExportVerdict | undefined, error: string | undefined): string {
  if (error !== undefined) return `Unreadable: ${error}`;
  if (!v) return 'Not checked';
  if (v.ok) {
    const signer = 'installId' in v ? `; signed by install ${v.installId}${v.pinned ? ', key pinned' : ', key not pinned'}${v.filtered ? '; filtered export' : ''}` : '';
    const what = v.count === 0 ? 'Verified (empty' : v.fromGenesis ? 'Verified (complete from first event' : 'Verified (partial log: starts after pruning';
    return `${what}${signer})`;
  }
  return `NOT VERIFIED: line ${v.line}${v.seq === null ? '' : `, seq ${v.seq}`}: ${v.reason}`;
}

const CSS = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;background:#fff;margin:0 auto;max-width:1100px;padding:16px 24px}
h1{font-size:1.7em;margin:.4em 0}h2{font-size:1.3em;margin-top:1.6em;border-bottom:2px solid #d0d0d0;padding-bottom:.2em}
table{border-collapse:collapse;margin:.8em 0 1.2em;min-width:50%}caption{text-align:left;font-weight:600;padding:.3em 0}
th,td{border:1px solid #bbb;padding:.25em .6em;text-align:left;vertical-align:top}thead th{background:#eef1f5}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.chart{margin:.5em 0;overflow-x:auto}.chart svg{font:12px system-ui,Arial,sans-serif;fill:#1a1a1a;max-width:100%;height:auto}
.ok{color:#1b5e20;font-weight:600}.bad{color:#a4001c;font-weight:600}.empty{color:#333}
dl.totals{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dl.totals dt{font-weight:600}
code{font-family:ui-monospace,Consolas,monospace}
`;

/** The whole report as one HTML document. */
export function renderReportHtml(s: Summary, opts: ReportOptions): string {
  chartCounter = 0;
  const title = opts.title ?? 'Telehealth Guard event report';
  const maxBars = opts.maxBars ?? 15;
  const verified = s.sources.filter((x) => x.verification?.ok === true && x.error === undefined).length;
  const parts: string[] = [];

  parts.push(
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${escapeHtml(title)}</title><style>${CSS}</style></head><body><main>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<dl class="totals">`,
    `<dt>Generated</dt><dd>${escapeHtml(readableTs(opts.generatedAt))}</dd>`,
    `<dt>Period</dt><dd>${s.firstTs === null ? 'no events' : `${escapeHtml(readableTs(s.firstTs))} to ${escapeHtml(readableTs(s.lastTs ?? s.firstTs))}`}</dd>`,
    // The same export given twice (or overlapping exports of one machine) is read once.
    `<dt>Events</dt><dd>${fmt(s.total)}${s.duplicates > 0 ? ` (${fmt(s.total + s.duplicates)} read; an event found in more than one file is counted once)` : ''}</dd>`,
    `<dt>Files</dt><dd>${fmt(s.sources.length)} (${fmt(verified)} verified)</dd>`,
    `</dl>`,
  );

  // Sources and their verification.
  parts.push(`<section aria-labelledby="h-sources"><h2 id="h-sources">Files and tamper check</h2>`);
  parts.push(
    `<table><caption>Input files (one per machine) and whether each file's hash chain verified</caption><thead><tr>` +
      ['File', 'Events', 'Counted', 'Unreadable lines', 'First event', 'Last event', 'Hash chain'].map((h) => `<th scope="col">${h}</th>`).join('') +
      `</tr></thead><tbody>` +
      s.sources
        .map((x) => {
          const good = x.error === undefined && x.verification?.ok === true;
          return (
            `<tr><th scope="row">${escapeHtml(x.name)}</th><td class="num">${fmt(x.events)}</td><td class="num">${fmt(x.counted)}</td><td class="num">${fmt(x.badLines)}</td>` +
            `<td>${escapeHtml(readableTs(x.firstTs))}</td><td>${escapeHtml(readableTs(x.lastTs))}</td>` +
            `<td class="${good ? 'ok' : 'bad'}">${escapeHtml(verificationText(x.verification, x.error))}</td></tr>`
          );
        })
        .join('') +
      `</tbody></table></section>`,
  );

  // Totals by type.
  parts.push(
    `<section aria-labelledby="h-types"><h2 id="h-types">Events by type</h2>`,
    // A chart says this alone: no table repeating it.
    hBarChart('Events by type', s.byType.filter((t) => t.count > 0).map((t) => ({ label: typeName(t.key, EN), value: t.count })), COLOURS.bar, 20) || '<p class="empty">No events.</p>',
    `</section>`,
  );

  // By service.
  parts.push(
    `<section aria-labelledby="h-services"><h2 id="h-services">Events by service</h2>`,
    hBarChart('Events by service', s.byService.map((r) => ({ label: r.service, value: r.total })), COLOURS.bar, maxBars),
    table(
      'Events by service or meeting platform',
      ['Service', 'Events', 'Warned', 'Blocked', 'Continued past warning', 'Redirected', 'Links checked'],
      s.byService.map((r) => [r.service, r.total, r.warned, r.blocked, r.proceeded, r.redirected, r.linksChecked]),
    ),
    `</section>`,
  );

  // By day.
  parts.push(
    `<section aria-labelledby="h-days"><h2 id="h-days">Events by day (UTC)</h2>`,
    timeChart(s.byDay) || '<p class="empty">No events.</p>',
    `</section>`,
  );

  // Warned / blocked.
  parts.push(
    `<section aria-labelledby="h-warned"><h2 id="h-warned">Most warned services</h2>`,
    hBarChart('Warnings shown, by service (host when no catalog service)', s.topWarned.map((c) => ({ label: c.key, value: c.count })), COLOURS.warn, maxBars) || '<p class="empty">No warnings.</p>',
    `</section>`,
    `<section aria-labelledby="h-blocked"><h2 id="h-blocked">Most blocked services</h2>`,
    hBarChart('Navigations blocked, by service (host when no catalog service)', s.topBlocked.map((c) => ({ label: c.key, value: c.count })), COLOURS.block, maxBars) || '<p class="empty">No blocks.</p>',
    `</section>`,
  );

  // Proceed reasons.
  parts.push(
    `<section aria-labelledby="h-reasons"><h2 id="h-reasons">Reasons given for continuing past a warning</h2>`,
    table(
      'Reasons typed by people who continued past a warning (grouped ignoring case and spacing)',
      ['Reason', 'Times', 'Services'],
      s.proceedReasons.map((r) => [r.reason, r.count, r.services.map((x) => `${x.key} (${fmt(x.count)})`).join(', ')]),
      'Nobody continued past a warning.',
    ),
    `</section>`,
  );

  // Unsafe links.
  parts.push(
    `<section aria-labelledby="h-links"><h2 id="h-links">Unsafe meeting links</h2>`,
    table(
      'Meeting links checked with a warn or block result, by host and findings',
      ['Host', 'Action', 'Findings', 'Times', 'First seen', 'Last seen'],
      s.unsafeLinks.map((l) => [l.host, l.action, l.findings.join(', ') || '(none recorded)', l.count, readableTs(l.firstTs), readableTs(l.lastTs)]),
      'No unsafe meeting links.',
    ),
    `</section>`,
  );

  // Capture on sites nobody sanctioned: how IT finds the platforms nobody listed.
  parts.push(
    `<section aria-labelledby="h-media"><h2 id="h-media">Sites that used camera or microphone and are not sanctioned</h2>`,
    table(
      'Sites where the camera, microphone or screen was used (media.used, or continued after the notice) that are not sanctioned, by number of installs',
      ['Host', 'Installs', 'Events', 'Captured', 'First seen', 'Last seen'],
      s.mediaSites.map((m) => [m.host, m.installs, m.events, m.kinds.join(', '), readableTs(m.firstTs), readableTs(m.lastTs)]),
      'No capture on unsanctioned sites was recorded.',
    ),
    `</section>`,
  );

  // Who: installs and users.
  const whoCols = ['Events', 'Warned', 'Blocked', 'Continued past warning'];
  parts.push(
    `<section aria-labelledby="h-who"><h2 id="h-who">By install and user</h2>`,
    table(
      'Events by install (one browser profile each); users seen on it when logging.recordUser is on',
      ['Install', ...whoCols, 'Users'],
      s.byInstall.map((r) => [r.key, r.total, r.warned, r.blocked, r.proceeded, r.related.join(', ')]),
      'No events.',
    ),
    table(
      'Events by user (the account signed in to the browser profile)',
      ['User', ...whoCols, 'Installs'],
      s.byUser.map((r) => [r.key, r.total, r.warned, r.blocked, r.proceeded, r.related.join(', ')]),
      'No event names a user (logging.recordUser is off).',
    ),
    `</section>`,
  );

  // Policies.
  parts.push(
    `<section aria-labelledby="h-policies"><h2 id="h-policies">Policies in force</h2>`,
    table('Policy version and source recorded on events', ['Policy version', 'Source', 'Events'], s.policies.map((p) => [p.policyVersion, p.policySource, p.count])),
    `</section>`,
  );

  parts.push(`</main></body></html>\n`);
  return parts.join('\n');
}
