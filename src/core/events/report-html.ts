/**
 * Render a Summary (summary.ts) as ONE self-contained HTML file: no network, no scripts, no
 * external fonts or stylesheets (a Content-Security-Policy meta tag forbids them, as a
 * second line of defence), inline CSS and hand-written inline SVG bar charts. It reads
 * nothing but the Summary, so `logs report` and `fleet report` print the same page.
 *
 * Everything that comes from the logs is untrusted (a typed reason can contain `<script>`,
 * an ESC or a right-to-left override): every such string goes through `text` (element
 * content: HTML-escaped, control and bidi characters shown as a visible `\u202e`) or
 * `attr`/`svgText` (the same, as plain characters).
 *
 * Codes are shown by their plain names, the options page's words (core/i18n/names.ts):
 * event types, services, findings, incident kinds; the code stays in a tooltip.
 *
 * Accessibility: one h1, h2 per section, every table has a caption and header cells with
 * scope, every chart is `role="img"` with a title and a description; light and dark
 * schemes (prefers-color-scheme), both with WCAG AA contrast; status is spelled out in
 * words, never by colour alone. Size: each table lists at most TOP_N rows of clipped text,
 * so the file stays small whatever the input (docs/audit-trail.md).
 */
import { bucketCounts } from './buckets.ts';
import { restOf, type Count, type Summary, type TopRows } from './summary.ts';
import { translator } from '../i18n/format.ts';
import { findingText, incidentKey, serviceName, typeName } from '../i18n/names.ts';
import { escapeChar } from '../printable.ts';

/** The report is in English (the command line's language); codes by their plain names. */
const EN = translator('en');

export interface ReportOptions {
  /** ISO timestamp shown as "generated at"; the caller supplies the clock. */
  generatedAt: string;
  title?: string;
  /** Bars per categorical chart (tables list TOP_N rows); default 15. */
  maxBars?: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape for HTML text and double- or single-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * Characters that must not reach a reader raw: C0/C1 controls, DEL, line and paragraph
 * separators, the bidi embeddings, overrides, isolates and marks (they reorder or hide what
 * is displayed, "Trojan Source"), zero-width characters and the BOM.
 */
// eslint-disable-next-line no-control-regex
export const UNSAFE_IN_REPORT = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Element content: escaped, each unsafe character shown as a visible `\uXXXX`. */
export function text(s: string): string {
  return escapeHtml(s).replace(UNSAFE_IN_REPORT, (c) => `<code class="esc">${escapeChar(c)}</code>`);
}
/** An attribute value or SVG text (no markup inside): unsafe characters as `\uXXXX`, then escaped. */
export function attr(s: string): string {
  return escapeHtml(s.replace(UNSAFE_IN_REPORT, escapeChar));
}

const fmt = (n: number): string => n.toLocaleString('en-US');

interface Bar {
  label: string;
  value: number;
}

let chartCounter = 0;

/** A horizontal bar chart: one row per bar, label left, value right. */
function hBarChart(title: string, bars: Bar[], kind: 'bar' | 'warn' | 'block', maxBars: number): string {
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
        `<g><title>${attr(b.label)}: ${fmt(b.value)}</title>` +
        `<text x="${labelW - 8}" y="${y + 16}" text-anchor="end">${attr(label)}</text>` +
        `<rect class="${kind}" x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}"></rect>` +
        `<text x="${labelW + w + 6}" y="${y + 16}">${fmt(b.value)}</text></g>`
      );
    })
    .join('');
  const desc = shown.map((b) => `${b.label}: ${fmt(b.value)}`).join('; ') + (bars.length > shown.length ? `; and ${bars.length - shown.length} more with fewer` : '');
  return (
    `<figure class="chart"><svg role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-t">${attr(title)}</title><desc id="${id}-d">${attr(desc)}</desc>${rows}</svg></figure>`
  );
}

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

/**
 * A column chart over time: per day up to two months, per week up to a year, per month
 * beyond (core/events/buckets.ts, as the options page), so a day and a year both read.
 */
