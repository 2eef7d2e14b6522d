/**
 * Texts from the browser's `_locales` (generated from src/core/i18n at build), in the
 * language the browser chose. Messages keep `{name}` placeholders, filled here by name.
 */
import { fill, type Params, type Translate } from '../core/i18n/format.ts';
import type { MessageKey } from '../core/i18n/en.ts';

// WXT types getMessage from a checked-in public/_locales; ours is generated at build.
const getMessage = (key: string): string => (browser.i18n.getMessage as (k: string) => string)(key);

export const t: Translate = (key: MessageKey, params?: Params) => {
  const text = getMessage(key);
  // Empty only for a key the build lost; the unit test makes that a failure, not a blank.
  return text ? fill(text, params) : key;
};
