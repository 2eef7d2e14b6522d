/**
 * The extension's button pinned to the toolbar (README, "Side doors"): the popup holds
 * **Report an incident** and the meeting-link check, and an unpinned extension hides them in
 * the puzzle-piece menu, where a clinician in a hurry does not look.
 *
 * Chrome (and Chromium): `ExtensionSettings` → `<id>` → `toolbar_pin: "force_pinned"` (Chrome
 * Enterprise policy list; the user cannot unpin it). Microsoft Edge documents its own field,
 * `toolbar_state: "force_shown"` (Edge's ExtensionSettings reference); Edge is Chromium and
 * gets both. Written by default with the side doors; `deploy --no-hardening` leaves it out.
 *
 * Kept apart from hardening.ts: `ExtensionSettings` is one policy per browser, which an
 * organisation may already set elsewhere (Chrome does not merge one policy from two sources),
 * so the instructions say where to add the entry instead.
 */
import type { PolicyObject } from './formats.ts';

export type PinBrowser = 'chrome' | 'edge';

/** The `ExtensionSettings` entry that pins the extension, or nothing with --no-hardening. */
export function toolbarPinPolicies(browser: PinBrowser, extensionId: string, hardening: boolean | undefined): PolicyObject {
  if (hardening === false) return {};
  const entry: PolicyObject = browser === 'edge' ? { toolbar_pin: 'force_pinned', toolbar_state: 'force_shown' } : { toolbar_pin: 'force_pinned' };
  return { ExtensionSettings: { [extensionId]: entry } };
}

/** One line for the command's output. */
export function toolbarPinLine(browser: string, hardening: boolean | undefined): string[] {
  if (hardening === false) return ['Toolbar button not pinned (--no-hardening): people find Report an incident only in the extensions menu.'];
  return [
    `Toolbar: ${browser} pins the extension's button (ExtensionSettings, toolbar_pin "force_pinned"${browser.includes('Edge') ? ', toolbar_state "force_shown"' : ''}). If ExtensionSettings is already set elsewhere for this browser, add the entry there: the browser uses one source's value.`,
  ];
}

/** For formats that carry only the extension's policy (google-admin, admx). */
export function toolbarPinElsewhere(where: string, hardening: boolean | undefined): string[] {
  if (hardening === false) return [];
  return [`Toolbar: pin the extension's button ${where}, so Report an incident is one click away.`];
}
