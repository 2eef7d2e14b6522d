/**
 * The in-page notice: an extension-controlled dialog shown inside a web page (camera and
 * microphone warnings, patient-data warnings, lessons). Plain DOM, no framework: it runs in a
 * content script's isolated world, in any page.
 *
 * HOW TO USE IT (from a content script; the background decides, the notice only asks the person)
 *
 *   import { installNoticeShield, showNotice } from '../../ui/notice/index.ts';
 *   installNoticeShield();            // once, at document_start (see shield.ts: keeps the
 *                                     // reason's keystrokes from the page's listeners)
 *   const notice = showNotice({
 *     title: t('media_notice_title'),                       // already in the reader's language
 *     body: [t('media_notice_body', { host }), t('…')],      // one <p> each
 *     platforms: policy.sanctionedPlatforms,                 // [{name, url}], shown as links
 *     proceed: { minLength: 3, allowance: t('media_notice_allowance', { minutes: 60 }),
 *                continueLabel: t('media_notice_continue') },  // omit: no way through
 *     dismissLabel: t('media_notice_dismiss'),
 *   });
 *   const result = await notice.result;
 *   // { outcome: 'continue', reason }  the person typed a reason and pressed Continue
 *   // { outcome: 'dismiss' }           pressed the dismiss button or Escape
 *   // { outcome: 'platform', url }     followed a sanctioned platform's link (opens a new tab)
 *   // { outcome: 'removed' }           the page took the notice out of the document
 *   // { outcome: 'closed' }            the caller called notice.close()
 *   // Only 'continue' may lead to a grant, and only once the BACKGROUND accepts it: send
 *   // the reason there; it re-checks the rules (reason length, exact origin, time limit)
 *   // and writes the event. The notice itself grants and records nothing.
 *
 * What a page cannot do (each has a test in test/ui/notice.test.ts and the e2e scenarios):
 * - press it: every action checks `event.isTrusted` (a page's `click()` or `dispatchEvent` is
 *   untrusted), and the shadow root is closed, so a page holds no reference to its buttons;
 * - read the reason box: closed shadow root (no `host.shadowRoot`), and with the shield
 *   installed at document_start, the keyboard, input, composition and clipboard events of the
 *   notice never reach the page's listeners (they are composed: they would, otherwise);
 * - grant anything by removing it: a removed notice is put back (up to REATTACH_LIMIT
 *   times), then resolves `removed`, which is never a grant;
 * - hide it with CSS: the `:host` rules are `!important` inside the shadow tree (style.ts),
 *   and the dialog is modal, in the top layer, with the rest of the page inert.
 * A page CAN stop the person from pressing it (cover it, make it inert, keep removing it):
 * that only ever refuses what was asked, never grants it.
 *
 * Accessibility: a modal `<dialog>` (role dialog) named by its title and described by its
 * body; focus moves into it (the reason box, else the dismiss button) and back to where it
 * was when it closes; Escape dismisses; the reason's character count is announced politely;
 * light and dark follow `prefers-color-scheme` with AA contrast. Built-in texts (reason
 * label, counter, buttons) come from the extension's `t()` (en/es/fr/de), so they are in the
 * browser's language like the caller's title and body.
 */
import { t as extensionTranslate } from '../../browser/i18n.ts';
import { tn, type Translate } from '../../core/i18n/format.ts';
import { REASON_MAX_LENGTH, normaliseReason } from '../../core/reason.ts';
import { NOTICE_CSS } from './style.ts';
import { registerNotice, unregisterNotice } from './shield.ts';

export interface NoticePlatform {
  name: string;
  url: string;
}

export interface NoticeProceed {
  /** Characters the reason needs (0: none asked; the box is then not shown). Same rule as the warning page. */
  minLength: number;
  /** What continuing allows, e.g. "Continuing allows this site to use the camera for 60 minutes." */
  allowance: string;
  /** The Continue button's text (default: t('notice_continue')). */
  continueLabel?: string;
  /** The reason box's hint (default: t('notice_reason_hint', { min })). */
  hint?: string;
}

export interface NoticeOptions {
  title: string;
  /** Paragraphs, each already in the reader's language. */
  body: readonly string[];
  /** The organisation's sanctioned platforms (https links; anything else is left out). */
  platforms?: readonly NoticePlatform[];
  /** Offer a way through with a reason; absent: inform only. */
  proceed?: NoticeProceed;
  /** The dismiss button's text (default: t('notice_dismiss')). */
  dismissLabel?: string;
  /** Border colour: amber for a warning (default), red for a block. */
  tone?: 'warn' | 'block';
  /** The translator for built-in texts (default: the extension's, src/browser/i18n.ts). Tests pass one. */
  translate?: Translate;
  /** The document to show it in (default: the global one). */
  document?: Document;
  /** 'closed' (default). 'open' only for tests that look inside. */
  shadowMode?: ShadowRootMode;
}

