import { translator, type Language } from '../../src/core/i18n/format.ts';
import { describe, expect, it } from 'vitest';
import {
  guardZoomSchedule,
  isZoomSchedulePage,
  readZoomSchedule,
  scheduleCheck,
  type ScheduleCheckResult,
} from '../../src/browser/content/zoom-schedule.ts';
import { examplePolicy, loadFixture } from './content-fixtures.ts';

/** Text of an open shadow root (linkedom's ShadowRoot has no textContent). */
function shadowText(host: Element | null): string {
  const root = host?.shadowRoot;
  if (root == null) throw new Error('no open shadow root');
  return Array.from(root.childNodes, (n) => (n.nodeName === 'STYLE' ? '' : (n.textContent ?? ''))).join('');
}

/** Sets a checkbox/radio (attribute, as linkedom has no `checked` property) or an ARIA toggle. */
function setToggle(el: Element | null, on: boolean): void {
  if (el === null) throw new Error('control not found');
  if (el.tagName === 'INPUT') {
    if (on) el.setAttribute('checked', '');
    else el.removeAttribute('checked');
  } else {
    el.setAttribute('aria-checked', String(on));
  }
}

describe('isZoomSchedulePage', () => {
  it.each([
    ['https://zoom.us/meeting/schedule', true],
    ['https://examplehealth.zoom.us/meeting/schedule/', true],
    ['https://us05web.zoom.us/meeting/81234567890/edit', true],
    ['https://agency.zoomgov.com/meeting/schedule', true],
    ['https://zoom.us/profile/setting', false],
    ['https://zoom.us/meeting', false],
    ['https://evilzoom.us/meeting/schedule', false],
    ['https://zoom.us.evil.example/meeting/schedule', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isZoomSchedulePage(url)).toBe(expected);
  });
});

