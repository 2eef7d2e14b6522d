/**
 * Zoom scheduling page: reader and save guard (docs/meeting-links.md, "Scheduling pages"; issue 5,
 * item 6). A plain DOM module: no extension APIs. The content-script glue runs it on
 * `/meeting/schedule` and `/meeting/<id>/edit` of any Zoom host (`isZoomSchedulePage`) and
 * records `schedule.checked` from `onChecked`.
 *
 * Public API
 * - `isZoomSchedulePage(url)`: the URL is a Zoom scheduling or edit page.
 * - `readZoomSchedule(doc)`: what the form shows. Never throws; a page or control it does not
 *   recognise reads `unknown`, never a guessed value.
 * - `scheduleCheck(reading, policy)`: the findings for a reading (`scheduleFindings` plus
 *   `personal-room`).
 * - `guardZoomSchedule(doc, policy, onChecked, options?)`: stops the first save with a
 *   required setting off and shows an inline warning (role="alert") naming the setting and
 *   how to turn it on; a second click of Save (or the warning's "Save anyway") saves.
 *
 * How controls are found, most trusted first:
 * 1. Label text and ARIA: a checkbox / radio / `role="switch"|"checkbox"|"radio"` whose label
 *    (aria-labelledby, aria-label, `<label for>`, wrapping `<label>`, for ARIA widgets their
 *    own text, else the visible text of the widget it sits in, as in Zoom's portal where a
 *    span.zoom-checkbox, not a label, holds the input and its text) starts with the setting's name ("Waiting Room", "Passcode", "Personal Meeting ID",
 *    "Allow participants to join anytime" / "Join before host"); the passcode text field by
 *    `aria-label="Passcode"` or its label.
 * 2. Ids of the older page generation: `option_waiting_room`, `option_password`/`meeting_pass`,
 *    `optionScheduleWithPMI`, `option_jbh`.
 * If two controls for one setting disagree, the setting is `unknown`. The whole reading is
 * `unknown` unless the page is recognisably a meeting form (a Topic field, a "Schedule
 * Meeting"/"Edit Meeting" heading, or the older form's id): Zoom's account settings page has
 * a "Waiting Room" switch too, and that is the account default, not this meeting's setting.
 */
import type { Finding, SettingState } from '../../core/meetings/types.ts';
import { checkSchedule, UNKNOWN_READING, type ScheduleReading } from '../../core/meetings/schedule.ts';
import type { Policy } from '../../core/policy/schema.ts';
import type { MessageKey } from '../../core/i18n/en.ts';
import type { Translate } from '../../core/i18n/format.ts';
import { findingText } from '../../core/i18n/names.ts';

export type ZoomScheduleReading = ScheduleReading;

export interface ScheduleCheckResult {
  reading: ZoomScheduleReading;
  findings: Finding[];
  /** True when this save attempt was stopped (the first one with a problem). */
  prevented: boolean;
}

export interface GuardOptions {
  /** The reader's language for the warning (the content script passes the extension's `t`). */
  t: Translate;
  /** Shadow root mode of the warning (default `closed`); tests use `open` to look inside. */
  shadowMode?: ShadowRootMode;
}

const UNKNOWN: ZoomScheduleReading = UNKNOWN_READING;

export { isZoomSchedulePage } from '../../core/meetings/schedule.ts';

// ---------------------------------------------------------------------------------------
// Reading

type Setting = 'passcode' | 'waitingRoom' | 'usePersonalMeetingId' | 'joinBeforeHost';

/** Label text (normalised: lower case, single spaces) that names each setting's control. */
const LABELS: Record<Setting, RegExp[]> = {
  waitingRoom: [/^(enable )?waiting room\b/],
  passcode: [/^(require (a )?(meeting )?)?passcode\b/, /^(require (a )?(meeting )?)?password\b/],
  usePersonalMeetingId: [/^(use )?personal meeting id\b/, /^(use )?pmi\b/],
  joinBeforeHost: [/^(enable |allow )?join before host\b/, /^allow participants to join (anytime|before( the)? host)\b/],
};

/** The older generation's ids, per setting: checkbox / radio ids first, then text fields. */
const LEGACY_IDS: Record<Setting, string[]> = {
  waitingRoom: ['option_waiting_room', 'option_waitingroom', 'waiting_room'],
  passcode: ['option_password', 'option_pwd', 'meeting_pass'],
  usePersonalMeetingId: ['optionScheduleWithPMI', 'option_pmi', 'option_use_pmi'],
  joinBeforeHost: ['option_jbh', 'option_join_before_host'],
};