function timeChart(byDay: Count[]): string {
  if (byDay.length === 0) return '';
  const { unit, buckets } = bucketCounts(byDay.map((d) => ({ day: d.key, type: 'all', count: d.count })));
  const name = (start: string) => (unit === 'week' ? `week of ${readableDay(start)}` : unit === 'month' ? readableDay(start).replace(/^\d+ /, '') : readableDay(start));
  const days = buckets.map((b) => ({ key: name(b.start), count: b.byType.all ?? 0 }));
  const id = `chart-${++chartCounter}`;
  const max = Math.max(1, ...days.map((d) => d.count));
  const plotH = 160;
  const colW = Math.max(3, Math.min(28, Math.floor(720 / days.length)));
  const width = Math.max(320, days.length * colW + 60);
  const height = plotH + 40;
  const cols = days
    .map((d, i) => {
      const h = Math.max(d.count > 0 ? 1 : 0, Math.round((d.count / max) * plotH));
      return `<rect class="bar" x="${50 + i * colW}" y="${10 + plotH - h}" width="${Math.max(1, colW - 2)}" height="${h}"><title>${attr(d.key)}: ${fmt(d.count)}</title></rect>`;
    })
    .join('');
  const first = days[0]!;
  const last = days[days.length - 1]!;
  const peak = days.reduce((a, b) => (b.count > a.count ? b : a));
  const desc = `From ${first.key} to ${last.key}; busiest: ${peak.key} with ${fmt(peak.count)} events.`;
  return (
    `<figure class="chart"><svg role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-t">${attr(`Events per ${unit} (UTC)`)}</title><desc id="${id}-d">${attr(desc)}</desc>` +
    `<line class="axis" x1="48" y1="${10 + plotH}" x2="${width - 4}" y2="${10 + plotH}"></line>` +
    `<text x="44" y="20" text-anchor="end">${fmt(max)}</text><text x="44" y="${10 + plotH}" text-anchor="end">0</text>` +
    cols +
    `<text x="50" y="${plotH + 30}">${attr(first.key)}</text>` +
    (days.length > 1 ? `<text x="${width - 4}" y="${plotH + 30}" text-anchor="end">${attr(last.key)}</text>` : '') +
    `</svg></figure>`
  );
}

/** A cell: a number, text from the logs, or HTML this file wrote (`{ html }`). */
type Cell = string | number | { html: string };

function cellHtml(c: Cell): string {
  return typeof c === 'number' ? fmt(c) : typeof c === 'string' ? text(c) : c.html;
}

function table(caption: string, headers: string[], rows: Cell[][], empty = 'None.'): string {
  if (rows.length === 0) return `<p class="empty"><strong>${text(caption)}:</strong> ${text(empty)}</p>`;
  const head = headers.map((h) => `<th scope="col">${text(h)}</th>`).join('');
  const body = rows
    .map((r) => '<tr>' + r.map((c, i) => (i === 0 ? `<th scope="row">${cellHtml(c)}</th>` : `<td${typeof c === 'number' ? ' class="num"' : ''}>${cellHtml(c)}</td>`)).join('') + '</tr>')
    .join('');
  return `<table><caption>${text(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** "And 1,234 more …, 5,678 events" under a table that was cut at TOP_N rows. */
function restLine(t: TopRows<{ count: number }>, what: string): string {
  const r = restOf(t);
  const parts: string[] = [];
  if (r.distinct > 0) parts.push(`And ${fmt(r.distinct)} more ${what} with ${fmt(r.events - t.untracked)} events, not listed (only the ${fmt(t.rows.length)} largest are).`);
  if (t.untracked > 0) parts.push(`${fmt(t.untracked)} events had values first seen after the report's budget of distinct values was spent: counted, not ranked.`);
  return parts.length ? `<p class="rest">${parts.join(' ')}</p>` : '';
}

/** A service id by its display name, the id in a tooltip when they differ. */
function service(id: string): Cell {
  const name = serviceName(id);
  return name === id || id === '' ? id : { html: `<span title="${attr(id)}">${text(name)}</span>` };
}
function finding(code: string): string {
  return findingText(code, EN);
}
function incidentName(kind: string): string {
  const k = incidentKey(kind);
  const s = EN(k);
  return s === k || s === undefined ? kind : s;
}

