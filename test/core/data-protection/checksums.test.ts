import { describe, expect, it } from 'vitest';
import { auMedicareCheck, dniLetter, kvnrCheck, luhnCheckDigit, luhnValid, mod11Check, mod11Valid, nirKey } from '../../../src/core/data-protection/checksums.ts';

// Published examples: the issuers' and test-card vendors' own.
describe('check digits', () => {
  it('Luhn: the networks test cards pass, one digit off fails', () => {
    for (const card of ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '3530111333300000']) expect(luhnValid(card)).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnCheckDigit('411111111111111')).toBe(1);
  });
  it('modulus 11 (NHS): 943 476 5919 is valid, a check of 10 is never issued', () => {
    expect(mod11Valid('9434765919')).toBe(true);
    expect(mod11Valid('9434765918')).toBe(false);
    expect(mod11Check('000000006')).toBe(null); // 6 × 2 = 12, 12 mod 11 = 1, 11 − 1 = 10
    expect(mod11Check('100000000')).toBe(1);
  });
  it('Australian Medicare: 2123 45670 1', () => {
    expect(auMedicareCheck('21234567')).toBe(0);
  });
  it('German KVNR: A123456780', () => {
    expect(kvnrCheck('A', '12345678')).toBe(0);
  });
  it('French NIR: the keys of the published examples, Corsica read as 19/18', () => {
    expect(nirKey('2550814168025')).toBe(38);
    expect(nirKey('1841276451089')).toBe(46);
    expect(nirKey('184022A004001')).toBe(nirKey('1840219004001'));
    expect(nirKey('184022B004001')).toBe(nirKey('1840218004001'));
  });
  it('Spanish DNI: 12345678Z', () => {
    expect(dniLetter(12345678)).toBe('Z');
  });
});
