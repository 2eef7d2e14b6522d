import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sealChain } from '../../../src/core/events/chain.ts';
import { attr, escapeHtml, renderReportHtml, text } from '../../../src/core/events/report-html.ts';
import { renderReportText } from '../../../src/core/events/report-text.ts';
import { clip, SummaryBuilder, type SummaryFilter } from '../../../src/core/events/summary-builder.ts';
import { NO_REASON, NO_SERVICE, restOf, TOP_N, type Summary } from '../../../src/core/events/summary.ts';
import { EVENT_TYPES, type EventDraft, type EventRecord } from '../../../src/core/events/types.ts';
import { sampleChain, sampleDrafts } from './fixtures.ts';

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

/** Each chain an input that verified (staged, then committed), as report-intake.ts feeds the builder. */
function summaryOf(chains: readonly (readonly EventRecord[])[], filter: SummaryFilter = {}): Summary {
  const b = new SummaryBuilder({ filter });
  for (const c of chains) {
    const s = b.stage();
    for (const e of c) s.add(e);
    s.commit();
  }
  return { ...b.finish(), inputs: [], exclusions: [], conflicts: [], pinned: false, duplicates: 0 };
}

describe('SummaryBuilder', () => {
  it('totals by type, service, day; top warned/blocked; reasons; unsafe links; policies', async () => {
    const s = summaryOf([await sampleChain(), await machineB()]);
    expect(s.total).toBe(17);
    expect(s.firstTs).toBe('2025-03-01T08:00:00.000Z');
    expect(s.lastTs).toBe('2025-03-04T10:01:00.000Z');
    expect(s.byType.length).toBe(EVENT_TYPES.length);
    const byType = Object.fromEntries(s.byType.map((c) => [c.key, c.count]));
    expect(byType).toMatchObject({ 'navigation.warned': 3, 'navigation.proceeded': 3, 'navigation.blocked': 3, 'link.checked': 3, 'log.pruned': 0 });
    expect(s.byDay.rows).toEqual([
      { key: '2025-03-01', count: 4 },
      { key: '2025-03-02', count: 8 },
      { key: '2025-03-03', count: 3 },
      { key: '2025-03-04', count: 2 },
    ]);
    expect(s.warned.rows).toEqual([{ key: 'whatsapp', count: 3 }]);
    expect(s.blocked.rows).toEqual([
      { key: 'facetime', count: 2 },
      { key: 'unknown.example', count: 1 },
    ]);
    expect(s.services.rows.find((r) => r.key === 'whatsapp')).toMatchObject({ count: 5, warned: 3, proceeded: 2 });
    expect(s.services.rows.find((r) => r.key === NO_SERVICE)?.count).toBe(5);
    expect(s.reasons.rows).toEqual([
      { key: 'Patient has no other app', count: 2, types: [{ key: 'navigation.proceeded', count: 2 }], services: [{ key: 'whatsapp', count: 2 }] },
      { key: NO_REASON, count: 1, types: [{ key: 'navigation.proceeded', count: 1 }], services: [{ key: 'meet.jit.si', count: 1 }] },
    ]);
    // Same host and findings (order-insensitive) on two machines: one row, strictest action.
    expect(s.unsafeLinks.rows).toEqual([
      { key: 'zoom.us\u0000embedded-passcode\u0000personal-room', host: 'zoom.us', action: 'block', findings: ['embedded-passcode', 'personal-room'], count: 2, firstTs: '2025-03-02T11:00:00.000Z', lastTs: '2025-03-04T10:00:00.000Z' },
    ]);
    expect(s.policies.rows.map((p) => [p.policyVersion, p.policySource, p.count])).toEqual([
      ['2025-03-01', 'managed', 9],
      ['v2', 'managed', 7],
      ['2025-03-01', 'local', 1],
    ]);
  });

  it('a discarded input adds nothing; a committed one adds everything', async () => {
    const b = new SummaryBuilder();
    const good = b.stage();
    for (const e of await sampleChain()) good.add(e);
    good.commit();
    const bad = b.stage();
    for (const e of await machineB()) bad.add(e);
    bad.discard();
    const s = b.finish();
    expect(s.total).toBe(10);
    expect(s.blocked.rows).toEqual([{ key: 'facetime', count: 1 }]);
  });

  it('groups and filters by install and user, and says which filter values matched nothing', async () => {
    const drafts = sampleDrafts();
    const a = await sealChain(drafts.map((d, i) => ({ ...d, installId: 'install-a', ...(i % 2 === 0 ? { user: 'dr.lee@clinic.example' } : {}) })));
    const b = await sealChain(drafts.slice(0, 4).map((d) => ({ ...d, installId: 'install-b', user: 'dr.lee@clinic.example' })));
    const s = summaryOf([a, b]);
    expect(s.installs.rows.map((r) => [r.key, r.count, r.warned, r.proceeded, r.related])).toEqual([
      ['install-a', 10, 2, 1, ['dr.lee@clinic.example']],
      ['install-b', 4, 1, 1, ['dr.lee@clinic.example']],
    ]);
    expect(s.users.rows).toEqual([{ key: 'dr.lee@clinic.example', count: 9, warned: 1, blocked: 1, proceeded: 2, incidents: 0, lastTs: '2025-03-03T07:30:00.000Z', related: ['install-a', 'install-b'] }]);
    expect(summaryOf([a, b], { installs: ['install-b'] }).total).toBe(4);
    expect(summaryOf([a, b], { users: ['dr.lee@clinic.example'] }).total).toBe(9);
    expect(summaryOf([a, b], { installs: ['install-b', 'nope'], users: ['nobody'] }).filter).toEqual({ installs: ['install-b', 'nope'], users: ['nobody'], unmatched: ['--install install-b', '--install nope', '--user nobody'] });
  });

  it('lists incidents (time, install, user, kind, note), newest first', async () => {
    const chain = await sealChain([
      { ...base, ts: '2025-04-01T10:00:00.000Z', type: 'incident.reported', host: 'zoom.us', installId: 'i-1', user: 'nurse@clinic.example', incident: 'uninvited-guest', note: 'Someone joined the call' },
      { ...base, ts: '2025-04-02T10:00:00.000Z', type: 'incident.reported', host: null, installId: 'i-1', incident: 'other' },
    ]);
    const s = summaryOf([chain]);
    expect(s.incidents.recent.rows).toEqual([
      { ts: '2025-04-02T10:00:00.000Z', installId: 'i-1', seq: 2, kind: 'other', host: null, count: 1 },
      { ts: '2025-04-01T10:00:00.000Z', installId: 'i-1', seq: 1, user: 'nurse@clinic.example', kind: 'uninvited-guest', note: 'Someone joined the call', host: 'zoom.us', count: 1 },
    ]);
    expect(s.incidents.byKind.filter((k) => k.count > 0)).toEqual([
      { key: 'uninvited-guest', count: 1 },
      { key: 'other', count: 1 },
    ]);
    expect(s.installs.rows[0]).toMatchObject({ key: 'i-1', incidents: 2 });
  });

  it('reads the 1.2 types: media findings, data channels, drills, browsers, gaps', async () => {
    const chain = await sealChain([
      { ...base, ts: '2025-04-01T10:00:00.000Z', type: 'media.blocked', host: 'meet.example', findings: ['camera', 'microphone'] },
      { ...base, ts: '2025-04-01T10:01:00.000Z', type: 'data.blocked', host: 'chat.example', channel: 'paste', findings: ['us-ssn:3'] },
      { ...base, ts: '2025-04-01T10:02:00.000Z', type: 'data.proceeded', host: 'chat.example', channel: 'upload', reason: 'Referral letter' },
      { ...base, ts: '2025-04-01T10:03:00.000Z', type: 'training.drill', host: 'drill.example', name: 'fake-zoom-2025' },
      { ...base, ts: '2025-04-01T10:04:00.000Z', type: 'install.heartbeat', browser: 'Chromium 156.0.8078.73' },
      { ...base, ts: '2025-04-01T10:05:00.000Z', type: 'guard.gap', findings: ['incognito-unguarded'] },
    ]);
    const s = summaryOf([chain]);
    expect(s.mediaFindings.rows).toEqual([{ key: 'camera', count: 1 }, { key: 'microphone', count: 1 }]);
    expect(s.dataChannels.filter((c) => c.count > 0)).toEqual([{ key: 'paste', count: 1 }, { key: 'upload', count: 1 }]);
    expect(s.reasons.rows).toEqual([{ key: 'Referral letter', count: 1, types: [{ key: 'data.proceeded', count: 1 }], services: [{ key: 'chat.example', count: 1 }] }]);
    expect(s.drills.rows).toEqual([{ key: 'fake-zoom-2025', count: 1 }]);
    expect(s.browsers.rows).toEqual([{ key: 'Chromium 156.0.8078.73', count: 1 }]);
    expect(s.gaps.rows).toEqual([{ key: 'incognito-unguarded', count: 1 }]);
  });
});

