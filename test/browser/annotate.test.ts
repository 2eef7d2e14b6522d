import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MARKER_TAG, markerLabel, mightBeMeetingLink, startAnnotating } from '../../src/browser/content/annotate.ts';
import { analyseLink, PLATFORM_DOMAINS, type LinkAnalysis } from '../../src/core/meetings/analyse.ts';
import { policySchema } from '../../src/core/policy/schema.ts';
import { meetingCorpus } from '../core/meeting-fixtures.ts';
import { examplePolicy, loadFixture } from './content-fixtures.ts';

const policy = examplePolicy();
/** A policy under which a link the analyser cannot see into still gets a verdict (and a marker). */
const strictPolicy = policySchema.parse({ schemaVersion: 1, meetings: { findingActions: { 'wrapped-unresolved': 'warn' } } });

describe('mightBeMeetingLink (prefilter)', () => {
  it.each([
    'https://zoom.us/j/123456789',
    'https://examplehealth.zoom.us/j/81234567890?pwd=x',
    'https://US05WEB.ZOOM.US/j/6045550199',
    'https://zoom.us./j/123456789',
    'https://user:pw@zoom.us:443/j/123456789',
    'zoommtg://zoom.us/join?action=join&confno=123456789',
    'https://teams.microsoft.com/l/meetup-join/x',
    'https://gcc.teams.microsoft.us/l/meetup-join/x',
    'https://site.webex.com/meet/dr',
    'https://meet.google.com/abc-defg-hij',
    'https://doxy.me/drlee',
    'https://clinic.vsee.me/',
    'https://facetime.apple.com/join#v=1',
    'https://wa.me/15555550100',
    'https://t.me/x',
    'https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fzoom.us%2Fj%2F123456789&data=x',
    'https://nam12.safelinks.protection.outlook.com/?URL=https%253A%252F%252Fzoom.us%252Fj%252F123456789',
    'https://www.google.com/url?q=https%3A%2F%2Fzoom.us%2Fj%2F123456789',
    'https://www.google.com/url?q=https%3A%2F%2Fnam12.safelinks.protection.outlook.com%2F%3Furl%3Dhttps%253A%252F%252Fzoom.us%252Fs%252F1%26data%3Dx',
    '  https://zoom.us/j/123456789  ',
    '//zoom.us/j/123456789',
    // hosts only the URL parser can read count as candidates (the analyser decides)
    'https://ｚｏｏｍ.us/s/81234567890',
    'https://zoom%2Eus/j/123456789',
    'https://zo\tom.us/j/123456789',
    // wrapped links are candidates whatever they hold: the analyser unwraps them (one table, one depth)
    'https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.org%2F&data=x',
    'https://nam12.safelinks.protection.outlook.com/?data=x',
    'https://www.google.com/url?q=https%3A%2F%2Fexample.org%2F',
    'https://urldefense.com/v3/__https://zoom.us/s/1__;!!x$',
    'https://eu-central-1.protection.sophos.com/?d=zoom.us&u=aHR0cHM6Ly96b29tLnVzL3MvMQ==',
    'msteams:/l/meetup-join/19%3aabc%40thread.v2/0',
  ])('candidate: %s', (href) => {
    expect(mightBeMeetingLink(href)).toBe(true);
  });

  it.each([
    'https://evilzoom.us/j/123456789',
    'https://zoom.us.evil.example/j/123456789',
    'https://example.org/?u=https://zoom.us/j/123456789',
    'https://www.google.com/search?q=zoom.us',
    'https://maps.google.com/url?q=https%3A%2F%2Fzoom.us%2Fj%2F123456789',
    'https://mail.google.com/mail/u/0/',
    'mailto:someone@zoom.us',
    'javascript:void(0)',
    '/relative/zoom.us',
    '',
    'https://',
    'https://192.168.1.1/j/1',
    'https://[::1]/j/1',
    'tel:+15555550100',
  ])('skipped: %s', (href) => {
    expect(mightBeMeetingLink(href)).toBe(false);
  });

  it('never skips a link the analyser gives a platform or a verdict, on the shared corpus (test/core/meeting-fixtures.ts)', () => {
    let checked = 0;
    for (const href of meetingCorpus()) {
      const a = analyseLink(href, strictPolicy);
      if (a.platform === null && a.verdict === 'ok') continue;
      checked++;
      expect(mightBeMeetingLink(href), href).toBe(true);
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('never skips a link the analyser would give a platform (sample of the spec examples)', () => {
    for (const href of [
      'https://examplehealth.zoom.us/j/81234567890?pwd=Q2xpbmljLjE',
      'https://us05web.zoom.us/j/6045550199',
      'https://zoom.us/s/81234567890?zak=abc',
      'https://facetime.apple.com/join#v=1&p=abc&k=def',
      'https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fzoom.us%2Fj%2F123456789',
      'https://teams.microsoft.com/dl/launcher/launcher.html?url=%2F_%23%2Fl%2Fmeetup-join%2F19%3Ameeting',
    ]) {
      expect(analyseLink(href, policy).platform).not.toBeNull();
      expect(mightBeMeetingLink(href)).toBe(true);
    }
  });
});

describe('mightBeMeetingLink never skips a meeting link (property)', () => {
  const domains = Object.values(PLATFORM_DOMAINS).flat();
  const host = fc.oneof(
    fc.constantFrom(...domains),
    fc.tuple(fc.constantFrom('www', 'us05web', 'examplehealth', 'gcc', 'site', 'EXAMPLE'), fc.constantFrom(...domains)).map(([a, b]) => `${a}.${b}`),
    fc.constantFrom('example.org', 'evilzoom.us', 'zoom.us.evil.example', 'google.com'),
  );
  const path = fc.constantFrom(
    '/j/81234567890', '/j/6045550199?pwd=abc', '/s/81234567890?zak=x', '/my/drlee', '/wc/join/81234567890',
    '/l/meetup-join/19%3ameeting/0', '/meet/123456789?p=x', '/meet/drlee', '/site/j.php?MTID=m1', '/abc-defg-hij',
    '/lookup/x', '/join#v=1', '/video/tok', '/AbCd', '/u/dr', '/', '/room42', '/dl/launcher/launcher.html?url=%2F_%23%2Fl%2Fmeetup-join%2F19%3Ameeting',
  );
  const direct = fc.tuple(fc.constantFrom('https://', 'http://', 'HTTPS://', '//'), host, fc.constantFrom('', '.', ':443'), path).map(
    ([scheme, h, suffix, p]) => `${scheme}${h}${suffix}${p}`,
  );
  const wrapped = fc.tuple(
    direct.filter((u) => !u.startsWith('//')),
    fc.constantFrom(
      (u: string) => `https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent(u)}&data=x`,
      (u: string) => `https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent(encodeURIComponent(u))}`,
      (u: string) => `https://www.google.com/url?q=${encodeURIComponent(u)}&sa=D`,
      (u: string) => `https://www.google.com/url?sa=D&url=${encodeURIComponent(u)}`,
    ),
  ).map(([u, wrap]) => wrap(u));
  const appScheme = fc.constantFrom('zoommtg://zoom.us/join?action=join&confno=81234567890', 'zoomus://x/join?confno=1');

  it('analyseLink(u).platform !== null ⇒ mightBeMeetingLink(u)', () => {
    fc.assert(
      fc.property(fc.oneof(direct, wrapped, appScheme), (u) => {
        const absolute = u.startsWith('//') ? `https:${u}` : u;
        if (analyseLink(absolute, policy).platform !== null) expect(mightBeMeetingLink(u)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('markerLabel', () => {
  it('names the verdict and every finding, most serious first', () => {
    const a = analyseLink('https://us05web.zoom.us/j/6045550199', policy);
    const label = markerLabel(a);
    expect(label).toMatch(/^Meeting link check \(Zoom\): warning — This is a personal meeting room/);
    for (const f of a.findings) expect(label).toContain(f.message);
    expect(markerLabel(analyseLink('https://zoom.us/s/81234567890?zak=abc', policy))).toMatch(/: blocked — This is the host's start link/);
  });
});

/** Expected verdict per link id in test/fixtures/webmail/inbox.html (example policy). */
const EXPECTED: Record<string, LinkAnalysis['verdict']> = {
  'l-safe': 'ok',
  'l-personal': 'warn',
  'l-start': 'block',
  'l-wrapped': 'ok',
  'l-facetime': 'block',
  'l-whatsapp': 'warn',
  'l-teams': 'ok',
};

function markerAfter(link: Element | null): Element | null {
  const next = link?.nextElementSibling ?? null;
  return next !== null && next.tagName.toLowerCase() === MARKER_TAG ? next : null;
}

function setup(options: { observe?: boolean } = {}) {
  const { document, window } = loadFixture('webmail/inbox.html');
  const checked: string[] = [];
  const queue: Array<() => void> = [];
  const check = (href: string) => {
    checked.push(href);
    return analyseLink(href, policy);
  };
  const annotator = startAnnotating(document, check, { shadowMode: 'open', schedule: (run) => queue.push(run), ...options });
  /** Lets linkedom deliver mutation records, then runs the scheduled batch. */
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 0));
    annotator.flush();
    queue.splice(0).forEach((run) => run());
  };
  return { document, window, checked, annotator, settle };
}

describe('startAnnotating on the webmail fixture (linkedom)', () => {
  it('puts one marker after each meeting link, with the verdict, label and focusability', () => {
    const { document, annotator } = setup();
    for (const [id, verdict] of Object.entries(EXPECTED)) {
      const m = markerAfter(document.getElementById(id));
      expect(m, id).not.toBeNull();
      expect(m!.getAttribute('data-verdict'), id).toBe(verdict);
      expect(m!.getAttribute('tabindex')).toBe('0');
      expect(m!.getAttribute('role')).toBe('img');
      expect(m!.getAttribute('aria-label')).toMatch(/^Meeting link check/);
      expect(m!.shadowRoot).not.toBeNull();
    }
    expect(document.querySelectorAll(MARKER_TAG)).toHaveLength(Object.keys(EXPECTED).length);
    expect(annotator.stats()).toMatchObject({ markers: 7, inserted: 7 });
  });

  it('skips ordinary links without calling check, and non-meeting candidates get no marker', () => {
    const { document, checked } = setup();
    for (const id of ['o-intranet', 'o-zoom-pricing', 'o-lookalike', 'o-lookalike2', 'o-mail', 'o-relative', 'o-google']) {
      expect(markerAfter(document.getElementById(id)), id).toBeNull();
    }
    // zoom.us/pricing is a candidate (Zoom host) but not a meeting; the rest never reach check
    expect(checked).toContain('https://zoom.us/pricing');
    for (const href of ['https://intranet.example.org/rota', 'https://evilzoom.us/j/81234567890', 'mailto:clinic@example.org', '/mail/inbox']) {
      expect(checked).not.toContain(href);
    }
  });

  it('does not annotate links in an editable compose area', () => {
    const { document } = setup();
    expect(markerAfter(document.getElementById('l-compose'))).toBeNull();
  });

  it('markers sit after the link, never inside it', () => {
    const { document } = setup();
    for (const m of Array.from(document.querySelectorAll(MARKER_TAG))) {
      expect(m.closest('a')).toBeNull();
      expect(m.previousElementSibling?.tagName).toBe('A');
    }
  });

  it('annotates links added later, checks each distinct href once, and never annotates twice', async () => {
    const { document, checked, annotator, settle } = setup();
    const before = checked.length;
    const art = document.createElement('article');
    art.className = 'msg';
    art.innerHTML =
      '<p><a id="n-meet" href="https://meet.google.com/abc-defg-hij">Meet</a> ' +
      '<a id="n-dup" href="https://examplehealth.zoom.us/j/81234567890?pwd=Q2xpbmljLjE">same link again</a> ' +
      '<a id="n-plain" href="https://news.example.com/">news</a></p>';
    document.getElementById('more')!.append(art);
    await settle();
    expect(markerAfter(document.getElementById('n-meet'))?.getAttribute('data-verdict')).toBe('warn'); // unsanctioned platform
    expect(markerAfter(document.getElementById('n-dup'))?.getAttribute('data-verdict')).toBe('ok');
    expect(markerAfter(document.getElementById('n-plain'))).toBeNull();
    // only the new Meet href was checked; the duplicate came from the cache
    expect(checked.slice(before)).toEqual(['https://meet.google.com/abc-defg-hij']);
    expect(annotator.stats().markers).toBe(9);

    // Another batch with no new links (and our own markers' insertions) adds nothing.
    await settle();
    document.getElementById('more')!.append(document.createElement('div'));
    await settle();
    expect(document.querySelectorAll(MARKER_TAG)).toHaveLength(9);
    for (const a of Array.from(document.querySelectorAll('a[href]'))) {
      let n = 0;
      for (let s = a.nextElementSibling; s !== null && s.tagName.toLowerCase() === MARKER_TAG; s = s.nextElementSibling) n++;
      expect(n).toBeLessThanOrEqual(1);
    }
  });

  it('re-checks a link whose href changes: updates, adds and removes markers', async () => {
    const { document, settle } = setup();
    document.getElementById('l-safe')!.setAttribute('href', 'https://zoom.us/s/81234567890?zak=changed');
    document.getElementById('o-intranet')!.setAttribute('href', 'https://us05web.zoom.us/j/6045550199');
    document.getElementById('l-personal')!.setAttribute('href', 'https://example.org/');
    await settle();
    expect(markerAfter(document.getElementById('l-safe'))?.getAttribute('data-verdict')).toBe('block');
    expect(markerAfter(document.getElementById('o-intranet'))?.getAttribute('data-verdict')).toBe('warn');
    expect(markerAfter(document.getElementById('l-personal'))).toBeNull();
    expect(document.querySelectorAll(MARKER_TAG)).toHaveLength(7);
  });

  it('removes the marker of a removed link, and follows a moved link', async () => {
    const { document, settle, annotator } = setup();
    const start = document.getElementById('l-start')!;
    start.closest('li')!.remove();
    const personal = document.getElementById('l-personal')!;
    const marker = markerAfter(personal);
    document.getElementById('more')!.append(personal);
    await settle();
    expect(markerAfter(personal)).toBe(marker);
    expect(annotator.stats().markers).toBe(6);
    expect(document.querySelectorAll(MARKER_TAG)).toHaveLength(6);
  });

  it('a check that throws or says null is skipped, and the page keeps working', () => {
    const { document } = loadFixture('webmail/inbox.html');
    const a = startAnnotating(document, (href) => {
      if (href.includes('us05web')) throw new Error('boom');
      return null;
    });
    expect(document.querySelectorAll(MARKER_TAG)).toHaveLength(0);
    expect(a.stats().checks).toBeGreaterThan(0);
  });

  it('stop() removes every marker and stops watching', async () => {
    const { document, annotator, settle } = setup();
    annotator.stop();
    expect(document.querySelectorAll(MARKER_TAG)).toHaveLength(0);
    const p = document.createElement('p');
    p.innerHTML = '<a href="https://zoom.us/s/81234567890?zak=abc">start</a>';
    document.body.append(p);
    await settle();
    expect(document.querySelectorAll(MARKER_TAG)).toHaveLength(0);
  });
});
