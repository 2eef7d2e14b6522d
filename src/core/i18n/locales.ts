/**
 * The browser's `_locales/<lang>/messages.json`, generated at build from the dictionaries
 * (wxt.config.ts). Messages keep their `{name}` placeholders as plain text and the page
 * fills them by name (src/ui/i18n.ts): Chrome's own `$1…$9` substitutions are positional,
 * and named filling lets a translation reorder words freely.
 */
import { LANGUAGES, type Language } from './format.ts';
import { en } from './en.ts';

export function chromeMessages(language: Language): Record<string, { message: string }> {
  const dict: Record<string, string> = LANGUAGES[language];
  const out: Record<string, { message: string }> = {};
  // '$' is Chrome's placeholder sign: a literal one is written '$$'.
  for (const key of Object.keys(en)) out[key] = { message: dict[key]!.replace(/\$/g, '$$$$') };
  return out;
}