export type NoticeResult =
  | { outcome: 'continue'; reason: string }
  | { outcome: 'dismiss' }
  | { outcome: 'platform'; url: string }
  | { outcome: 'removed' }
  | { outcome: 'closed' };

export interface NoticeHandle {
  result: Promise<NoticeResult>;
  /** Close it from the caller's side (resolves `closed` if still open). */
  close(): void;
  /** Whether it is still waiting for the person. */
  readonly open: boolean;
}

/** The element name of the notice's host (one per notice, a child of <html>). */
export const NOTICE_TAG = 'telehealth-guard-notice';
/** A page that keeps removing the notice gets `removed` after this many re-attachments. */
export const REATTACH_LIMIT = 3;

let counter = 0;

/**
 * Show a notice. Resolves once: the first of the person's action, the page's removal (after
 * REATTACH_LIMIT re-attachments), or `close()`.
 */
export function showNotice(options: NoticeOptions): NoticeHandle {
  let settle!: (r: NoticeResult) => void;
  const result = new Promise<NoticeResult>((resolve) => (settle = resolve));
  let open = true;
  let teardown: () => void = () => undefined;
  const finish = (r: NoticeResult) => {
    if (!open) return;
    open = false;
    teardown();
    settle(r);
  };
  const handle: NoticeHandle = {
    result,
    close: () => finish({ outcome: 'closed' }),
    get open() {
      return open;
    },
  };
  teardown = render(options, options.translate ?? extensionTranslate, finish);
  return handle;
}

function render(o: NoticeOptions, t: Translate, finish: (r: NoticeResult) => void): () => void {
  const doc = o.document ?? document;
  const id = `tgn${++counter}`;
  const host = doc.createElement(NOTICE_TAG);
  const shadow = host.attachShadow({ mode: o.shadowMode ?? 'closed' });
  const sheet = styleSheet(doc);
  if (!adopt(shadow, sheet)) {
    const style = doc.createElement('style');
    style.textContent = NOTICE_CSS;
    shadow.append(style);
  }

  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
    const e = doc.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };

  const dialog = el('dialog', { 'aria-labelledby': `${id}-title`, 'aria-describedby': `${id}-body`, class: o.tone === 'block' ? 'block' : 'warn' });
  dialog.append(el('p', { class: 'from' }, t('notice_from')));
  dialog.append(el('h2', { id: `${id}-title` }, o.title));
  const body = el('div', { id: `${id}-body` });
  for (const line of o.body) body.append(el('p', {}, line));
  dialog.append(body);

  const platforms = (o.platforms ?? []).filter((p) => /^https:\/\//i.test(p.url));
  if (platforms.length > 0) {
    const box = el('section', { class: 'platforms', 'aria-labelledby': `${id}-platforms` });
    box.append(el('h3', { id: `${id}-platforms` }, t('guard_platforms_label')));
    const list = el('ul');
    for (const p of platforms) {
      const a = el('a', { href: p.url, target: '_blank', rel: 'noopener noreferrer' }, p.name);
      a.addEventListener('click', (e) => {
        if (!e.isTrusted) return e.preventDefault();
        // The link opens the platform in a new tab (its default action); the notice is done.
        finish({ outcome: 'platform', url: p.url });
      });
      const li = el('li');
      li.append(a);
      list.append(li);
    }
    box.append(list);
    dialog.append(box);
  }

  let reasonBox: HTMLTextAreaElement | null = null;
  let continueButton: HTMLButtonElement | null = null;
  let update = () => undefined as void;
  const proceed = o.proceed;
  if (proceed) {
    const min = Math.max(0, Math.floor(proceed.minLength));
    const counterLine = el('p', { id: `${id}-count`, class: 'counter', 'aria-live': 'polite' });
    if (min > 0) {
      dialog.append(el('label', { for: `${id}-reason` }, t('guard_reason')));
      dialog.append(el('p', { id: `${id}-hint`, class: 'hint' }, `${proceed.hint ?? tn(t, 'notice_reason_hint', min, { min })} ${proceed.allowance}`));
      reasonBox = el('textarea', {
        id: `${id}-reason`,
        rows: '2',
        maxlength: String(REASON_MAX_LENGTH),
        'aria-describedby': `${id}-hint ${id}-count`,
        autocomplete: 'off',
        'aria-required': 'true',
      });
      dialog.append(reasonBox, counterLine);
    } else {
      dialog.append(el('p', { class: 'hint' }, proceed.allowance));
    }
    continueButton = el('button', { type: 'button', class: 'primary' }, proceed.continueLabel ?? t('notice_continue'));
    update = () => {
      if (!reasonBox) return;
      const typed = normaliseReason(reasonBox.value).length;
      const ready = typed >= min;
      continueButton!.disabled = !ready;
      counterLine.className = ready ? 'counter ready' : 'counter';
      counterLine.textContent = ready ? t('guard_reason_ready', { count: typed, max: REASON_MAX_LENGTH }) : tn(t, 'guard_reason_more', min - typed, { more: min - typed });
    };
    reasonBox?.addEventListener('input', update);
    update();
    continueButton.addEventListener('click', (e) => {
      if (!e.isTrusted || continueButton!.disabled) return;
      const reason = normaliseReason(reasonBox?.value ?? '');
      if (reason.length < min) return;
      finish({ outcome: 'continue', reason });
    });
  }
  const dismiss = el('button', { type: 'button' }, o.dismissLabel ?? t('notice_dismiss'));
  dismiss.addEventListener('click', (e) => {
    if (e.isTrusted) finish({ outcome: 'dismiss' });
  });
  const buttons = el('div', { class: 'buttons' });
  buttons.append(dismiss);
  if (continueButton) buttons.append(continueButton);
  dialog.append(buttons);
  // Escape: the dialog's own cancel (only a real key press fires a trusted one).
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    if (e.isTrusted) finish({ outcome: 'dismiss' });
  });
  shadow.append(dialog);

  // Where focus was, to give it back, with the caret.
  const before = doc.activeElement as HTMLElement | null;
  const caret = caretOf(doc, before);
  const attach = () => {
    (doc.documentElement ?? doc).appendChild(host);
    // Taken out of the document, an open modal dialog stays `open` but is modal no more (no
    // top layer, no inert page, Escape does nothing): shown again, it is made modal again.
    if (dialog.open && !isModal(dialog)) dialog.close();
    if (!dialog.open) {
      try {
        dialog.showModal();
      } catch {
        dialog.setAttribute('open', '');
      }
    }
    (reasonBox ?? dismiss).focus();
  };
  attach();
  registerNotice(host, update);

  // A page that takes the notice out gets it back; one that keeps doing so gets nothing.
  let reattached = 0;
  const check = () => {
    if (host.isConnected) return;
    if (reattached++ < REATTACH_LIMIT) attach();
    else finish({ outcome: 'removed' });
  };
  const View = doc.defaultView as (Window & typeof globalThis) | null;
  const observer = View?.MutationObserver ? new View.MutationObserver(check) : null;
  observer?.observe(doc, { childList: true, subtree: true });
  // document.open() or a replaced <html> can drop the observer's target: poll as well.
  const poll = (View ?? globalThis).setInterval(check, 1000);

  return () => {
    observer?.disconnect();
    (View ?? globalThis).clearInterval(poll);
    unregisterNotice(host);
    try {
      dialog.close();
    } catch {
      /* already closed */
    }
    host.remove();
    if (before && before.isConnected && typeof before.focus === 'function') restoreFocus(doc, before, caret);
  };
}