describe('distinct-value tables: exact best rows in bounded memory', () => {
  /** A reason drawn from 140 (some longer than an id, so fingerprinted), skewed so counts tie and cross. */
  const reason = fc.integer({ min: 0, max: 139 }).map((i) => (i % 3 === 0 ? `reason ${i} `.repeat(12).trim() : `reason ${i}`));
  const inputs = fc.array(fc.tuple(fc.array(fc.tuple(reason, fc.constantFrom('a', 'b', 'c')), { maxLength: 300 }), fc.boolean()), { minLength: 1, maxLength: 8 });

  it(`property: the ${TOP_N} rows kept are exactly the ${TOP_N} largest (ties by text) of the inputs committed, whatever was staged or dropped`, async () => {
    const template = (await sampleChain())[2]!; // a navigation.proceeded
    fc.assert(
      fc.property(inputs, (ins) => {
        const b = new SummaryBuilder();
        const naive = new Map<string, number>();
        let total = 0;
        for (const [events, keep] of ins) {
          const s = b.stage();
          for (const [r, service] of events) s.add({ ...template, reason: r, service });
          if (keep) {
            s.commit();
            for (const [r] of events) naive.set(r, (naive.get(r) ?? 0) + 1);
            total += events.length;
          } else s.discard();
        }
        const want = [...naive].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, TOP_N);
        const got = b.finish().reasons;
        expect(got.rows.map((r) => [r.key, r.count])).toEqual(want);
        expect([got.distinct, got.events, got.untracked]).toEqual([naive.size, total, 0]);
        expect(restOf(got).events).toBe(total - want.reduce((n, [, c]) => n + c, 0));
      }),
      { numRuns: 150 },
    );
    // 150 runs of up to 1,500 events: ~3 s alone, more on a loaded machine.
  }, 60_000);

  it('a value just outside the best rows of both the counted inputs and the next one still ranks by its total', async () => {
    const template = (await sampleChain())[2]!;
    const b = new SummaryBuilder();
    const add = (s: SummaryBuilder, r: string, n: number) => {
      for (let i = 0; i < n; i++) s.add({ ...template, reason: r });
    };
    const first = b.stage();
    for (let i = 0; i <= TOP_N; i++) add(first, `p${String(i).padStart(3, '0')}`, 5); // p100 loses the tie: out of the best rows
    first.commit();
    const second = b.stage();
    for (let i = 0; i < TOP_N; i++) add(second, `c${String(i).padStart(3, '0')}`, 3);
    add(second, 'p100', 3); // out of this input's best rows too, but 8 in all
    second.commit();
    expect(b.finish().reasons.rows[0]).toMatchObject({ key: 'p100', count: 8 });
  });

  it('past the budget of distinct values, new values are counted as untracked and the rows kept stay exact', async () => {
    const template = (await sampleChain())[2]!;
    const b = new SummaryBuilder({ distinctBudget: 40 });
    const s = b.stage();
    for (let i = 0; i < 100; i++) for (let n = 0; n <= i % 7; n++) s.add({ ...template, reason: `r${i}`, service: 's' });
    s.commit();
    const r = b.finish().reasons;
    expect(r.untracked).toBeGreaterThan(0);
    expect(r.events).toBe([...Array(100).keys()].reduce((n, i) => n + (i % 7) + 1, 0));
    // Every row shown has its true count.
    for (const row of r.rows) expect(row.count).toBe((Number(row.key.slice(1)) % 7) + 1);
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
    { ...h, ts: '2025-05-01T00:00:04.000Z', type: 'incident.reported', host: HOSTILE, installId: HOSTILE, user: HOSTILE, incident: 'other', note: HOSTILE },
  ]);
}

