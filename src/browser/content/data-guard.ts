/**
 * Patient data leaving a page (docs/data-protection.md), in the content script's isolated
 * world: text pasted, text or files dropped, files chosen in an upload field, and forms or
 * messages sent. Runs only where the background put it (consumer apps, unsanctioned meetings'
 * web clients).
 *
 * One capture listener per event type on `window`, added at document_start, so it runs
 * before any listener of the page's: an action whose text holds identifiers is stopped there
 * (`preventDefault` + `stopImmediatePropagation`), so neither the browser's default nor any
 * page listener sees it. The text stays in this world until the person decides. The
 * background decides what to do and writes the events; this script only says what kinds it
 * found and how many, never the text. `warn` shows the in-page notice (src/ui/notice); a
 * Continue the background accepts lets exactly that action through, replayed here.
 * Clean text is not touched.
 *
 * Synthetic events are checked like the person's own (a page cannot pass text around this
 * script by dispatching a paste or clicking its own send button); only the events this
 * script dispatches itself, while it replays an action the person continued, are let by.
 */
import { describeCounts } from '../../core/data-protection/describe.ts';
import { filePlan, htmlText } from '../../core/data-protection/files.ts';
import { compileDetection, isEmpty, scanText, UNSCANNED_FILE, type Counts, type Detection } from '../../core/data-protection/scan.ts';
import type { DataChannel } from '../../core/events/types.ts';
import { orgParams } from '../../core/explain.ts';
import { tn } from '../../core/i18n/format.ts';
import { installNoticeShield, NOTICE_TAG, showNotice } from '../../ui/notice/index.ts';
import type { DataCheckAnswer, DataConfig, DataConfigAnswer, DataProceedAnswer } from '../data-protocol.ts';
import { t } from '../i18n.ts';

/** What was found, with the values (which stay in this world) to remember a Continue by. */
interface Found {
  counts: Counts;
  values: Set<string>;
}

const BUTTONS = 'button, input[type="submit" i], input[type="button" i], input[type="image" i], [role="button"]';
const TEXT_INPUT_TYPES = new Set(['', 'text', 'search', 'email', 'tel', 'url', 'password', 'hidden', 'number']);
const FLAG = Symbol.for('telehealth-guard.data-guard');