describe('readZoomSchedule on the fixtures', () => {
  it('current generation: labels and ARIA', () => {
    const { document } = loadFixture('zoom/schedule-current.html');
    expect(readZoomSchedule(document)).toEqual({
      generation: 'current',
      passcode: 'on',
      waitingRoom: 'on',
      usePersonalMeetingId: 'off',
      joinBeforeHost: 'off',
    });
  });

  it('current generation, every setting toggled', () => {
    const { document } = loadFixture('zoom/schedule-current.html');
    setToggle(document.querySelector('[data-testid="waiting-room-checkbox"]'), false);
    setToggle(document.querySelector('[data-testid="passcode-checkbox"]'), false);
    setToggle(document.querySelector('[data-testid="jbh-switch"]'), true);
    setToggle(document.querySelector('input[value="auto"]'), false);
    setToggle(document.querySelector('input[value="pmi"]'), true);
    expect(readZoomSchedule(document)).toEqual({
      generation: 'current',
      passcode: 'off',
      waitingRoom: 'off',
      usePersonalMeetingId: 'on',
      joinBeforeHost: 'on',
    });
  });

  it('current generation: no meeting-id radio chosen reads unknown, not off', () => {
    const { document } = loadFixture('zoom/schedule-current.html');
    setToggle(document.querySelector('input[value="auto"]'), false);
    expect(readZoomSchedule(document).usePersonalMeetingId).toBe('unknown');
  });

  it('current generation: the passcode field alone (no toggle) — value on, disabled off, empty unknown', () => {
    const { document } = loadFixture('zoom/schedule-current.html');
    document.querySelector('[data-testid="passcode-checkbox"]')!.closest('label')!.remove();
    expect(readZoomSchedule(document).passcode).toBe('on');
    const field = document.querySelector('input[aria-label="Passcode"]')!;
    field.setAttribute('value', '');
    expect(readZoomSchedule(document).passcode).toBe('unknown');
    field.setAttribute('disabled', '');
    expect(readZoomSchedule(document).passcode).toBe('off');
  });

  it('edit variant: role=switch / aria-checked / role=radio, waiting room off', () => {
    const { document } = loadFixture('zoom/edit-current.html');
    expect(readZoomSchedule(document)).toEqual({
      generation: 'current',
      passcode: 'on',
      waitingRoom: 'off',
      usePersonalMeetingId: 'on',
      joinBeforeHost: 'on',
    });
    setToggle(document.querySelector('[data-testid="waiting-room-switch"]'), true);
    expect(readZoomSchedule(document).waitingRoom).toBe('on');
    // aria-checked="mixed" or missing is not a value
    document.querySelector('[data-testid="waiting-room-switch"]')!.setAttribute('aria-checked', 'mixed');
    expect(readZoomSchedule(document).waitingRoom).toBe('unknown');
  });

  it('portal widgets (span.zoom-checkbox root, invisible input, role=radio with aria-checked): read by the widget\'s visible text', () => {
    const { document } = loadFixture('zoom/schedule-portal-widgets.html');
    expect(readZoomSchedule(document)).toEqual({
      generation: 'current',
      passcode: 'on',
      waitingRoom: 'off',
      usePersonalMeetingId: 'on',
      joinBeforeHost: 'on',
    });
    setToggle(document.querySelector('#cb-waiting input'), true);
    setToggle(document.querySelector('#mid-pmi'), false);
    setToggle(document.querySelector('#mid-auto'), true);
    expect(readZoomSchedule(document)).toMatchObject({ waitingRoom: 'on', usePersonalMeetingId: 'off' });
  });

  it('portal widgets: a widget holding two toggles names neither; two readings that disagree stay unknown', () => {
    const { document } = loadFixture('zoom/schedule-portal-widgets.html');
    // Put a second toggle into the Waiting Room widget: its text no longer names one control.
    const extra = document.createElement('input');
    extra.setAttribute('type', 'checkbox');
    extra.setAttribute('checked', '');
    document.querySelector('#cb-waiting')!.append(extra);
    expect(readZoomSchedule(document).waitingRoom).toBe('unknown');
    // A labelled control for the same setting that says the opposite: unknown, never a guess.
    const { document: d2 } = loadFixture('zoom/schedule-portal-widgets.html');
    const row = d2.createElement('label');
    row.innerHTML = '<input type="checkbox" checked> Waiting Room';
    d2.querySelector('#security-row .zoom-form-item__widgets')!.append(row);
    expect(readZoomSchedule(d2).waitingRoom).toBe('unknown');
  });

  it('edit page of a Personal Meeting Room (portal): the room is the PMI; waiting room read from the widget', () => {
    const { document } = loadFixture('zoom/edit-pmr-portal.html');
    expect(readZoomSchedule(document)).toEqual({
      generation: 'current',
      passcode: 'on',
      waitingRoom: 'off',
      usePersonalMeetingId: 'on',
      joinBeforeHost: 'on',
    });
    expect(scheduleCheck(readZoomSchedule(document), examplePolicy()).map((f) => f.code).sort()).toEqual(['personal-room', 'waiting-room-off']);
    setToggle(document.querySelector('#cb-waiting input'), true);
    expect(scheduleCheck(readZoomSchedule(document), examplePolicy())).toEqual([]);
  });

  it('legacy generation: ids', () => {
    const { document } = loadFixture('zoom/schedule-legacy.html');
    expect(readZoomSchedule(document)).toEqual({
      generation: 'legacy',
      passcode: 'on',
      waitingRoom: 'on',
      usePersonalMeetingId: 'off',
      joinBeforeHost: 'off',
    });
  });

  it('legacy generation, every setting toggled', () => {
    const { document } = loadFixture('zoom/schedule-legacy.html');
    for (const id of ['option_waiting_room', 'option_password']) setToggle(document.getElementById(id), false);
    for (const id of ['optionScheduleWithPMI', 'option_jbh']) setToggle(document.getElementById(id), true);
    expect(readZoomSchedule(document)).toEqual({
      generation: 'legacy',
      passcode: 'off',
      waitingRoom: 'off',
      usePersonalMeetingId: 'on',
      joinBeforeHost: 'on',
    });
  });

  it('legacy generation without the passcode checkbox falls back to meeting_pass', () => {
    const { document } = loadFixture('zoom/schedule-legacy.html');
    document.getElementById('option_password')!.remove();
    expect(readZoomSchedule(document).passcode).toBe('on');
    document.getElementById('meeting_pass')!.setAttribute('disabled', '');
    expect(readZoomSchedule(document).passcode).toBe('off');
  });

  it('unrelated Zoom page (account settings with the same switches): all unknown', () => {
    const { document } = loadFixture('zoom/unrelated.html');
    expect(readZoomSchedule(document)).toEqual({
      generation: 'unknown',
      passcode: 'unknown',
      waitingRoom: 'unknown',
      usePersonalMeetingId: 'unknown',
      joinBeforeHost: 'unknown',
    });
  });

  it('a renamed control degrades to unknown, never a wrong value', () => {
    const { document } = loadFixture('zoom/schedule-current.html');
    const label = document.querySelector('[data-testid="waiting-room-checkbox"]')!.closest('label')!;
    label.lastChild!.textContent = ' Lobby for guests';
    expect(readZoomSchedule(document).waitingRoom).toBe('unknown');
  });

  it('two controls that disagree read unknown', () => {
    const { document } = loadFixture('zoom/schedule-current.html');
    const extra = document.createElement('div');
    extra.innerHTML = '<button role="switch" aria-checked="false" aria-label="Waiting Room"></button>';
    document.querySelector('form')!.append(extra);
    expect(readZoomSchedule(document).waitingRoom).toBe('unknown');
  });

  it('never throws on odd documents', () => {
    const empty = loadFixture('zoom/unrelated.html').document;
    empty.documentElement.innerHTML = '';
    expect(readZoomSchedule(empty).generation).toBe('unknown');
    const broken = { getElementById: () => { throw new Error('boom'); }, querySelectorAll: () => { throw new Error('boom'); } } as unknown as Document;
    expect(readZoomSchedule(broken).waitingRoom).toBe('unknown');
  });
});

