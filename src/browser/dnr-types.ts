import type { Browser } from 'wxt/browser';
import type { DnrRule } from '../core/dnr.ts';

/**
 * The core describes rules with its own minimal type (it has no browser types); they
 * are a subset of the browser's Rule, so the conversion is a cast in one place.
 */
export type BrowserRule = Browser.declarativeNetRequest.Rule;

export function toBrowserRules(rules: readonly DnrRule[]): BrowserRule[] {
  return rules as unknown as BrowserRule[];
}