const LEGACY_FORM_IDS = ['meeting_form', 'schedule_form', 'meetingForm', 'scheduleForm'];
const SETTINGS: Setting[] = ['passcode', 'waitingRoom', 'usePersonalMeetingId', 'joinBeforeHost'];
const TOGGLES = 'input[type="checkbox"], input[type="radio"], [role="switch"], [role="checkbox"], [role="radio"], [role="menuitemcheckbox"]';

function norm(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim().toLowerCase().replace(/^[*\s]+/, '');
}

function byId(doc: Document, id: string): Element | null {
  try {
    return doc.getElementById(id);
  } catch {
    return null;
  }
}

/** The control's label text, from the most explicit source available. */
function labelOf(doc: Document, el: Element): string {
  const labelledby = el.getAttribute('aria-labelledby');
  if (labelledby !== null && labelledby.trim() !== '') {
    const text = labelledby
      .trim()
      .split(/\s+/)
      .map((id) => byId(doc, id)?.textContent ?? '')
      .join(' ');
    if (norm(text) !== '') return norm(text);
  }
  const aria = el.getAttribute('aria-label');
  if (aria !== null && norm(aria) !== '') return norm(aria);
  const id = el.getAttribute('id');
  if (id !== null && id !== '') {
    for (const label of Array.from(doc.querySelectorAll('label[for]'))) {
      if (label.getAttribute('for') === id) return norm(label.textContent);
    }
  }
  const wrapping = el.closest('label');
  if (wrapping !== null) return norm(wrapping.textContent);
  if (el.tagName !== 'INPUT' && el.hasAttribute('role')) {
    const own = norm(el.textContent);
    if (own !== '') return own;
  }
  return isToggle(el) ? widgetText(el) : '';
}

/**
 * The visible text of the widget a toggle sits in, for widgets whose root is not a <label>
 * (Zoom's portal: span.zoom-checkbox holding an invisible native input and a
 * span.zoom-checkbox__label; div[role=radio] beside its text): the nearest ancestor, at most
 * four levels up, that has text, provided it holds no other toggle (a row of several controls
 * names none of them).
 */
function widgetText(el: Element): string {
  let node = el.parentElement;
  for (let depth = 0; depth < 4 && node !== null; depth++, node = node.parentElement) {
    if (node.tagName === 'FORM' || node.tagName === 'BODY' || node.tagName === 'HTML') return '';
    const toggles = Array.from(node.querySelectorAll(TOGGLES)).filter((t) => isToggle(t));
    if (toggles.some((t) => t !== el)) return '';
    const text = norm(node.textContent);
    if (text !== '') return text;
  }
  return '';
}

/** on/off of a checkbox, radio or ARIA toggle; `unknown` for anything else. */
function toggleState(el: Element): SettingState {
  if (el.tagName === 'INPUT') {
    const checked = (el as HTMLInputElement).checked;
    if (typeof checked === 'boolean') return checked ? 'on' : 'off';
    return el.hasAttribute('checked') ? 'on' : 'off';
  }
  const aria = el.getAttribute('aria-checked');
  if (aria === 'true') return 'on';
  if (aria === 'false') return 'off';
  return 'unknown';
}

function isToggle(el: Element): boolean {
  if (el.tagName === 'INPUT') {
    const type = (el.getAttribute('type') ?? '').toLowerCase();
    return type === 'checkbox' || type === 'radio';
  }
  const role = el.getAttribute('role');
  return role === 'switch' || role === 'checkbox' || role === 'radio' || role === 'menuitemcheckbox';
}

function isRadio(el: Element): boolean {
  return (el.tagName === 'INPUT' && (el.getAttribute('type') ?? '').toLowerCase() === 'radio') || el.getAttribute('role') === 'radio';
}

/**
 * A radio's state for "this option is chosen": on when checked; off when another radio of
 * its group is checked; unknown when none of the group is.
 */
function radioState(doc: Document, form: ParentNode, el: Element): SettingState {
  const own = toggleState(el);
  if (own === 'on') return 'on';
  let group: Element[] = [];
  const name = el.getAttribute('name');
  if (el.tagName === 'INPUT' && name !== null && name !== '') {
    group = Array.from(form.querySelectorAll('input[type="radio"]')).filter((r) => r.getAttribute('name') === name);
  } else {
    const rg = el.closest('[role="radiogroup"]');
    if (rg !== null) group = Array.from(rg.querySelectorAll('[role="radio"]'));
  }
  void doc;
  return group.some((r) => r !== el && toggleState(r) === 'on') ? 'off' : 'unknown';
}