describe('scheduleCheck', () => {
  const base = { generation: 'current' as const, passcode: 'on' as const, waitingRoom: 'on' as const, usePersonalMeetingId: 'off' as const, joinBeforeHost: 'off' as const };
  it('nothing when every required setting is on', () => {
    expect(scheduleCheck(base, examplePolicy())).toEqual([]);
  });
  it('waiting room and passcode off while required', () => {
    const codes = scheduleCheck({ ...base, waitingRoom: 'off', passcode: 'off' }, examplePolicy()).map((f) => f.code);
    expect(codes.sort()).toEqual(['passcode-off', 'waiting-room-off']);
  });
  it('not required → no finding', () => {
    expect(scheduleCheck({ ...base, waitingRoom: 'off', passcode: 'off' }, examplePolicy({ requireWaitingRoom: false, requirePasscode: false }))).toEqual([]);
  });
  it('personal meeting id: a finding unless personal rooms are allowed or the waiting room is on', () => {
    const pmi = { ...base, usePersonalMeetingId: 'on' as const, waitingRoom: 'unknown' as const };
    expect(scheduleCheck(pmi, examplePolicy()).map((f) => f.code)).toEqual(['personal-room']);
    expect(scheduleCheck(pmi, examplePolicy({ allowPersonalRooms: true }))).toEqual([]);
    expect(scheduleCheck({ ...pmi, waitingRoom: 'on' }, examplePolicy())).toEqual([]);
  });
  it('unknown settings give no finding', () => {
    expect(scheduleCheck({ ...base, passcode: 'unknown', waitingRoom: 'unknown', usePersonalMeetingId: 'unknown' }, examplePolicy())).toEqual([]);
  });
});

