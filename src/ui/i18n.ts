/**
 * The pages' translator: the browser's own `_locales` (src/browser/i18n.ts), so the browser
 * chooses the language and only that language's texts are loaded.
 */
import { t } from '../browser/i18n.ts';

export { t };

/** The language the texts are in (not the browser's tag: it may be one we lack). */
export const uiLanguage = (): string => t('lang_code');

/** `lang` on <html>, from the language the texts are actually in, and the page title. */
export function setPageLanguage(title?: string): void {
  document.documentElement.lang = uiLanguage();
  if (title) document.title = title;
}