const CSS = `
:root{color-scheme:light dark;--fg:#1a1a1a;--bg:#fff;--muted:#333;--line:#bbb;--head:#eef1f5;--bar:#1d5fa6;--warn:#8a4b00;--block:#a4001c;--ok:#1b5e20;--bad:#a4001c;--alert-bg:#fff4f4;--note-bg:#f3f6fb}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#16181c;--muted:#c8c8c8;--line:#5a5f66;--head:#262a31;--bar:#7fb0f5;--warn:#f0b35c;--block:#ff9494;--ok:#8fdc95;--bad:#ff9494;--alert-bg:#3a1c1f;--note-bg:#1e2530}}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1100px;padding:16px 24px}
h1{font-size:1.7em;margin:.4em 0}h2{font-size:1.3em;margin-top:1.6em;border-bottom:2px solid var(--line);padding-bottom:.2em}
table{border-collapse:collapse;margin:.8em 0 1.2em;min-width:50%}caption{text-align:left;font-weight:600;padding:.3em 0}
th,td{border:1px solid var(--line);padding:.25em .6em;text-align:left;vertical-align:top}thead th{background:var(--head)}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.chart{margin:.5em 0;overflow-x:auto}.chart svg{font:12px system-ui,Arial,sans-serif;fill:var(--fg);max-width:100%;height:auto}
.chart .bar{fill:var(--bar)}.chart .warn{fill:var(--warn)}.chart .block{fill:var(--block)}.chart .axis{stroke:var(--fg)}
.ok{color:var(--ok);font-weight:600}.bad{color:var(--bad);font-weight:600}.empty,.rest{color:var(--muted)}
.alert{border:2px solid var(--bad);background:var(--alert-bg);padding:.4em 1em;margin:1em 0}.alert h2{margin-top:.3em;border:0}
.note{background:var(--note-bg);padding:.4em 1em;margin:1em 0}
dl.totals{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dl.totals dt{font-weight:600}
code{font-family:ui-monospace,Consolas,monospace}code.esc{border:1px solid var(--line);padding:0 .15em;font-size:.9em}
`;

interface Ctx {
  maxBars: number;
}

/** The first thing read: what did not count and why. Empty when everything counted. */
function readFirst(s: Summary): string {
  const items: string[] = [];
  for (const c of s.conflicts) {
    items.push(`<li><strong>Conflict (tampering):</strong> ${text(c.inputs[0])} and ${text(c.inputs[1])} hold different events for install ${text(c.installId)}, seq ${fmt(c.seq)}. Neither file is counted.</li>`);
  }
  for (const x of s.exclusions) items.push(`<li><strong>Not counted:</strong> ${text(x.input)}: ${text(x.why)}</li>`);
  for (const f of s.filter.unmatched) items.push(`<li><strong>Filter matched nothing:</strong> ${text(f)}</li>`);
  if (items.length === 0) return '';
  return `<section class="alert" aria-labelledby="h-first"><h2 id="h-first">Read first: what this report leaves out</h2><ul>${items.join('')}</ul></section>`;
}

function totals(s: Summary, generatedAt: string): string {
  const counting = s.inputs.filter((x) => x.counts).length;
  return [
    `<dl class="totals">`,
    `<dt>Generated</dt><dd>${text(readableTs(generatedAt))}</dd>`,
    `<dt>Period</dt><dd>${s.firstTs === null ? 'no events' : `${text(readableTs(s.firstTs))} to ${text(readableTs(s.lastTs ?? s.firstTs))}`}</dd>`,
    // The same event in two inputs (overlapping exports of one install) is counted once.
    `<dt>Events</dt><dd>${fmt(s.total)}${s.duplicates > 0 ? ` (and ${fmt(s.duplicates)} found again in another file, counted once)` : ''}</dd>`,
    `<dt>Files</dt><dd>${fmt(s.inputs.length)} (${fmt(counting)} counted)</dd>`,
    `<dt>Keys</dt><dd>${s.pinned ? 'pinned: every counted file is signed by its install’s pinned key' : 'not pinned: a file counts if it is intact and signed, by any key (give --keys to require each install’s own key)'}</dd>`,
    s.filter.installs.length + s.filter.users.length > 0
      ? `<dt>Only</dt><dd>${text([...s.filter.installs.map((i) => `install ${i}`), ...s.filter.users.map((u) => `user ${u}`)].join(', '))}</dd>`
      : '',
    `</dl>`,
  ].join('');
}

