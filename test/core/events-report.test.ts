import { describe, expect, it } from 'vitest';
import { sealChain, verifyChain } from '../../src/core/events/chain.ts';
import { escapeHtml, renderReportHtml } from '../../src/core/events/report-html.ts';
import { NO_REASON, NO_SERVICE, summarize } from '../../src/core/events/summary.ts';
import { EVENT_TYPES, type EventDraft, type EventRecord } from '../../src/core/events/types.ts';
import { sampleChain, sampleDrafts } from './events-fixtures.ts';

const base = { policyVersion: 'v2', policySource: 'managed', extensionVersion: '0.1.0' } as const;

async function machineB(): Promise<EventRecord[]> {
  const drafts: EventDraft[] = [
    { ...base, ts: '2025-03-02T09:00:00.000Z', type: 'navigation.warned', host: 'www.whatsapp.com', service: 'whatsapp', action: 'warn' },
    { ...base, ts: '2025-03-02T09:01:00.000Z', type: 'navigation.proceeded', host: 'www.whatsapp.com', service: 'whatsapp', action: 'warn', reason: '  patient HAS no other   app ' },
    { ...base, ts: '2025-03-02T09:02:00.000Z', type: 'navigation.proceeded', host: 'meet.jit.si', service: null, action: 'warn', reason: '' },
    { ...base, ts: '2025-03-02T09:03:00.000Z', type: 'navigation.blocked', host: 'facetime.apple.com', service: 'facetime', action: 'block' },
    { ...base, ts: '2025-03-02T09:04:00.000Z', type: 'navigation.blocked', host: 'unknown.example', action: 'block' },
    { ...base, ts: '2025-03-04T10:00:00.000Z', type: 'link.checked', host: 'zoom.us', service: 'zoom', action: 'block', findings: ['personal-room', 'embedded-passcode'] },
    { ...base, ts: '2025-03-04T10:01:00.000Z', type: 'link.checked', host: 'zoom.us', service: 'zoom', action: 'allow', findings: [] },
  ];
  return sealChain(drafts);
}

describe('summarize', () => {
  it('totals by type, service, day; top warned/blocked; reasons; unsafe links; per machine', async () => {
    const a = await sampleChain();
    const b = await machineB();
    const s = summarize([
      { name: 'a.ndjson', events: a, verification: await verifyChain(a) },
      { name: 'b.ndjson', events: b, verification: await verifyChain(b) },
    ]);
    expect(s.total).toBe(17);
    expect(s.duplicates).toBe(0);
    expect(s.firstTs).toBe('2025-03-01T08:00:00.000Z');
    expect(s.lastTs).toBe('2025-03-04T10:01:00.000Z');
    expect(s.byType.length).toBe(EVENT_TYPES.length);
    const byType = Object.fromEntries(s.byType.map((c) => [c.key, c.count]));
    expect(byType).toMatchObject({ 'navigation.warned': 3, 'navigation.proceeded': 3, 'navigation.blocked': 3, 'link.checked': 3, 'log.pruned': 0 });
    expect(s.byDay).toEqual([
      { key: '2025-03-01', count: 4 },
      { key: '2025-03-02', count: 8 },
      { key: '2025-03-03', count: 3 },
      { key: '2025-03-04', count: 2 },
    ]);
    expect(s.topWarned).toEqual([{ key: 'whatsapp', count: 3 }]);
    expect(s.topBlocked).toEqual([
      { key: 'facetime', count: 2 },
      { key: 'unknown.example', count: 1 },
    ]);
    const wa = s.byService.find((r) => r.service === 'whatsapp')!;
    expect(wa).toMatchObject({ total: 5, warned: 3, proceeded: 2 });
    expect(s.byService.find((r) => r.service === NO_SERVICE)?.total).toBe(5);
    expect(s.proceedReasons).toEqual([
      { reason: 'Patient has no other app', count: 2, services: [{ key: 'whatsapp', count: 2 }] },
      { reason: NO_REASON, count: 1, services: [{ key: 'meet.jit.si', count: 1 }] },
    ]);
    // Same host and findings (order-insensitive) on two machines: one row, strictest action.
    expect(s.unsafeLinks).toEqual([
      { host: 'zoom.us', action: 'block', findings: ['embedded-passcode', 'personal-room'], count: 2, firstTs: '2025-03-02T11:00:00.000Z', lastTs: '2025-03-04T10:00:00.000Z' },
    ]);
    expect(s.sources.map((x) => [x.name, x.events, x.counted, x.verification?.ok])).toEqual([
      ['a.ndjson', 10, 10, true],
      ['b.ndjson', 7, 7, true],
    ]);
    expect(s.policies).toEqual([
      { policyVersion: '2025-03-01', policySource: 'managed', count: 9 },
      { policyVersion: 'v2', policySource: 'managed', count: 7 },
      { policyVersion: '2025-03-01', policySource: 'local', count: 1 },
    ]);
  });

  it('counts an event exported twice (same hash) once', async () => {
    const a = await sampleChain();
    const s = summarize([
      { name: 'monday.ndjson', events: a.slice(0, 6) },
      { name: 'tuesday.ndjson', events: a },
    ]);
    expect(s.total).toBe(10);
    expect(s.duplicates).toBe(6);
    expect(s.sources.map((x) => x.counted)).toEqual([6, 4]);
  });

  it('empty input', () => {
    const s = summarize([]);
    expect(s.total).toBe(0);
    expect(s.firstTs).toBeNull();
    expect(s.byType.every((c) => c.count === 0)).toBe(true);
  });
});

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';

