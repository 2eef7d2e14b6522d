/**
 * In-page annotation benchmark (docs/command-line-and-pages.md: "costs under 50 ms on a page of 5,000 links").
 *
 * Real headless Chromium (CHROMIUM_PATH or /usr/bin/chromium; no extension): a webmail-like
 * page of 5,000 links, about 10% of them meeting links (Zoom, Teams, Meet, Webex, Safe Links-
 * wrapped, personal rooms, start links, consumer services, each with its own id so the cache
 * does not help), the rest ordinary links (some on meeting-platform hosts that are not
 * meetings). The annotator and the real analyser are bundled with esbuild and added to the
 * page; the time from `startAnnotating` to every marker inserted is measured inside the page
 * with performance.now() (the first pass is synchronous), on a fresh page each round; median.
 * Also reported: the same plus the style/layout the markers cause (forced), and one batch of
 * later-added links through the MutationObserver.
 */
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { policySchema } from '../src/core/policy/schema.ts';
import { median, rng } from './util.ts';

export interface AnnotateBench {
  links: number;
  meetingLinks: number;
  markers: number;
  rounds: number;
  /** startAnnotating → all markers inserted (median), and the fastest round. */
  annotateMs: number;
  annotateMinMs: number;
  /** The same, plus forcing the style recalculation and layout the markers cause (median). */
  annotateWithLayoutMs: number;
  /** Reference: one full relayout of the same page without markers (median). */
  pageRelayoutMs: number;
  /** `check` calls (analyseLink) on the first pass, and their time when repeated alone (median). */
  checks: number;
  checkMs: number;
  /** A later message of 200 links (20 meeting links) through the MutationObserver batch (median). */
  laterBatchMs: number;
}

const ROOT = resolve(import.meta.dirname, '..');

const ORDINARY = [
  (r: () => number) => `https://intranet.example.org/wiki/page-${Math.floor(r() * 1e6)}`,
  (r: () => number) => `https://outlook.office.com/mail/inbox/id/AAMk${Math.floor(r() * 1e9)}`,
  (r: () => number) => `https://www.example-news.com/2026/${Math.floor(r() * 12)}/story-${Math.floor(r() * 1e5)}`,
  (r: () => number) => `https://mail.google.com/mail/u/0/#inbox/${Math.floor(r() * 1e9).toString(16)}`,
  (r: () => number) => `https://www.google.com/search?q=term${Math.floor(r() * 1e4)}`,
  (r: () => number) => `/mail/folder/${Math.floor(r() * 1e4)}`,
  (r: () => number) => `mailto:person${Math.floor(r() * 1e4)}@example.org`,
  (r: () => number) => `https://cdn.example.net/assets/${Math.floor(r() * 1e6)}.pdf`,
  (r: () => number) => `https://zoom.us/support/article-${Math.floor(r() * 1e4)}`, // platform host, not a meeting
  (r: () => number) => `https://evilzoom.us/j/${81000000000 + Math.floor(r() * 1e9)}`,
];

function id(r: () => number, digits: number): string {
  let s = String(1 + Math.floor(r() * 9));
  while (s.length < digits) s += String(Math.floor(r() * 10));
  return s;
}

const MEETING = [
  (r: () => number) => `https://examplehealth.zoom.us/j/${id(r, 11)}?pwd=${id(r, 12)}`,
  (r: () => number) => `https://us0${1 + Math.floor(r() * 9)}web.zoom.us/j/${id(r, 10)}`,
  (r: () => number) => `https://zoom.us/s/${id(r, 11)}?zak=${id(r, 20)}`,
  (r: () => number) => `https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent(`https://examplehealth.zoom.us/j/${id(r, 11)}?pwd=x`)}&data=05%7C01&reserved=0`,
  (r: () => number) => `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${id(r, 12)}%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%7d`,
  (r: () => number) => `https://meet.google.com/${['abc', 'xyz', 'qrs'][Math.floor(r() * 3)]}-defg-${['hij', 'klm'][Math.floor(r() * 2)]}?authuser=${id(r, 4)}`,
  (r: () => number) => `https://site${Math.floor(r() * 50)}.webex.com/meet/dr${id(r, 5)}`,
  (r: () => number) => `https://facetime.apple.com/join#v=1&p=${id(r, 10)}`,
  (r: () => number) => `https://chat.whatsapp.com/Inv${id(r, 10)}`,
];

