/**
 * Keeps what the person types into a notice away from the page.
 *
 * Keyboard, input, composition and clipboard events are *composed*: fired inside a closed
 * shadow root they still travel to the page's `window` and `document` listeners (retargeted
 * to the notice's host, but with `key`, `data` and `clipboardData` intact). A page could log
 * the reason keystroke by keystroke. The shield is one capture-phase listener per event type
 * on `window`, added at document_start — before any page script runs, so before any page
 * listener on the same target and phase — that stops an event aimed at a notice right there
 * (`stopImmediatePropagation`). The browser's own default actions (typing into the box, Tab
 * moving focus, Enter or Space pressing a button, Escape closing the dialog) do not depend
 * on propagation and carry on; the counter the notice would update on `input` is updated
 * from here.
 *
 * Installed late (after page scripts ran), a page listener added earlier on `window` in the
 * capture phase would still see the keys: call `installNoticeShield()` in a content script
 * that runs at document_start.
 */

const live = new Map<Element, () => void>();
const installed = new WeakSet<object>();

/** Event types that carry what the person types or pastes. */
export const SHIELDED_EVENTS = [
  'keydown',
  'keyup',
  'keypress',
  'beforeinput',
  'input',
  'textInput',
  'compositionstart',
  'compositionupdate',
  'compositionend',
  'copy',
  'cut',
  'paste',
] as const;

/** Install the shield on a window (default: the content script's). Idempotent. */
export function installNoticeShield(win: Window = window): void {
  if (installed.has(win)) return;
  installed.add(win);
  const onEvent = (e: Event) => {
    const target = e.target as Element | null;
    if (!target || !live.has(target)) return;
    e.stopImmediatePropagation();
    if (e.type === 'input') live.get(target)!();
  };
  for (const type of SHIELDED_EVENTS) win.addEventListener(type, onEvent, true);
}

/** A notice's host and what to run on `input` (notice.ts). */
export function registerNotice(host: Element, onInput: () => void): void {
  live.set(host, onInput);
}

export function unregisterNotice(host: Element): void {
  live.delete(host);
}