/** Section renderers, in the order the report shows them. Add one here for a new Summary field. */
const SECTIONS: Array<(s: Summary, ctx: Ctx) => string> = [
  (s) =>
    `<section aria-labelledby="h-sources"><h2 id="h-sources">Files and tamper check</h2>` +
    table(
      'Input files (one per machine) and whether each verified',
      ['File', 'Install', 'Events', 'Counted', 'First event', 'Last event', 'Verification'],
      s.inputs.map((x) => [x.name, x.installId ?? '', x.events, x.counted, readableTs(x.firstTs), readableTs(x.lastTs), { html: `<span class="${x.counts ? 'ok' : 'bad'}">${text(x.verdict)}</span>` }]),
      'No files.',
    ) +
    `</section>`,
  (s) => {
    const r = s.incidents.recent;
    const byKind = s.incidents.byKind.filter((k) => k.count > 0).map((k) => `${incidentName(k.key)}: ${fmt(k.count)}`);
    return (
      `<section aria-labelledby="h-incidents"><h2 id="h-incidents">Incidents reported</h2>` +
      (byKind.length ? `<p>${text(byKind.join('; '))}.</p>` : '') +
      table(
        'Incidents reported by clinicians, newest first',
        ['Time', 'Install', 'User', 'What happened', 'Note', 'Site'],
        r.rows.map((i) => [readableTs(i.ts), `${i.installId} (seq ${i.seq})`, i.user ?? '', incidentName(i.kind), i.note ?? '', i.host ?? '']),
        'No incidents were reported.',
      ) +
      (r.events > r.rows.length ? `<p class="rest">And ${fmt(r.events - r.rows.length)} earlier incidents, counted above by kind, not listed.</p>` : '') +
      `</section>`
    );
  },
  (s) =>
    `<section aria-labelledby="h-types"><h2 id="h-types">Events by type</h2>` +
    (hBarChart('Events by type', s.byType.filter((t) => t.count > 0).map((t) => ({ label: typeName(t.key, EN), value: t.count })), 'bar', 30) || '<p class="empty">No events.</p>') +
    `</section>`,
  (s, ctx) =>
    `<section aria-labelledby="h-services"><h2 id="h-services">Events by service</h2>` +
    hBarChart('Events by service', s.services.rows.map((r) => ({ label: serviceName(r.key) || r.key, value: r.count })), 'bar', ctx.maxBars) +
    table(
      'Events by service or meeting platform',
      ['Service', 'Events', 'Warned', 'Blocked', 'Continued past warning', 'Redirected', 'Links checked', 'Camera and microphone', 'Patient data'],
      s.services.rows.map((r) => [service(r.key), r.count, r.warned, r.blocked, r.proceeded, r.redirected, r.linksChecked, r.media, r.data]),
    ) +
    restLine(s.services, 'services') +
    `</section>`,
  (s) => `<section aria-labelledby="h-days"><h2 id="h-days">Events over time (UTC)</h2>${timeChart(s.byDay.rows) || '<p class="empty">No events.</p>'}${restLine(s.byDay, 'days')}</section>`,
  (s, ctx) =>
    `<section aria-labelledby="h-warned"><h2 id="h-warned">Most warned services</h2>` +
    (hBarChart('Warnings shown, by service (host when no catalog service)', s.warned.rows.map((c) => ({ label: serviceName(c.key) || c.key, value: c.count })), 'warn', ctx.maxBars) || '<p class="empty">No warnings.</p>') +
    restLine(s.warned, 'services or hosts') +
    `</section>` +
    `<section aria-labelledby="h-blocked"><h2 id="h-blocked">Most blocked services</h2>` +
    (hBarChart('Navigations blocked, by service (host when no catalog service)', s.blocked.rows.map((c) => ({ label: serviceName(c.key) || c.key, value: c.count })), 'block', ctx.maxBars) || '<p class="empty">No blocks.</p>') +
    restLine(s.blocked, 'services or hosts') +
    `</section>`,
  (s) =>
    `<section aria-labelledby="h-reasons"><h2 id="h-reasons">Reasons given for continuing past a warning</h2>` +
    table(
      'Reasons typed by people who continued past a warning (grouped ignoring case and spacing)',
      ['Reason', 'Times', 'Warning', 'Services'],
      s.reasons.rows.map((r) => [r.key, r.count, r.types.map((t) => `${typeName(t.key, EN)} (${fmt(t.count)})`).join(', '), r.services.map((x) => `${serviceName(x.key) || x.key} (${fmt(x.count)})`).join(', ')]),
      'Nobody continued past a warning.',
    ) +
    restLine(s.reasons, 'reasons') +
    `</section>`,
  (s) =>
    `<section aria-labelledby="h-links"><h2 id="h-links">Unsafe meeting links</h2>` +
    table(
      'Meeting links checked with a warn or block result, by host and findings',
      ['Host', 'Action', 'Findings', 'Times', 'First seen', 'Last seen'],
      s.unsafeLinks.rows.map((l) => [l.host, l.action === 'block' ? 'Blocked' : 'Warned', l.findings.map(finding).join('; ') || '(none recorded)', l.count, readableTs(l.firstTs), readableTs(l.lastTs)]),
      'No unsafe meeting links.',
    ) +
    restLine(s.unsafeLinks, 'hosts and findings') +
    `</section>`,
  // Capture on sites nobody sanctioned: how IT finds the platforms nobody listed.
  (s) =>
    `<section aria-labelledby="h-media-sites"><h2 id="h-media-sites">Sites that used camera or microphone and are not sanctioned</h2>` +
    table(
      'Sites where the camera, microphone or screen was used (media.used, or continued after the notice) that are not sanctioned, by number of installs',
      ['Host', 'Installs', 'Events', 'Captured', 'First seen', 'Last seen'],
      s.mediaSites.rows.map((m) => [m.key, m.count, m.events, m.kinds.join(', '), readableTs(m.firstTs), readableTs(m.lastTs)]),
      'No capture on unsanctioned sites was recorded.',
    ) +
    (restOf(s.mediaSites).distinct > 0 ? `<p class="rest">And ${fmt(restOf(s.mediaSites).distinct)} more sites, not listed (only the ${fmt(s.mediaSites.rows.length)} on the most installs are).</p>` : '') +
    `</section>`,
  (s) => {
    const media = s.byType.filter((t) => t.key.startsWith('media.') || t.key.startsWith('data.'));
    if (media.every((t) => t.count === 0)) return '';
    return (
      `<section aria-labelledby="h-media"><h2 id="h-media">Camera, microphone and patient data</h2>` +
      table('Camera, microphone and patient-data events by type', ['Type', 'Events'], media.filter((t) => t.count > 0).map((t) => [typeName(t.key, EN), t.count])) +
      table('What was used or stopped (camera, microphone, screen)', ['Finding', 'Events'], s.mediaFindings.rows.map((c) => [finding(c.key), c.count]), 'None recorded.') +
      restLine(s.mediaFindings, 'findings') +
      table('How patient data was leaving the page', ['Channel', 'Events'], s.dataChannels.filter((c) => c.count > 0).map((c) => [c.key, c.count]), 'None recorded.') +
      `</section>`
    );
  },
  (s) => {
    if (s.drills.events === 0 && s.byType.every((t) => t.key !== 'training.lesson' || t.count === 0)) return '';
    // docs/awareness.md: which installs (and users, when recorded) opened which drill link.
    const opened = new Set(s.drillResults.rows.map((r) => r.installId)).size;
    return (
      `<section aria-labelledby="h-training"><h2 id="h-training">Training</h2>` +
      table('Drill links opened, by drill', ['Drill', 'Times opened'], s.drills.rows.map((c) => [c.key, c.count]), 'No drill links were opened.') +
      restLine(s.drills, 'drills') +
      table(
        'Drill results, per install (and user, when recorded)',
        ['Drill', 'Install', 'User', 'Times opened', 'First opened', 'Last opened'],
        s.drillResults.rows.map((r) => [r.drill, r.installId, r.user ?? '', r.count, readableTs(r.firstTs), readableTs(r.lastTs)]),
        'No drill links were opened.',
      ) +
      (s.drillResults.events > 0 ? `<p>${fmt(opened)} of ${fmt(s.installs.distinct)} installs in these logs opened a drill link.</p>` : '') +
      restLine(s.drillResults, 'drill results') +
      table('One-minute lessons shown', ['Lesson', 'Times shown'], s.lessons.rows.map((c) => [c.key, c.count]), 'No lessons were shown.') +
      `</section>`
    );
  },
  (s) => {
    const whoCols = ['Events', 'Warned', 'Blocked', 'Continued past warning', 'Incidents', 'Last event'];
    return (
      `<section aria-labelledby="h-who"><h2 id="h-who">By install and user</h2>` +
      table(
        'Events by install (one browser profile each); users seen on it when logging.recordUser is on',
        ['Install', ...whoCols, 'Users'],
        s.installs.rows.map((r) => [r.key, r.count, r.warned, r.blocked, r.proceeded, r.incidents, readableTs(r.lastTs), r.related.join(', ')]),
        'No events.',
      ) +
      restLine(s.installs, 'installs') +
      table(
        'Events by user (the account signed in to the browser profile)',
        ['User', ...whoCols, 'Installs'],
        s.users.rows.map((r) => [r.key, r.count, r.warned, r.blocked, r.proceeded, r.incidents, readableTs(r.lastTs), r.related.join(', ')]),
        'No event names a user (logging.recordUser is off).',
      ) +
      restLine(s.users, 'users') +
      (s.browsers.events > 0 ? table('Browsers in the daily check-ins', ['Browser', 'Check-ins'], s.browsers.rows.map((c) => [c.key, c.count])) + restLine(s.browsers, 'browsers') : '') +
      (s.gaps.events > 0 ? table('Places the guard could not see', ['Finding', 'Times'], s.gaps.rows.map((c) => [finding(c.key), c.count])) + restLine(s.gaps, 'findings') : '') +
      `</section>`
    );
  },
  // docs/fleet.md, "Coverage": what each install last said.
  (s) => {
    const c = s.coverage;
    const share = (n: number) => (c.policiesInForce.events > 0 ? `${((100 * n) / c.policiesInForce.events).toFixed(1)}%` : '');
    return (
      `<section aria-labelledby="h-coverage"><h2 id="h-coverage">Coverage: silent installs, policies in force, old browsers</h2>` +
      `<p>As of ${text(readableTs(c.asOf))}: ${fmt(c.silent.distinct)} of ${fmt(c.silent.events)} installs silent for more than ${fmt(c.silentDays)} days (no event, not even the daily check-in).</p>` +
      table(
        `Installs whose latest event is more than ${fmt(c.silentDays)} days old, longest silence first`,
        ['Install', 'Days silent', 'Latest event'],
        c.silent.rows.map((r) => [r.key, r.count, readableTs(r.lastTs)]),
        'No install went silent.',
      ) +
      restLine(c.silent, 'silent installs') +
      table(
        'Policy in force on each install (that of its latest event), by installs',
        ['Policy version', 'Source', 'Installs', 'Share'],
        c.policiesInForce.rows.map((p) => [p.policyVersion, p.policySource, p.count, share(p.count)]),
        'No installs.',
      ) +
      restLine(c.policiesInForce, 'policy versions') +
      (c.minBrowser.length > 0
        ? table(
            `Installs whose latest check-in names a browser below ${c.minBrowser.join(', ')} (of ${fmt(c.oldBrowsers.events)} installs with a check-in)`,
            ['Browser', 'Installs'],
            c.oldBrowsers.rows.map((b) => [b.key, b.count]),
            'Every install with a check-in runs a browser at or above the minimum.',
          ) + restLine(c.oldBrowsers, 'browsers')
        : '') +
      `</section>`
    );
  },
  (s) =>
    `<section aria-labelledby="h-policies"><h2 id="h-policies">Policies in force</h2>` +
    table('Policy version and source recorded on events', ['Policy version', 'Source', 'Events'], s.policies.rows.map((p) => [p.policyVersion, p.policySource, p.count])) +
    restLine(s.policies, 'policy versions') +
    `</section>`,
];

/** The whole report as one HTML document. */
export function renderReportHtml(s: Summary, opts: ReportOptions): string {
  chartCounter = 0;
  const title = opts.title ?? 'Telehealth Guard event report';
  const ctx: Ctx = { maxBars: opts.maxBars ?? 15 };
  return [
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta name="color-scheme" content="light dark">`,
    `<title>${attr(title)}</title><style>${CSS}</style></head><body><main>`,
    `<h1>${text(title)}</h1>`,
    readFirst(s),
    totals(s, opts.generatedAt),
    ...SECTIONS.map((render) => render(s, ctx)),
    `</main></body></html>\n`,
  ].join('\n');
}
