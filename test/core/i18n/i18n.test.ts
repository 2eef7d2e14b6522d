import { describe, expect, it } from 'vitest';
import { INCIDENT_KINDS } from '../../../src/core/events/types.ts';
import { en } from '../../../src/core/i18n/en.ts';
import { fill, languageFor, LANGUAGES, placeholders, tn, translator, type PluralKey } from '../../../src/core/i18n/format.ts';
import { chromeMessages } from '../../../src/core/i18n/locales.ts';
import { findingText, namedKeys, typeName } from '../../../src/core/i18n/names.ts';

const languages = Object.keys(LANGUAGES) as Array<keyof typeof LANGUAGES>;

describe('the extension’s languages', () => {
  it('offers English, Spanish, French and German', () => {
    expect(languages.sort()).toEqual(['de', 'en', 'es', 'fr']);
  });

  for (const lang of languages) {
    it(`${lang}: has every key, no extra key, no empty text, and the same placeholders as English`, () => {
      const dict: Record<string, string> = LANGUAGES[lang];
      const missing = Object.keys(en).filter((k) => !(k in dict));
      const extra = Object.keys(dict).filter((k) => !(k in en));
      expect(missing, `missing in ${lang}`).toEqual([]);
      expect(extra, `not in en: ${lang}`).toEqual([]);
      for (const [key, text] of Object.entries(dict)) {
        expect(text.trim(), `${lang}.${key} is empty`).not.toBe('');
        // {org} and {Org} are one fact (mid-sentence and sentence-start forms).
        const names = (x: string) => [...new Set(placeholders(x).map((n) => (n === 'Org' ? 'org' : n)))].sort();
        expect(names(text), `${lang}.${key} placeholders`).toEqual(names(en[key as keyof typeof en]));
      }
      expect(dict.lang_code).toBe(lang);
    });
  }

  it('keys are valid _locales names, and the generated messages.json keep every text', () => {
    for (const key of Object.keys(en)) expect(key).toMatch(/^[A-Za-z0-9_]+$/);
    for (const lang of languages) {
      const messages = chromeMessages(lang);
      expect(Object.keys(messages)).toEqual(Object.keys(en));
      // Chrome reads '$$' as one '$': the text comes back as written.
      for (const [key, { message }] of Object.entries(messages)) expect(message.replace(/\$\$/g, '$')).toBe((LANGUAGES[lang] as Record<string, string>)[key]);
    }
  });

  it('names every event type, finding and incident kind in every language', () => {
    for (const lang of languages) {
      const dict: Record<string, string> = LANGUAGES[lang];
      for (const key of namedKeys(INCIDENT_KINDS)) expect(dict[key], `${lang}: ${key}`).toBeTruthy();
    }
    const de = translator('de');
    expect(typeName('navigation.proceeded', de)).toBe('Nach Warnung fortgefahren');
    expect(findingText('passcode-unverified', translator('en'))).toBe('Passcode not confirmed');
    // A code from a newer extension's log is shown as it is, not as a missing key.
    expect(findingText('some-new-code', de)).toBe('some-new-code');
  });

  it('counts in each language’s plural forms (Intl.PluralRules): "1 more character", "0 caractère"', () => {
    const more = (lang: keyof typeof LANGUAGES, n: number) => tn(translator(lang), 'guard_reason_more', n, { more: n });
    expect(more('en', 1)).toBe('1 more character needed.');
    expect(more('en', 2)).toBe('2 more characters needed.');
    expect(more('en', 0)).toBe('0 more characters needed.');
    expect(more('es', 1)).toBe('Falta 1 carácter.');
    expect(more('es', 2)).toBe('Faltan 2 caracteres.');
    expect(more('fr', 0)).toBe('Encore 0 caractère.'); // French: 0 and 1 are singular
    expect(more('fr', 2)).toBe('Encore 2 caractères.');
    // French "many" (millions) has no text of its own: the general one.
    expect(tn(translator('fr'), 'log_exported', 1_000_000, { count: '1 000 000', file: 'x' })).toBe('1 000 000 événements exportés dans x.');
    expect(tn(translator('de'), 'sum_steps', 1, { count: 1 })).toBe('1 Schritt');
  });

  it('every text that counts something has its singular form (no "1 more characters")', () => {
    // A number placeholder followed by a word (not "of", nor the invariant "min"): the word follows the number.
    const COUNTS = /\{(count|more|min|minutes|days|hours)\} (?!of\b|de\b|sur\b|von\b|min\b)\p{L}/u;
    for (const [key, text] of Object.entries(en)) {
      if (key.endsWith('_one') || !COUNTS.test(text)) continue;
      // The data findings name both forms (data_found_x_one, data_found_x_other): describe.ts.
      if (key.endsWith('_other') && `${key.slice(0, -'_other'.length)}_one` in en) continue;
      expect(`${key}_one` in en, `${key} ("${text}") needs ${key}_one, used through tn()`).toBe(true);
      for (const lang of languages) {
        const one = tn(translator(lang), key as PluralKey, 1, { count: 1, more: 1, min: 1, minutes: 1, days: 1, hours: 1, total: 1 });
        expect(one, `${lang}.${key}_one`).not.toMatch(/\b1 (characters|minutes|days|steps|events|tenants|hosts|caracteres|minutos|días|pasos|eventos|caractères|jours|étapes|événements|Minuten|Tage|Schritte|Ereignisse)\b/);
      }
    }
  });

  it('fills placeholders by name and picks the language from a browser tag', () => {
    expect(fill('{a} then {b}, {a}', { a: 1, b: 'x' })).toBe('1 then x, 1');
    expect(languageFor('de-AT')).toBe('de');
    expect(languageFor('es_419')).toBe('es');
    expect(languageFor('pt-BR')).toBe('en');
  });
});