export function startDataGuard(win: Window & typeof globalThis = window): void {
  // The background may inject into a document that already has it (a meeting client's app moving on).
  const w = win as unknown as Record<symbol, boolean>;
  if (w[FLAG]) return;
  w[FLAG] = true;
  installNoticeShield(win);
  const doc = win.document;

  let config: (DataConfig & { detection: Detection }) | null = null;
  /** loading: the policy is being asked for; off: not a checked page after all; unavailable: no answer (fail closed). */
  let mode: 'loading' | 'ready' | 'off' | 'unavailable' = 'loading';
  /** Actions held before the policy arrived: decided once it does. */
  let pending: Array<() => void> = [];
  /** > 0 while this script replays an action the person continued: its events pass. */
  let replaying = 0;
  /** The events this script dispatches itself. */
  const ours = new WeakSet<Event>();
  /** Values the person chose to send to this page (key + value): a later send of them is not asked again. */
  const approved = new Set<string>();
  /** Upload fields whose files are being checked: their events are held until then. */
  const heldUploads = new WeakSet<HTMLInputElement>();
  /** One notice at a time: a second held action waits for the first to be decided. */
  let queue: Promise<void> = Promise.resolve();

  const isNotice = (target: EventTarget | null) => target instanceof Element && target.localName === NOTICE_TAG;
  const skip = (e: Event) => replaying > 0 || ours.has(e) || isNotice(e.target);
  const hold = (e: Event) => {
    e.preventDefault();
    e.stopImmediatePropagation();
  };

  function scan(text: string, channel: DataChannel, into?: Found): Found {
    const found = into ?? { counts: {}, values: new Set<string>() };
    if (!config || text === '') return found;
    scanText(text, config.detection, (key, value) => {
      const id = `${key}\u0000${value}`;
      // Text already in the page that the person chose to send here is not asked about again
      // when it is sent; what comes in (paste, drop, upload) always is.
      if (channel === 'submit' && approved.has(id)) return;
      if (!found.values.has(id)) {
        found.values.add(id);
        found.counts[key] = (found.counts[key] ?? 0) + 1;
      }
    });
    // A pattern's minMatches counts distinct matches in the whole action.
    for (const p of config.detection.patterns) if ((found.counts[p.key] ?? 0) < p.minMatches) delete found.counts[p.key];
    return found;
  }

  async function scanFiles(files: readonly File[], found: Found): Promise<void> {
    for (const file of files) {
      if (filePlan(file) === 'scan') {
        let text: string | null = null;
        try {
          text = await file.text();
        } catch {
          text = null;
        }
        if (text !== null) {
          scan(text, 'upload', found);
          continue;
        }
      }
      found.counts[UNSCANNED_FILE] = (found.counts[UNSCANNED_FILE] ?? 0) + 1;
    }
  }

  function replay(action: () => void): void {
    replaying++;
    try {
      action();
    } finally {
      replaying--;
    }
  }

  /**
   * The one path every watched action takes. Text alone is decided at once (clean text is
   * not touched); files are read first, so the action is held while they are.
   */
  function inspect(e: Event, channel: DataChannel, text: string, files: readonly File[], again: () => void): void {
    if (text === '' && files.length === 0) return;
    if (mode === 'unavailable') {
      hold(e);
      void escalate(channel, { counts: {}, values: new Set() }, again, true);
      return;
    }
    if (mode === 'loading') {
      hold(e);
      pending.push(() => void decideLater(channel, text, files, again));
      return;
    }
    if (files.length === 0) {
      const found = scan(text, channel);
      if (isEmpty(found.counts)) return;
      hold(e);
      void escalate(channel, found, again);
      return;
    }
    hold(e);
    void decideLater(channel, text, files, again);
  }

  async function decideLater(channel: DataChannel, text: string, files: readonly File[], again: () => void): Promise<void> {
    if (mode === 'off') return replay(again);
    if (mode === 'unavailable') return escalate(channel, { counts: {}, values: new Set() }, again, true);
    const found = scan(text, channel);
    await scanFiles(files, found);
    if (isEmpty(found.counts)) replay(again);
    else await escalate(channel, found, again);
  }

  function escalate(channel: DataChannel, found: Found, again: () => void, failed = false): Promise<void> {
    const run = async () => {
      let answer: DataCheckAnswer | null = null;
      if (!failed) {
        try {
          answer = (await browser.runtime.sendMessage({ kind: 'data.check', channel, counts: found.counts })) as DataCheckAnswer;
        } catch {
          answer = null;
        }
      }
      if (answer && 'action' in answer && answer.action === 'allow') return replay(again);
      const site = config?.site ?? t('data_this_site');
      const org = orgParams(config?.organization ?? '', t);
      const what = isEmpty(found.counts) ? [] : [t(`data_found_${channel}`, { site, found: describeCounts(found.counts, t) })];
      const lesson = answer && 'action' in answer ? (answer.lesson ?? []) : [];
      if (answer && 'action' in answer && answer.action === 'warn') {
        const notice = showNotice({
          title: t('data_title_warn'),
          body: [...what, t('data_why', { site, ...org }), ...lesson],
          platforms: config?.platforms ?? [],
          proceed: { minLength: config?.minReason ?? 3, allowance: '', hint: tn(t, 'data_reason_hint', config?.minReason ?? 3, { min: config?.minReason ?? 3 }), continueLabel: t('data_continue') },
          dismissLabel: t('data_cancel'),
        });
        const result = await notice.result;
        if (result.outcome !== 'continue') return;
        let ok: DataProceedAnswer | null = null;
        try {
          ok = (await browser.runtime.sendMessage({ kind: 'data.proceed', ticket: answer.ticket, reason: result.reason })) as DataProceedAnswer;
        } catch {
          ok = null;
        }
        if (ok?.ok !== true) return;
        for (const v of found.values) approved.add(v);
        return replay(again);
      }
      // block, or no answer from the background: the data stays out (a fault never lets it through).
      const notice = showNotice({ tone: 'block', title: t('data_title_block'), body: [...what, t('data_blocked', org), ...lesson], platforms: config?.platforms ?? [], dismissLabel: t('data_close') });
      await notice.result;
    };
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  }

  // ---- what each channel reads, and how it is replayed ----

  function transferText(dt: DataTransfer): string {
    const plain = dt.getData('text/plain');
    if (plain) return plain;
    const html = dt.getData('text/html');
    return html ? htmlText(html) : '';
  }

  /** A copy of what the event carried (the original is unreadable once the event is over). */
  function snapshot(dt: DataTransfer, files: readonly File[]): DataTransfer {
    const copy = new DataTransfer();
    for (const type of dt.types) if (type !== 'Files') copy.setData(type, dt.getData(type));
    for (const f of files) copy.items.add(f);
    return copy;
  }

  function editableOf(target: EventTarget | null): HTMLElement | null {
    if (!(target instanceof HTMLElement)) return null;
    if (target instanceof HTMLTextAreaElement) return target;
    if (target instanceof HTMLInputElement) return TEXT_INPUT_TYPES.has(target.type) && target.type !== 'hidden' ? target : null;
    return target.isContentEditable ? target : null;
  }

  function textOf(el: HTMLElement): string {
    if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) return el.value;
    // innerText keeps line breaks between blocks: "SSN" and "536-22-1234" stay two words.
    return el.innerText ?? el.textContent ?? '';
  }

  /** Insert text where the person's caret was, as typing would (the page sees input events). */
  function insertText(target: HTMLElement, text: string): void {
    target.focus();
    doc.execCommand('insertText', false, text);
  }

  function onPaste(e: Event): void {
    if (skip(e)) return;
    const dt = (e as ClipboardEvent).clipboardData;
    if (!dt) return;
    const text = transferText(dt);
    const files = [...dt.files];
    const target = e.target as HTMLElement;
    const copy = text || files.length ? snapshot(dt, files) : null;
    inspect(e, 'paste', text, files, () => {
      const again = new ClipboardEvent('paste', { clipboardData: copy, bubbles: true, cancelable: true, composed: true });
      ours.add(again);
      const editable = editableOf(target);
      if (target.dispatchEvent(again) && editable && text) insertText(editable, text);
    });
  }

  function onDrop(e: Event): void {
    if (skip(e)) return;
    const d = e as DragEvent;
    const dt = d.dataTransfer;
    if (!dt) return;
    const text = transferText(dt);
    const files = [...dt.files];
    const target = d.target as HTMLElement;
    const copy = text || files.length ? snapshot(dt, files) : null;
    const { clientX, clientY } = d;
    inspect(e, 'drop', text, files, () => {
      const again = new DragEvent('drop', { dataTransfer: copy, clientX, clientY, bubbles: true, cancelable: true, composed: true });
      ours.add(again);
      if (!target.dispatchEvent(again)) return;
      // What the browser would have done with the drop.
      if (target instanceof HTMLInputElement && target.type === 'file' && files.length) return setFiles(target, files);
      const editable = editableOf(target);
      if (!editable || !text) return;
      const range = doc.caretRangeFromPoint?.(clientX, clientY);
      editable.focus();
      if (range) {
        const selection = doc.getSelection();
        selection?.removeAllRanges();
        selection?.addRange(range);
      }
      doc.execCommand('insertText', false, text);
    });
  }

  /** Give an upload field its files back, with the events the browser fires for a choice. */
  function setFiles(input: HTMLInputElement, files: readonly File[]): void {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(f);
    input.files = dt.files;
    for (const type of ['input', 'change']) {
      const ev = new Event(type, { bubbles: true, composed: type === 'input' });
      ours.add(ev);
      input.dispatchEvent(ev);
    }
  }

  /** A file field's choice: its `input` and `change` are held together, the field emptied while the files are checked. */
  function onFileChoice(e: Event, input: HTMLInputElement): void {
    if (heldUploads.has(input)) return hold(e);
    const files = input.files ? [...input.files] : [];
    if (files.length === 0) return;
    heldUploads.add(input);
    hold(e);
    // While they are checked, a page that reads the field finds it empty.
    input.value = '';
    const release = () => heldUploads.delete(input);
    // Files are always read first: decideLater replays a clean choice.
    const again = () => {
      release();
      setFiles(input, files);
    };
    void (async () => {
      if (mode === 'loading') await new Promise<void>((resolve) => pending.push(resolve));
      await decideLater('upload', '', files, again);
      release();
    })();
  }

  /** The last field the person typed in: what a send button outside a form sends. */
  let lastEdited: HTMLElement | null = null;

  function onInput(e: Event): void {
    if (skip(e)) return;
    const target = e.target;
    if (target instanceof HTMLInputElement && target.type === 'file') return onFileChoice(e, target);
    const editable = editableOf(target);
    if (editable) lastEdited = editable.isContentEditable ? rootEditable(editable) : editable;
  }

  function onChange(e: Event): void {
    if (skip(e)) return;
    const target = e.target;
    if (target instanceof HTMLInputElement && target.type === 'file') onFileChoice(e, target);
  }

  function rootEditable(el: HTMLElement): HTMLElement {
    let root = el;
    while (root.parentElement?.isContentEditable) root = root.parentElement;
    return root;
  }

  /** A form's text: every field a person or the page can fill, hidden ones too. */
  function formText(form: HTMLFormElement): string {
    const parts: string[] = [];
    for (const el of Array.from(form.elements)) {
      if (el instanceof HTMLTextAreaElement) parts.push(el.value);
      else if (el instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(el.type)) parts.push(el.value);
    }
    for (const el of Array.from(form.querySelectorAll<HTMLElement>('[contenteditable]'))) if (el.isContentEditable && !el.parentElement?.isContentEditable) parts.push(textOf(el));
    return parts.join('\n');
  }

  /**
   * What a send button outside a form sends: the text boxes of the page (a chat's message
   * box is one of them), the last one typed in first.
   */
  function composerText(): string {
    const boxes = new Set<HTMLElement>();
    if (lastEdited?.isConnected) boxes.add(lastEdited);
    for (const el of Array.from(doc.querySelectorAll<HTMLElement>('textarea, input, [contenteditable]'))) {
      const editable = editableOf(el);
      if (editable && (!editable.isContentEditable || !editable.parentElement?.isContentEditable)) boxes.add(editable);
    }
    return [...boxes].map(textOf).join('\n');
  }

  function onSubmit(e: Event): void {
    if (skip(e)) return;
    const form = e.target;
    if (!(form instanceof HTMLFormElement)) return;
    const submitter = (e as SubmitEvent).submitter;
    inspect(e, 'submit', formText(form), [], () => {
      if (!form.isConnected) return;
      form.requestSubmit(submitter && submitter.isConnected && (submitter as HTMLButtonElement).form === form ? submitter : undefined);
    });
  }

  function onKeydown(e: Event): void {
    if (skip(e)) return;
    const k = e as KeyboardEvent;
    if (k.key !== 'Enter' || k.shiftKey || k.altKey || k.isComposing) return;
    const editable = editableOf(k.target);
    if (!editable) return;
    const { ctrlKey, metaKey } = k;
    inspect(e, 'submit', textOf(editable.isContentEditable ? rootEditable(editable) : editable), [], () => {
      const again = new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: 13, which: 13, ctrlKey, metaKey, bubbles: true, cancelable: true, composed: true } as KeyboardEventInit);
      ours.add(again);
      if (!editable.dispatchEvent(again)) return;
      // What the browser would have done with Enter.
      if (editable instanceof HTMLInputElement) editable.form?.requestSubmit();
      else if (editable instanceof HTMLTextAreaElement) insertText(editable, '\n');
      else {
        editable.focus();
        doc.execCommand('insertParagraph');
      }
    });
  }

  function onClick(e: Event): void {
    if (skip(e)) return;
    const m = e as MouseEvent;
    const button = m.target instanceof Element ? m.target.closest<HTMLElement>(BUTTONS) : null;
    if (!button) return;
    const form = (button as HTMLButtonElement).form ?? button.closest('form');
    const text = form ? formText(form) : composerText();
    const { clientX, clientY, ctrlKey, shiftKey, altKey, metaKey, button: which, detail } = m;
    inspect(e, 'submit', text, [], () => {
      const again = new MouseEvent('click', { clientX, clientY, ctrlKey, shiftKey, altKey, metaKey, button: which, detail, bubbles: true, cancelable: true, composed: true, view: win });
      ours.add(again);
      // A synthetic click on a submit button submits its form, as the person's would have.
      button.dispatchEvent(again);
    });
  }

  /**
   * A form's data read in script (`new FormData(form)`, `form.submit()`): it cannot be held,
   * so fields with identifiers the person has not chosen to send here are emptied, and the
   * person is asked; after a Continue the page's next try carries them.
   */
  function onFormData(e: Event): void {
    if (skip(e) || mode !== 'ready') return;
    const fd = (e as FormDataEvent).formData;
    const entries = [...fd.entries()];
    const found: Found = { counts: {}, values: new Set() };
    // Each field on its own: the same identifier in two fields empties both.
    const dirty = entries.map(([, value]) => {
      if (typeof value !== 'string') return false;
      const own = scan(value, 'submit');
      for (const v of own.values) found.values.add(v);
      return !isEmpty(own.counts);
    });
    if (!dirty.includes(true)) return;
    for (const v of found.values) {
      const key = v.slice(0, v.indexOf('\u0000'));
      found.counts[key] = (found.counts[key] ?? 0) + 1;
    }
    // Rebuilt in the same order, the fields with identifiers empty.
    for (const name of new Set(entries.map(([n]) => n))) fd.delete(name);
    entries.forEach(([name, value], i) => fd.append(name, dirty[i] ? '' : value));
    void escalate('submit', found, () => undefined);
  }

  const listeners: Array<[string, (e: Event) => void]> = [
    ['paste', onPaste],
    ['drop', onDrop],
    ['input', onInput],
    ['change', onChange],
    ['submit', onSubmit],
    ['keydown', onKeydown],
    ['click', onClick],
    ['formdata', onFormData],
  ];
  for (const [type, fn] of listeners) win.addEventListener(type, fn, true);

  const stop = () => {
    for (const [type, fn] of listeners) win.removeEventListener(type, fn, true);
  };

  void (async () => {
    let answer: DataConfigAnswer | null = null;
    for (let attempt = 0; attempt < 3 && answer === null; attempt++) {
      try {
        answer = (await browser.runtime.sendMessage({ kind: 'data.config' })) as DataConfigAnswer;
      } catch {
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      }
    }
    if (answer === null || !('inScope' in answer)) {
      // No policy to check with: held actions stay out, and later ones too (fail closed).
      mode = 'unavailable';
    } else if (!answer.inScope) {
      // Not a page where data is checked after all: let go of everything held.
      stop();
      w[FLAG] = false;
      mode = 'off';
    } else {
      config = { ...answer.config, detection: compileDetection({ identifiers: answer.config.identifiers, patterns: answer.config.patterns }) };
      mode = 'ready';
    }
    const run = pending;
    pending = [];
    for (const p of run) p();
  })();
}
