import { describe, expect, it } from 'vitest';
import { describeCounts, describeFinding, describeKeys } from '../../../src/core/data-protection/describe.ts';
import { LANGUAGES, translator } from '../../../src/core/i18n/format.ts';
import { findingText } from '../../../src/core/i18n/names.ts';

describe('what was found, in words', () => {
  it('names kinds and counts in the reader’s language, with plurals, never a value', () => {
    const counts = { 'us-ssn': 3, 'payment-card': 1, 'pattern:Epic MRN': 2 };
    expect(describeCounts(counts, translator('en'))).toBe('3 US Social Security numbers, 1 payment card number, and 2 matches of “Epic MRN”');
    expect(describeCounts({ 'us-ssn': 1 }, translator('es'))).toBe('1 número de la Seguridad Social de EE. UU.');
    expect(describeCounts({ 'nhs-number': 2, 'file-not-scanned': 1 }, translator('de'))).toBe('2 NHS-Nummern und 1 Datei, die nicht geprüft werden konnte');
    expect(describeCounts({ 'fr-nir': 1 }, translator('fr'))).toBe('1 numéro de sécurité sociale (NIR)');
  });
  it('a data.* finding reads as words in the log viewer; other codes as before', () => {
    expect(describeFinding('us-ssn:3', translator('en'))).toBe('3 US Social Security numbers');
    expect(findingText('pattern:MRN:1', translator('fr'))).toBe('1 correspondance avec « MRN »');
    expect(findingText('some-new-detector:2', translator('en'))).toBe('some-new-detector:2');
    expect(findingText('passcode-unverified', translator('en'))).toBe('Passcode not confirmed');
  });
  it('every key it can ask for exists in every language', () => {
    for (const dict of Object.values(LANGUAGES)) for (const key of describeKeys()) expect((dict as Record<string, string>)[key], key).toBeTruthy();
  });
});