describe('guardZoomSchedule (linkedom: decisions; event order is tested in Chromium)', () => {
  function click(window: Window & typeof globalThis, el: Element): Event {
    const ev = new window.Event('click', { bubbles: true, cancelable: true });
    el.dispatchEvent(ev);
    return ev;
  }

  function setup(fixture: string, language: Language = 'en') {
    const { document, window } = loadFixture(fixture);
    const results: ScheduleCheckResult[] = [];
    const guard = guardZoomSchedule(document, examplePolicy(), (r) => results.push(r), { t: translator(language), shadowMode: 'open' });
    const warning = () => document.querySelector('tg-schedule-warning');
    return { document, window, results, guard, warning };
  }

  it('lets a compliant save through without a warning', () => {
    const { document, window, results, warning } = setup('zoom/schedule-current.html');
    const ev = click(window, document.querySelector('button[type="submit"]')!);
    expect(ev.defaultPrevented).toBe(false);
    expect(warning()).toBeNull();
    expect(results).toHaveLength(1);
    expect(results[0]!.prevented).toBe(false);
    expect(results[0]!.findings).toEqual([]);
  });

  it('prevents the first save with the waiting room off, warns, and lets the second through', () => {
    const { document, window, results, warning } = setup('zoom/schedule-current.html');
    setToggle(document.querySelector('[data-testid="waiting-room-checkbox"]'), false);
    const save = document.querySelector('button[type="submit"]')!;

    const first = click(window, save);
    expect(first.defaultPrevented).toBe(true);
    const w = warning()!;
    expect(w).not.toBeNull();
    expect(w.getAttribute('role')).toBe('alert');
    const text = shadowText(w);
    expect(text).toContain('Waiting Room');
    expect(text).toContain('tick "Waiting Room"');
    expect(text).toContain('Save anyway');
    expect(results.at(-1)).toMatchObject({ prevented: true, reading: { waitingRoom: 'off' } });
    expect(results.at(-1)!.findings.map((f) => f.code)).toEqual(['waiting-room-off']);
    // placed just before the row with the Save button, inside the form
    expect(w.nextElementSibling).toBe(save.parentElement);

    const second = click(window, save);
    expect(second.defaultPrevented).toBe(false);
    expect(warning()).toBeNull();
    expect(results.at(-1)!.prevented).toBe(false);
    expect(results).toHaveLength(2);
  });

  it('a new problem after the warning is stopped again; fixing it lets the save through', () => {
    const { document, window, results, warning } = setup('zoom/schedule-current.html');
    const save = document.querySelector('button[type="submit"]')!;
    setToggle(document.querySelector('[data-testid="waiting-room-checkbox"]'), false);
    expect(click(window, save).defaultPrevented).toBe(true);
    setToggle(document.querySelector('[data-testid="passcode-checkbox"]'), false);
    expect(click(window, save).defaultPrevented).toBe(true);
    expect(shadowText(warning())).toContain('Passcode');
    setToggle(document.querySelector('[data-testid="waiting-room-checkbox"]'), true);
    setToggle(document.querySelector('[data-testid="passcode-checkbox"]'), true);
    expect(click(window, save).defaultPrevented).toBe(false);
    expect(results.map((r) => r.prevented)).toEqual([true, true, false]);
  });

  it('"Save anyway" saves by clicking Save again', () => {
    const { document, window, results, warning } = setup('zoom/schedule-current.html');
    setToggle(document.querySelector('[data-testid="waiting-room-checkbox"]'), false);
    const save = document.querySelector('button[type="submit"]')!;
    let pageSaw = 0;
    save.addEventListener('click', () => pageSaw++);
    click(window, save);
    const anyway = Array.from(warning()!.shadowRoot!.querySelectorAll('button')).find((b) => b.textContent === 'Save anyway')!;
    click(window, anyway);
    expect(warning()).toBeNull();
    expect(results.map((r) => r.prevented)).toEqual([true, false]);
    expect(pageSaw).toBe(2); // linkedom runs target listeners before window ones; Chromium stops the first
  });

  it('edit variant (type=button Save, no <form>): waiting room off and personal meeting id', () => {
    const { document, window, results, warning } = setup('zoom/edit-current.html');
    const ev = click(window, document.querySelector('[data-testid="save"]')!);
    expect(ev.defaultPrevented).toBe(true);
    expect(results[0]!.findings.map((f) => f.code).sort()).toEqual(['personal-room', 'waiting-room-off']);
    const text = shadowText(warning());
    expect(text).toContain('Personal Meeting ID');
    expect(text).toContain('Generate Automatically');
  });

  it.each([
    ['de', 'Diese Besprechung entspricht nicht', 'Warteraum ausgeschaltet', 'Kreuzen Sie unter „Security“ „Waiting Room“ an.', 'Trotzdem speichern'],
    ['fr', 'cette réunion ne respecte pas', 'Salle d’attente désactivée', 'Sous « Security », cochez « Waiting Room ».', 'Enregistrer quand même'],
    ['es', 'esta reunión no cumple', 'Sala de espera desactivada', 'En "Security", marque "Waiting Room".', 'Guardar de todos modos'],
  ] as const)('%s: the warning in the reader\'s language, Zoom\'s labels as the page shows them', (language, title, finding, how, anyway) => {
    const { document, window, warning } = setup('zoom/schedule-current.html', language);
    setToggle(document.querySelector('[data-testid="waiting-room-checkbox"]'), false);
    expect(click(window, document.querySelector('button[type="submit"]')!).defaultPrevented).toBe(true);
    const text = shadowText(warning());
    expect(text).toContain(title);
    if (finding !== null) expect(text).toContain(finding);
    expect(text).toContain(how);
    expect(text).toContain(anyway);
    expect(text).not.toMatch(/does not meet|was not saved|Save anyway|Waiting room off/);
  });

  it('legacy form: submit events are guarded too', () => {
    const { document, window, results } = setup('zoom/schedule-legacy.html');
    setToggle(document.getElementById('option_waiting_room'), false);
    const form = document.getElementById('meeting_form')!;
    const ev = new window.Event('submit', { bubbles: true, cancelable: true });
    form.dispatchEvent(ev);
    expect(ev.defaultPrevented).toBe(true);
    expect(results[0]!.reading.generation).toBe('legacy');
    expect(click(window, document.getElementById('meetingSaveButton')!).defaultPrevented).toBe(false);
  });

  it('ignores other buttons and unrelated pages', () => {
    const s = setup('zoom/schedule-current.html');
    setToggle(s.document.querySelector('[data-testid="waiting-room-checkbox"]'), false);
    const cancel = Array.from(s.document.querySelectorAll('button')).find((b) => b.textContent === 'Cancel')!;
    expect(click(s.window, cancel).defaultPrevented).toBe(false);
    expect(s.results).toEqual([]);

    const u = setup('zoom/unrelated.html');
    expect(click(u.window, u.document.getElementById('save')!).defaultPrevented).toBe(false);
    expect(u.results).toEqual([]);
  });

  it('stop() removes the listeners and the warning', () => {
    const { document, window, results, guard, warning } = setup('zoom/schedule-current.html');
    setToggle(document.querySelector('[data-testid="waiting-room-checkbox"]'), false);
    const save = document.querySelector('button[type="submit"]')!;
    click(window, save);
    guard.stop();
    expect(warning()).toBeNull();
    expect(click(window, save).defaultPrevented).toBe(false);
    expect(results).toHaveLength(1);
  });
});