describe('renderReportHtml', () => {
  it('escapeHtml escapes the five characters; text and attr show control and bidi characters as \\uXXXX', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(text('a\u001b[2Jb\u202Ec\u0007')).toBe('a<code class="esc">\\u001b</code>[2Jb<code class="esc">\\u202e</code>c<code class="esc">\\u0007</code>');
    expect(attr('x\u2066"y')).toBe('x\\u2066&quot;y');
  });

  it('is one self-contained document with the totals, sections, plain names and accessible charts', async () => {
    const s = summaryOf([await sampleChain(), await machineB()]);
    const html = renderReportHtml(s, { generatedAt: '2025-03-05T00:00:00.000Z' });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html.match(/<h1>/g)?.length).toBe(1);
    for (const h of ['Events by type', 'Events by service', 'Events over time', 'Most warned services', 'Most blocked services', 'Reasons given for continuing', 'Unsafe meeting links', 'Files and tamper check', 'Incidents reported']) expect(html).toContain(h);
    // No network, no scripts, no external resources.
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=|href=/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain("default-src 'none'");
    // A dark scheme as well as a light one.
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toMatch(/@media \(prefers-color-scheme:dark\)\{:root\{--fg:#e8e8e8;--bg:#16181c/);
    expect(html).toContain('<dt>Events</dt><dd>17</dd>');
    expect(html).toContain('<dt>Generated</dt><dd>5 Mar 2025, 00:00 UTC</dd>');
    expect(html).not.toMatch(/<td>\d{4}-\d\d-\d\dT/);
    // Plain names, as on the options page: types, services, findings.
    expect(html).toContain('Continued after warning');
    expect(html).toContain('<span title="whatsapp">WhatsApp</span>');
    expect(html).toContain('Passcode in the link; Personal room reused for every meeting');
    expect(html).toContain('Patient has no other app');
    // Charts: inline SVG with a role, a title and a description; every table has a caption.
    const svgs = html.match(/<svg [^>]*>/g) ?? [];
    expect(svgs.length).toBeGreaterThanOrEqual(5);
    for (const svg of svgs) expect(svg).toMatch(/role="img" aria-labelledby="chart-\d+-t chart-\d+-d"/);
    expect((html.match(/<desc id=/g) ?? []).length).toBe(svgs.length);
    expect((html.match(/<table>/g) ?? []).length).toBe((html.match(/<caption>/g) ?? []).length);
  });

  it('says first what was left out: conflicts, inputs not counted, filters that matched nothing', async () => {
    const s: Summary = {
      ...summaryOf([await sampleChain()]),
      conflicts: [{ installId: 'i-1', seq: 7, inputs: ['forged.ndjson', 'genuine.ndjson'] }],
      exclusions: [{ input: 'edited.ndjson', why: 'did not verify: line 5, seq 5: hash mismatch' }],
      filter: { installs: ['nope'], users: [], unmatched: ['--install nope'] },
    };
    const html = renderReportHtml(s, { generatedAt: '2025-03-05T00:00:00.000Z' });
    const first = html.indexOf('Read first');
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(html.indexOf('<dl class="totals">'));
    expect(html).toContain('forged.ndjson and genuine.ndjson hold different events for install i-1, seq 7. Neither file is counted.');
    expect(html).toContain('<strong>Not counted:</strong> edited.ndjson: did not verify: line 5, seq 5: hash mismatch');
    expect(html).toContain('<strong>Filter matched nothing:</strong> --install nope');
    const txt = renderReportText(s, { generatedAt: '2025-03-05T00:00:00.000Z' }).split('\n');
    expect(txt.slice(2, 6)).toEqual([
      'Read first: what this report leaves out',
      '  CONFLICT (tampering): forged.ndjson and genuine.ndjson hold different events for install i-1, seq 7; neither file is counted',
      '  NOT COUNTED: edited.ndjson: did not verify: line 5, seq 5: hash mismatch',
      '  FILTER MATCHED NOTHING: --install nope',
    ]);
  });

  it('escapes every hostile string from the logs, and shows control and bidi characters escaped', async () => {
    const chain = await hostileChain();
    const bidi = await sealChain([{ ...base, ts: '2025-05-02T00:00:00.000Z', type: 'navigation.proceeded', host: 'x.example', service: 'whatsapp', action: 'warn', reason: 'ok\u001b]0;pwned\u0007 \u202Etxt.exe\u2066' }]);
    const html = renderReportHtml(summaryOf([chain, bidi]), { generatedAt: HOSTILE, title: HOSTILE });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<[^>]*onerror/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;');
    expect(html).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(html).toContain('ok<code class="esc">\\u001b</code>]0;pwned<code class="esc">\\u0007</code> <code class="esc">\\u202e</code>txt.exe<code class="esc">\\u2066</code>');
    // Every raw < in the document opens one of our own tags.
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z!][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase()));
    for (const t of tags) expect(['!doctype', 'html', 'head', 'meta', 'title', 'style', 'body', 'main', 'h1', 'h2', 'dl', 'dt', 'dd', 'section', 'table', 'caption', 'thead', 'tbody', 'tr', 'th', 'td', 'figure', 'svg', 'desc', 'g', 'text', 'rect', 'line', 'p', 'strong', 'span', 'code', 'ul', 'li']).toContain(t);
    expect(html.split('<').length - 1).toBe([...html.matchAll(/<\/?(?:!doctype|[a-z][a-z0-9]*)[\s>]/gi)].length);
  });

  it(`stays small however many distinct values: ${TOP_N} rows of clipped text per table, the rest counted`, async () => {
    const template = (await sampleChain())[2]!;
    const b = new SummaryBuilder();
    const s = b.stage();
    for (let i = 0; i < 5000; i++) s.add({ ...template, reason: `${i} `.padEnd(500, 'x'), host: `h${i}.example`, service: null, seq: i + 1 });
    s.commit();
    const summary: Summary = { ...b.finish(), inputs: [], exclusions: [], conflicts: [], pinned: false, duplicates: 0 };
    const html = renderReportHtml(summary, { generatedAt: '2025-03-05T00:00:00.000Z' });
    expect(summary.reasons.rows.length).toBe(TOP_N);
    expect(summary.reasons.rows[0]!.key).toBe(clip(`0 `.padEnd(500, 'x')));
    expect(html).toContain(`And ${(5000 - TOP_N).toLocaleString('en-US')} more reasons with ${(5000 - TOP_N).toLocaleString('en-US')} events, not listed`);
    expect(html.length).toBeLessThan(400_000);
  });

  it('renders an empty summary', () => {
    const html = renderReportHtml(summaryOf([]), { generatedAt: 'now' });
    expect(html).toContain('no events');
    expect(html).toContain('No unsafe meeting links.');
    expect(html).toContain('No incidents were reported.');
  });
});
