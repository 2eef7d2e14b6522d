/**
 * What was found, in words: "3 US Social Security numbers and 1 payment card number". The
 * in-page notice says it, the log viewer shows it for a `data.*` event's findings; the
 * identifiers themselves are never in it.
 */
import type { MessageKey } from '../i18n/en.ts';
import type { Translate } from '../i18n/format.ts';
import { IDENTIFIER_IDS } from './ids.ts';
import { patternName, UNSCANNED_FILE, type Counts } from './scan.ts';

const FINDING = /^(.+):(\d+)$/;

function plural(t: Translate, n: number): 'one' | 'other' {
  return new Intl.PluralRules(t('lang_code')).select(n) === 'one' ? 'one' : 'other';
}

/** One kind with its count, or null for a key this extension does not know (a newer log's). */
export function describeCount(key: string, count: number, t: Translate): string | null {
  const form = plural(t, count);
  const name = patternName(key);
  if (name !== null) return t(`data_found_pattern_${form}`, { count, name });
  if (key === UNSCANNED_FILE || (IDENTIFIER_IDS as readonly string[]).includes(key)) return t(`data_found_${key.replace(/-/g, '_')}_${form}` as MessageKey, { count });
  return null;
}

/** Every kind found, as one phrase in the reader's language. */
export function describeCounts(counts: Counts, t: Translate): string {
  const parts = Object.entries(counts).map(([k, n]) => describeCount(k, n, t) ?? `${n} × ${k}`);
  return new Intl.ListFormat(t('lang_code'), { type: 'conjunction' }).format(parts);
}

/** A `data.*` event's finding (`us-ssn:3`) in words; null when it is not one. */
export function describeFinding(finding: string, t: Translate): string | null {
  const m = FINDING.exec(finding);
  return m ? describeCount(m[1]!, Number(m[2]), t) : null;
}

/** Every message key this module can ask for (the dictionary test checks each exists). */
export function describeKeys(): MessageKey[] {
  const bases = [...IDENTIFIER_IDS, UNSCANNED_FILE, 'pattern'].map((k) => `data_found_${k.replace(/-/g, '_')}`);
  return bases.flatMap((b) => [`${b}_one`, `${b}_other`] as MessageKey[]);
}