/** Body HTML of a webmail-like page: messages of paragraphs with links. */
export function pageHtml(links: number, meetingShare: number, seed = 7): { html: string; meeting: number } {
  const r = rng(seed);
  const parts: string[] = [];
  let meeting = 0;
  for (let i = 0; i < links; i++) {
    if (i % 25 === 0) parts.push(i === 0 ? '<article class="msg"><p>' : '</p></article><article class="msg"><h2>Message</h2><p>');
    const isMeeting = r() < meetingShare;
    const href = isMeeting ? MEETING[Math.floor(r() * MEETING.length)]!(r) : ORDINARY[Math.floor(r() * ORDINARY.length)]!(r);
    if (isMeeting) meeting++;
    parts.push(`Some text about item ${i}, see <a href="${href.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">link ${i}</a>. `);
  }
  parts.push('</p></article>');
  return { html: parts.join(''), meeting };
}

export async function benchAnnotate(opts: { links?: number; rounds?: number } = {}): Promise<AnnotateBench> {
  const links = opts.links ?? 5000;
  const rounds = opts.rounds ?? 9;
  const policy = policySchema.parse({
    schemaVersion: 1,
    policyVersion: 'bench',
    organization: { name: 'Bench' },
    categories: { 'consumer-video': 'block', 'consumer-messaging': 'warn' },
    meetings: {
      scanPages: ['outlook.office.com'],
      sanctioned: { zoom: { accounts: ['examplehealth'] }, teams: { tenantIds: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] } },
    },
  });
  const out = await build({
    stdin: {
      contents: `
        import { startAnnotating } from './src/browser/content/annotate.ts';
        import { analyseLink } from './src/core/meetings/analyse.ts';
        import { translator } from './src/core/i18n/format.ts';
        globalThis.TG = { startAnnotating, analyseLink, t: translator('en') };`,
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    write: false,
  });
  const bundle = out.outputFiles[0]!.text;
  const { html, meeting } = pageHtml(links, 0.1);
  const later = pageHtml(200, 0.1, 99).html;

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const plain: number[] = [];
  const inCheck: number[] = [];
  const withLayout: number[] = [];
  const relayouts: number[] = [];
  const batch: number[] = [];
  let markers = 0;
  let checks = 0;
  try {
    const page = await browser.newPage();
    for (let round = 0; round < rounds + 1; round++) {
      await page.setContent(
        `<!doctype html><html><head><meta charset="utf-8"><style>body{font:15px/1.45 Arial,sans-serif;max-width:900px;margin:auto}.msg{border-bottom:1px solid #ddd}</style></head><body>${html}<div id="more"></div></body></html>`,
      );
      await page.addScriptTag({ content: bundle });
      const res = await page.evaluate(
        async ([p, laterHtml]) => {
          const w = window as unknown as { TG: any };
          document.body.getBoundingClientRect(); // the page's own layout is done before timing
          // Reference: one full relayout of the same page without markers (narrow it by 1px).
          const r0 = performance.now();
          document.body.style.maxWidth = '899px';
          document.body.getBoundingClientRect();
          const relayout = performance.now() - r0;
          const checked: string[] = [];
          const t0 = performance.now();
          const ann = w.TG.startAnnotating(document, (href: string) => {
            checked.push(href);
            return w.TG.analyseLink(href, p);
          }, { t: w.TG.t });
          const t1 = performance.now();
          document.body.getBoundingClientRect(); // style + layout of the inserted markers
          const t2 = performance.now();
          const first = ann.stats();
          // The analyser's share: the same calls again, on their own.
          const t3 = performance.now();
          for (const h of checked) w.TG.analyseLink(h, p);
          const checkMs = performance.now() - t3;
          // A later message: appended by the page, picked up by the observer in the next frame.
          const div = document.createElement('div');
          div.innerHTML = laterHtml;
          document.getElementById('more')!.append(div);
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          const after = ann.stats();
          ann.stop();
          return { insert: t1 - t0, layout: t2 - t0, relayout, markers: first.markers, checks: first.checks, checkMs, batch: after.lastPassMs, passes: after.passes };
        },
        [policy, later] as const,
      );
      if (round === 0) continue; // warm-up: JIT and caches
      plain.push(res.insert);
      inCheck.push(res.checkMs);
      withLayout.push(res.layout);
      relayouts.push(res.relayout);
      if (res.passes > 1) batch.push(res.batch);
      markers = res.markers;
      checks = res.checks;
    }
  } finally {
    await browser.close();
  }
  return {
    links,
    meetingLinks: meeting,
    markers,
    rounds,
    annotateMs: median(plain),
    annotateMinMs: Math.min(...plain),
    annotateWithLayoutMs: median(withLayout),
    pageRelayoutMs: median(relayouts),
    checks,
    checkMs: median(inCheck),
    laterBatchMs: batch.length > 0 ? median(batch) : NaN,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchAnnotate());
}