/** A passcode text field: on with a value, off when disabled (Zoom disables it with the box unticked). */
function passcodeFieldState(el: Element): SettingState {
  if (el.tagName !== 'INPUT') return 'unknown';
  if (el.hasAttribute('disabled') || (el as HTMLInputElement).disabled === true) return 'off';
  const value = (el as HTMLInputElement).value;
  const v = typeof value === 'string' ? value : (el.getAttribute('value') ?? '');
  return v.trim() !== '' ? 'on' : 'unknown';
}

/** All readings agree → that value; any disagreement (or none) → unknown. */
function agree(states: SettingState[]): SettingState {
  const known = states.filter((s) => s !== 'unknown');
  if (known.length === 0) return 'unknown';
  return known.every((s) => s === known[0]) ? known[0]! : 'unknown';
}

/** The edit page of a Personal Meeting Room: 'Edit "<Host>'s Personal Meeting Room"'. */
const PERSONAL_ROOM_HEADING = /^edit\b.*\bpersonal meeting room\b/;

function isPersonalRoomPage(doc: Document): boolean {
  return Array.from(doc.querySelectorAll('h1, [role="heading"][aria-level="1"]')).some((h) => PERSONAL_ROOM_HEADING.test(norm(h.textContent)));
}

/** The meeting form (or the page body when the form is recognisable but not a <form>), else null. */
export function findScheduleForm(doc: Document): Element | null {
  for (const id of LEGACY_FORM_IDS) {
    const f = byId(doc, id);
    if (f !== null) return f;
  }
  // A Topic field: by ARIA / label first, id second.
  const fields = Array.from(doc.querySelectorAll('input, textarea'));
  const topic =
    fields.find((el) => /^(meeting )?topic\b/.test(labelOf(doc, el))) ??
    byId(doc, 'topic') ??
    byId(doc, 'meeting_topic');
  if (topic !== null && topic !== undefined) return topic.closest('form') ?? doc.body;
  // The page's title heading only: the account settings page has a "Schedule Meeting" section.
  const heading = Array.from(doc.querySelectorAll('h1, [role="heading"][aria-level="1"]')).find((h) =>
    /^(schedule (a )?meeting|edit meeting)\b/.test(norm(h.textContent)) || PERSONAL_ROOM_HEADING.test(norm(h.textContent)),
  );
  if (heading !== undefined) return doc.querySelector('form') ?? doc.body;
  return null;
}

/**
 * What a Zoom scheduling/edit page shows. Never throws; an unrecognised page or control reads
 * `unknown`.
 */
export function readZoomSchedule(doc: Document): ZoomScheduleReading {
  try {
    return read(doc);
  } catch {
    return { ...UNKNOWN };
  }
}

function read(doc: Document): ZoomScheduleReading {
  const form = findScheduleForm(doc);
  if (form === null) return { ...UNKNOWN };

  const found: Record<Setting, SettingState[]> = { passcode: [], waitingRoom: [], usePersonalMeetingId: [], joinBeforeHost: [] };
  const seen = new Set<Element>();
  let legacy = false;
  let current = false;

  const stateOf = (el: Element): SettingState => (isRadio(el) ? radioState(doc, form, el) : toggleState(el));

  // 1. Label text and ARIA.
  for (const el of Array.from(form.querySelectorAll(TOGGLES))) {
    if (!isToggle(el)) continue;
    const label = labelOf(doc, el);
    if (label === '') continue;
    for (const setting of SETTINGS) {
      if (LABELS[setting].some((re) => re.test(label))) {
        found[setting].push(stateOf(el));
        seen.add(el);
        if (LEGACY_IDS[setting].includes(el.getAttribute('id') ?? '')) legacy = true;
        else current = true;
        break;
      }
    }
    // "Generate Automatically" answers "Use Personal Meeting ID?" with no, when chosen.
    if (!seen.has(el) && isRadio(el) && /^generate automatically\b/.test(label) && toggleState(el) === 'on') {
      found.usePersonalMeetingId.push('off');
      seen.add(el);
      current = true;
    }
  }
  // The passcode text field, when no passcode toggle was found.
  if (found.passcode.length === 0) {
    const field = Array.from(form.querySelectorAll('input')).find(
      (el) => !isToggle(el) && /^(meeting )?passcode$|^(meeting )?password$/.test(labelOf(doc, el)),
    );
    if (field !== undefined) {
      found.passcode.push(passcodeFieldState(field));
      seen.add(field);
      if (LEGACY_IDS.passcode.includes(field.getAttribute('id') ?? '')) legacy = true;
      else current = true;
    }
  }

  // 2. Ids of the older generation, for settings the labels did not give.
  for (const setting of SETTINGS) {
    if (found[setting].length > 0) continue;
    for (const id of LEGACY_IDS[setting]) {
      const el = byId(doc, id);
      if (el === null || seen.has(el)) continue;
      const state = isToggle(el) ? stateOf(el) : setting === 'passcode' ? passcodeFieldState(el) : 'unknown';
      found[setting].push(state);
      seen.add(el);
      legacy = true;
      if (isToggle(el)) break; // the toggle is the authoritative control; a text field is a fallback
    }
  }
  // The edit page of a Personal Meeting Room has no Meeting ID choice: the room is the PMI.
  if (found.usePersonalMeetingId.length === 0 && isPersonalRoomPage(doc)) {
    found.usePersonalMeetingId.push('on');
    current = true;
  }
  // A legacy form id alone marks the generation too.
  if (LEGACY_FORM_IDS.some((id) => byId(doc, id) === form)) legacy = true;

  const reading: ZoomScheduleReading = {
    generation: legacy ? 'legacy' : current ? 'current' : 'unknown',
    passcode: agree(found.passcode),
    waitingRoom: agree(found.waitingRoom),
    usePersonalMeetingId: agree(found.usePersonalMeetingId),
    joinBeforeHost: agree(found.joinBeforeHost),
  };
  return reading;
}

