/**
 * The extension's own texts in English, Spanish, French and German (docs/command-line-and-pages.md 1.1).
 * One dictionary per language in this folder, English the source. The extension reads them
 * through the browser's `_locales` (generated from these files at build, see locales.ts),
 * so the browser picks the language; Node (tests, the command line) reads them here.
 * The policy's own texts (organisation name, platform names, rule labels, incident steps)
 * are never translated: they are shown as the organisation wrote them.
 */
import { de } from './de.ts';
import { en, type MessageKey } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';

export type { MessageKey };
export type Params = Record<string, string | number>;
/** A text to show, chosen by a core module and worded by the page in the reader's language. */
export interface Msg {
  key: MessageKey;
  params?: Params;
}
export type Translate = (key: MessageKey, params?: Params) => string;

export const LANGUAGES = { en, es, fr, de } as const;
export type Language = keyof typeof LANGUAGES;

/**
 * A text that counts something has a key for each plural form the languages need besides
 * the general one: `guard_reason_more` ("{more} more characters needed.") and
 * `guard_reason_more_one` ("{more} more character needed."). English, Spanish, French and
 * German need only "one"; a form a language has but we do not (French "many" for
 * millions) falls back to the general text.
 */
export type PluralKey = { [K in MessageKey]: `${K}_one` extends MessageKey ? K : never }[MessageKey];

const rules = new Map<string, Intl.PluralRules>();
/** The rules for a language code; English's for a code Intl does not take (a missing message gives its key). */
function pluralRules(lang: string): Intl.PluralRules {
  let r = rules.get(lang);
  if (r === undefined) {
    try {
      r = new Intl.PluralRules(lang);
    } catch {
      r = new Intl.PluralRules('en');
    }
    rules.set(lang, r);
  }
  return r;
}

/** `key`'s text in the form `count` needs in the reader's language (Intl.PluralRules). */
export function tn(t: Translate, key: PluralKey, count: number, params: Params = {}): string {
  const form = pluralRules(t('lang_code')).select(count);
  const variant = `${key}_${form}`;
  return t(form !== 'other' && variant in en ? (variant as MessageKey) : key, params);
}

/** Placeholders are `{name}`; names are letters and digits. */
export const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

export function fill(template: string, params: Params = {}): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The best of our languages for a BCP 47 tag ("de-AT" → de), English otherwise. */
export function languageFor(tag: string | undefined): Language {
  const base = (tag ?? 'en').toLowerCase().split(/[-_]/)[0] ?? 'en';
  return base in LANGUAGES ? (base as Language) : 'en';
}

/** A translator from the dictionaries (Node, tests). */
export function translator(language: Language = 'en'): Translate {
  const dict: Record<string, string> = LANGUAGES[language];
  return (key, params) => fill(dict[key] ?? en[key], params);
}

/** The placeholder names of a template, sorted (the tests compare them across languages). */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))].sort();
}