async function hostileChain(): Promise<EventRecord[]> {
  const h = { ...base, policyVersion: HOSTILE, extensionVersion: HOSTILE };
  return sealChain([
    { ...h, ts: '2025-05-01T00:00:00.000Z', type: 'navigation.warned', host: `${HOSTILE}.example`, service: HOSTILE, action: 'warn' },
    { ...h, ts: '2025-05-01T00:00:01.000Z', type: 'navigation.proceeded', host: 'a.example', service: HOSTILE, action: 'warn', reason: HOSTILE },
    { ...h, ts: '2025-05-01T00:00:02.000Z', type: 'navigation.blocked', host: HOSTILE, service: null, action: 'block' },
    { ...h, ts: '2025-05-01T00:00:03.000Z', type: 'link.checked', host: HOSTILE, service: 'zoom', action: 'warn', findings: [HOSTILE] },
  ]);
}

describe('renderReportHtml', () => {
  it('escapeHtml escapes the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('is one self-contained document with the totals, sections and accessible charts', async () => {
    const a = await sampleChain();
    const b = await machineB();
    const s = summarize([
      { name: 'a.ndjson', events: a, verification: await verifyChain(a) },
      { name: 'b.ndjson', events: b, verification: { ok: false, seq: 4, line: 4, failure: 'hash-mismatch', reason: 'hash mismatch: the event was edited after it was written' } },
    ]);
    const html = renderReportHtml(s, { generatedAt: '2025-03-05T00:00:00.000Z' });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html.match(/<h1>/g)?.length).toBe(1);
    for (const h of ['Events by type', 'Events by service', 'Events by day', 'Most warned services', 'Most blocked services', 'Reasons given for continuing', 'Unsafe meeting links', 'Files and tamper check']) expect(html).toContain(h);
    // No network, no scripts, no external resources.
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=|href=/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain("default-src 'none'");
    // Totals and the per-file verification in words.
    expect(html).toContain('<dt>Events</dt><dd>17</dd>');
    // Readable times (UTC), not raw ISO; a chart's numbers are not repeated as a table.
    expect(html).toContain('<dt>Generated</dt><dd>5 Mar 2025, 00:00 UTC</dd>');
    expect(html).not.toMatch(/<td>\d{4}-\d\d-\d\dT/);
    expect(html).not.toContain('<caption>Events by type</caption>');
    expect(html).not.toContain('<caption>Events per day (UTC)</caption>');
    expect(html).toContain('Continued after warning');
    // The same file given twice: counted once, said plainly.
    const twice = renderReportHtml(summarize([{ name: 'a.ndjson', events: a }, { name: 'a-again.ndjson', events: a }]), { generatedAt: '2025-03-05T00:00:00.000Z' });
    expect(twice).toMatch(/<dt>Events<\/dt><dd>\d+ \(\d+ read; an event found in more than one file is counted once\)<\/dd>/);
    expect(html).toContain('Verified (complete from first event)');
    expect(html).toContain('NOT VERIFIED: line 4, seq 4: hash mismatch');
    expect(html).toContain('Patient has no other app');
    expect(html).toContain('embedded-passcode, personal-room');
    // Charts: inline SVG with a role, a title and a description; every table has a caption.
    const svgs = html.match(/<svg [^>]*>/g) ?? [];
    expect(svgs.length).toBeGreaterThanOrEqual(5);
    for (const svg of svgs) expect(svg).toMatch(/role="img" aria-labelledby="chart-\d+-t chart-\d+-d"/);
    expect((html.match(/<desc id=/g) ?? []).length).toBe(svgs.length);
    expect((html.match(/<table>/g) ?? []).length).toBe((html.match(/<caption>/g) ?? []).length);
  });

  it('escapes every hostile string from the logs', async () => {
    const chain = await hostileChain();
    const s = summarize([{ name: `${HOSTILE}.ndjson`, events: chain, verification: await verifyChain(chain) }]);
    const html = renderReportHtml(s, { generatedAt: HOSTILE, title: HOSTILE });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<[^>]*onerror/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;');
    // Every raw < in the document opens one of our own tags.
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z!][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase()));
    for (const t of tags) expect(['!doctype', 'html', 'head', 'meta', 'title', 'style', 'body', 'main', 'h1', 'h2', 'dl', 'dt', 'dd', 'section', 'table', 'caption', 'thead', 'tbody', 'tr', 'th', 'td', 'figure', 'svg', 'desc', 'g', 'text', 'rect', 'line', 'p', 'strong']).toContain(t);
    expect(html.split('<').length - 1).toBe([...html.matchAll(/<\/?(?:!doctype|[a-z][a-z0-9]*)[\s>]/gi)].length);
  });

  it('renders an empty summary', () => {
    const html = renderReportHtml(summarize([]), { generatedAt: 'now' });
    expect(html).toContain('no events');
    expect(html).toContain('No unsafe meeting links.');
  });

  it('groups and filters by install and user', async () => {
    const drafts = sampleDrafts();
    const a = await sealChain(drafts.map((d, i) => ({ ...d, installId: 'install-a', ...(i % 2 === 0 ? { user: 'dr.lee@clinic.example' } : {}) })));
    const b = await sealChain(drafts.slice(0, 4).map((d) => ({ ...d, installId: 'install-b', user: 'dr.lee@clinic.example' })));
    const old = await sealChain(drafts.slice(0, 2)); // written before 1.1: no installId
    const s = summarize([
      { name: 'a', events: a },
      { name: 'b', events: b },
      { name: 'old', events: old },
    ]);
    expect(s.byInstall.map((r) => [r.key, r.total, r.warned, r.proceeded, r.related])).toEqual([
      ['install-a', 10, 2, 1, ['dr.lee@clinic.example']],
      ['install-b', 4, 1, 1, ['dr.lee@clinic.example']],
      ['(unknown)', 2, 1, 0, []],
    ]);
    expect(s.byUser).toEqual([{ key: 'dr.lee@clinic.example', total: 9, warned: 1, blocked: 1, proceeded: 2, related: ['install-a', 'install-b'] }]);
    expect(summarize([{ name: 'a', events: a }, { name: 'b', events: b }], { installs: ['install-b'] }).total).toBe(4);
    expect(summarize([{ name: 'a', events: a }, { name: 'b', events: b }], { users: ['dr.lee@clinic.example'] }).total).toBe(9);
    const html = renderReportHtml(s, { generatedAt: 'now' });
    expect(html).toContain('<th scope="row">install-b</th>');
    expect(html).toContain('<th scope="row">dr.lee@clinic.example</th>');
  });
});