// ---------------------------------------------------------------------------------------
// Findings

/** The findings for a reading (the core's scheduling-page rules, src/core/meetings/schedule.ts). */
export function scheduleCheck(reading: ZoomScheduleReading, policy: Policy): Finding[] {
  return checkSchedule(reading, policy).findings;
}

// ---------------------------------------------------------------------------------------
// Guard

const WARNING_TAG = 'tg-schedule-warning';
const SAVE_TEXT = /^(save|save changes|schedule)$/;
const LEGACY_SAVE_IDS = ['meetingSaveButton', 'btn_save', 'save_button', 'saveBtn'];

/** The Save button a click landed on, if any (`form` is looked up only when needed). */
function saveButtonOf(target: EventTarget | null, form: () => Element | null): Element | null {
  if (target === null || typeof (target as Element).closest !== 'function') return null;
  const el = (target as Element).closest('button, input[type="submit"], input[type="button"], [role="button"]');
  if (el === null || el.tagName === WARNING_TAG.toUpperCase()) return null;
  if (isLegacySave(el)) return el;
  const text = el.tagName === 'INPUT' ? norm(el.getAttribute('value')) : norm(el.getAttribute('aria-label') ?? el.textContent);
  if (SAVE_TEXT.test(text)) return el;
  // A submit button of the meeting form counts whatever it says.
  const type = (el.getAttribute('type') ?? (el.tagName === 'BUTTON' ? 'submit' : '')).toLowerCase();
  const f = type === 'submit' ? form() : null;
  if (f !== null && el.closest('form') === f) return el;
  return null;
}

function isLegacySave(el: Element): boolean {
  return LEGACY_SAVE_IDS.includes(el.getAttribute('id') ?? '');
}

/** How to turn each required setting on, in Zoom's own words for its controls. */
const HOW: Partial<Record<Finding['code'], MessageKey>> = {
  'waiting-room-off': 'schedule_how_waiting_room_off',
  'passcode-off': 'schedule_how_passcode_off',
  'personal-room': 'schedule_how_personal_room',
};

const WARNING_CSS = `
:host { all: initial; display: block; margin: 12px 0; }
.box {
  box-sizing: border-box; border: 2px solid #b26a00; border-left-width: 6px; border-radius: 6px;
  background: #fff8e1; color: #1f1300; padding: 12px 14px; max-width: 44rem;
  font: 400 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
}
h2 { font-size: 15px; margin: 0 0 6px; font-weight: 700; }
ul { margin: 0 0 8px; padding-left: 1.2em; }
li { margin: 3px 0; }
p { margin: 6px 0 0; }
button {
  font: inherit; padding: 4px 12px; border-radius: 4px; border: 1px solid #5f3700;
  background: #fff; color: #1f1300; cursor: pointer;
}
button:focus-visible { outline: 2px solid #0b57d0; outline-offset: 2px; }
`;

/**
 * Guards the Zoom scheduling form: before it is saved (capture-phase listeners on clicks of
 * Save and on form submission, on the window so they run before the page's own), reads it;
 * with a required setting off, stops that save once and shows an inline warning (role="alert")
 * naming the settings and how to turn them on. The next save with the same problems goes
 * through (the warning also has "Save anyway"); a save with new problems is stopped again.
 * `onChecked` is called on every save attempt with the reading, its findings and whether the
 * save was stopped.
 */
