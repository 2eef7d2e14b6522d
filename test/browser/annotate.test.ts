import { describe, expect, it } from 'vitest';
import { MARKER_TAG, startAnnotating, type AnnotateOptions } from '../../src/browser/content/annotate.ts';
import { translator } from '../../src/core/i18n/format.ts';
import { analyseLink, type LinkAnalysis } from '../../src/core/meetings/analyse.ts';
import { examplePolicy, loadFixture } from './content-fixtures.ts';

const policy = examplePolicy();

describe('markers in the reader\'s language (the core\'s markerLabel and markerTip, src/core/meetings/present.ts)', () => {
  it('English: the verdict and every finding by its plain name, most serious first', () => {
    const { document } = setup();
    const personal = markerAfter(document.getElementById('l-personal'))!;
    expect(personal.getAttribute('aria-label')).toBe('Meeting link check (Zoom): Check before using — Personal room reused for every meeting; Account could not be checked; Passcode not confirmed; Waiting room not confirmed');
    const start = markerAfter(document.getElementById('l-start'))!;
    expect(start.getAttribute('aria-label')).toMatch(/^Meeting link check \(Zoom\): Do not use — Host start link/);
  });

  it.each([
    ['de', 'Prüfung des Besprechungslinks (Zoom): Vor der Nutzung prüfen – Persönlicher Raum, für jede Besprechung wiederverwendet', 'Vor der Nutzung prüfen: Zoom-Besprechungslink', 'Warnung:'],
    ['fr', 'Vérification du lien de réunion (Zoom) : Vérifiez avant de l’utiliser — ', 'Vérifiez avant de l’utiliser : lien de réunion Zoom', 'Avertissement :'],
    ['es', null, null, null],
  ] as const)('%s: name and tooltip in that language, no English left', (language, label, title, severity) => {
    const { document } = setup({ t: translator(language) });
    const marker = markerAfter(document.getElementById('l-personal'))!;
    const name = marker.getAttribute('aria-label')!;
    if (label !== null) expect(name.startsWith(label), name).toBe(true);
    expect(name).not.toMatch(/Meeting link|personal meeting room|warning/i);
    marker.dispatchEvent(new document.defaultView!.Event('focusin', { bubbles: true }));
    const tip = marker.shadowRoot!.querySelector('.tip')!;
    if (title !== null) expect(tip.querySelector('strong')!.textContent).toBe(title);
    if (severity !== null) expect(tip.querySelector('.sev')!.textContent!.trim()).toBe(severity);
    expect(tip.textContent).not.toMatch(/Meeting link|Warning|Looks OK|Danger/);
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

function setup(options: Partial<AnnotateOptions> = {}) {
  const { document, window } = loadFixture('webmail/inbox.html');
  const checked: string[] = [];
  const queue: Array<() => void> = [];
  const check = (href: string) => {
    checked.push(href);
    return analyseLink(href, policy);
  };
  const annotator = startAnnotating(document, check, { t: translator('en'), shadowMode: 'open', schedule: (run) => queue.push(run), ...options });
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
    }, { t: translator('en') });
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