function isModal(dialog: HTMLDialogElement): boolean {
  try {
    return dialog.matches(':modal');
  } catch {
    return true; // a browser without :modal: leave the dialog as it is
  }
}

type Caret = { start: number | null; end: number | null } | Range | null;

function caretOf(doc: Document, el: HTMLElement | null): Caret {
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
    try {
      return { start: el.selectionStart, end: el.selectionEnd };
    } catch {
      return null; // an input type without a selection (email, number)
    }
  }
  const selection = doc.getSelection();
  return selection && selection.rangeCount > 0 ? selection.getRangeAt(0).cloneRange() : null;
}

/**
 * Focus back where it was, with the caret where it was. Chromium's modal-dialog close gives
 * focus back to the element but not its editing caret (tried on Chromium 156: typing and
 * execCommand then do nothing in that text box until it is focused afresh), so the element
 * is blurred and focused again and its selection put back.
 */
function restoreFocus(doc: Document, el: HTMLElement, caret: Caret): void {
  if (doc.activeElement === el) el.blur();
  el.focus();
  if (caret === null) return;
  if (caret instanceof Range) {
    const selection = doc.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(caret);
  } else if ((el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) && caret.start !== null) {
    try {
      el.setSelectionRange(caret.start, caret.end ?? caret.start);
    } catch {
      /* no selection on this input type */
    }
  }
}

/** Firefox's content scripts may not be allowed to set a page object's sheets: fall back to <style>. */
function adopt(shadow: ShadowRoot, sheet: CSSStyleSheet | null): boolean {
  if (!sheet) return false;
  try {
    shadow.adoptedStyleSheets = [sheet];
    return shadow.adoptedStyleSheets.length === 1;
  } catch {
    return false;
  }
}

const sheets = new WeakMap<Document, CSSStyleSheet | null>();
/** One constructed sheet per document (not subject to the page's style-src CSP); null where unsupported. */
function styleSheet(doc: Document): CSSStyleSheet | null {
  if (sheets.has(doc)) return sheets.get(doc)!;
  let sheet: CSSStyleSheet | null = null;
  try {
    const View = doc.defaultView as (Window & typeof globalThis) | null;
    if (View?.CSSStyleSheet && 'replaceSync' in View.CSSStyleSheet.prototype) {
      sheet = new View.CSSStyleSheet();
      sheet.replaceSync(NOTICE_CSS);
    }
  } catch {
    sheet = null;
  }
  sheets.set(doc, sheet);
  return sheet;
}