export function guardZoomSchedule(
  doc: Document,
  policy: Policy,
  onChecked: (result: ScheduleCheckResult) => void,
  options: GuardOptions,
): { stop(): void } {
  const t = options.t;
  const target: EventTarget = doc.defaultView ?? doc;
  const shadowMode: ShadowRootMode = options.shadowMode ?? 'closed';
  /** The findings a warning was shown for; the next save with exactly these goes through. */
  let warnedFor: string | null = null;
  /** Set while a save we let through is under way, so its submit event is not checked twice. */
  let passing = false;
  let warning: HTMLElement | null = null;
  let lastSave: Element | null = null;

  function signature(findings: Finding[]): string {
    return findings.map((f) => f.code).sort().join(',');
  }

  function decide(event: Event, saveButton: Element | null): void {
    if (passing) return;
    const reading = readZoomSchedule(doc);
    const findings = scheduleCheck(reading, policy);
    const blocking = findings.filter((f) => f.severity !== 'info');
    const sig = signature(blocking);
    const prevent = blocking.length > 0 && warnedFor !== sig;
    if (prevent) {
      event.preventDefault();
      event.stopImmediatePropagation();
      warnedFor = sig;
      if (saveButton !== null) lastSave = saveButton;
      showWarning(blocking, saveButton);
    } else {
      removeWarning();
      passing = true;
      setTimeout(() => {
        passing = false;
      }, 0);
    }
    try {
      onChecked({ reading, findings, prevented: prevent });
    } catch {
      // the recorder's failure must not break the page's save
    }
  }

  function onClick(event: Event): void {
    const save = saveButtonOf(event.target, () => findScheduleForm(doc));
    if (save === null || findScheduleForm(doc) === null) return;
    decide(event, save);
  }

  function onSubmit(event: Event): void {
    const form = findScheduleForm(doc);
    if (form === null || event.target !== form) return;
    decide(event, null);
  }

  function removeWarning(): void {
    warning?.remove();
    warning = null;
  }

  function showWarning(findings: Finding[], saveButton: Element | null): void {
    removeWarning();
    const host = doc.createElement(WARNING_TAG);
    host.setAttribute('role', 'alert');
    host.setAttribute('data-tg-schedule-warning', '');
    host.setAttribute('style', 'all: initial !important; display: block !important; margin: 12px 0 !important;');
    const shadow = host.attachShadow({ mode: shadowMode });
    const style = doc.createElement('style');
    style.textContent = WARNING_CSS;
    const box = doc.createElement('div');
    box.className = 'box';
    const h = doc.createElement('h2');
    h.textContent = t('schedule_warning_title');
    const list = doc.createElement('ul');
    for (const f of findings) {
      const li = doc.createElement('li');
      // The finding by its plain name (as on every other page), then how to put it right.
      const b = doc.createElement('strong');
      b.textContent = findingText(f.code, t);
      const how = HOW[f.code];
      li.append(b, how === undefined ? '' : ` ${t(how)}`);
      list.append(li);
    }
    const p = doc.createElement('p');
    p.append(`${t('schedule_not_saved')} `);
    const anyway = doc.createElement('button');
    anyway.type = 'button';
    anyway.textContent = t('schedule_save_anyway');
    anyway.addEventListener('click', () => {
      const save = lastSave;
      removeWarning();
      if (save !== null && save.isConnected) (save as HTMLElement).click();
      else findScheduleForm(doc)?.closest('form')?.requestSubmit();
    });
    p.append(anyway);
    box.append(h, list, p);
    shadow.append(style, box);

    // Next to the form: just before the row holding the Save button, else at the form's top.
    const form = findScheduleForm(doc);
    const row = saveButton?.parentElement ?? null;
    if (row !== null && row.parentElement !== null) row.parentElement.insertBefore(host, row);
    else if (form !== null) form.prepend(host);
    else doc.body?.prepend(host);
    warning = host;
    if (typeof host.scrollIntoView === 'function') {
      try {
        host.scrollIntoView({ block: 'nearest' });
      } catch {
        // layout-less documents
      }
    }
  }

  target.addEventListener('click', onClick, true);
  target.addEventListener('submit', onSubmit, true);
  return {
    stop() {
      target.removeEventListener('click', onClick, true);
      target.removeEventListener('submit', onSubmit, true);
      removeWarning();
    },
  };
}
