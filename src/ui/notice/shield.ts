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

/**
 * The notices the shield guards, per window. Kept on the content script's own global for that
 * window, not in this module: the shield is installed by the small script that runs in every
 * frame at document_start (media-bridge.ts), while the notice comes later in a script of its own
 * (media-notice.ts, injected only when a notice is needed), each with its own copy of this
 * module, both in the same isolated world. A property set there is the extension's alone: the
 * page's world sees its own window object (Chrome's per-world wrappers, Firefox's Xrays).
 */
interface ShieldState {
  installed: boolean;
  live: Map<Element, () => void>;
}
const STATE = '__telehealthGuardNoticeShield';

function shieldOf(win: Window): ShieldState {
  const slot = win as unknown as Record<string, ShieldState | undefined>;
  return (slot[STATE] ??= { installed: false, live: new Map() });
}

function windowOf(host: Element): Window {
  return host.ownerDocument?.defaultView ?? window;
}

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
  const state = shieldOf(win);
  if (state.installed) return;
  state.installed = true;
  const live = state.live;
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
  shieldOf(windowOf(host)).live.set(host, onInput);
}

export function unregisterNotice(host: Element): void {
  shieldOf(windowOf(host)).live.delete(host);
}
