import { digitsOf, LEFT, RIGHT, type Detector } from './types.ts';

/** Numbers the Social Security Administration voided after they were printed in advertising. */
const VOIDED = new Set(['078051120', '219099999', '123456789']);

function rule(digits: string): string | null {
  const area = Number(digits.slice(0, 3));
  if (area === 0 || area === 666 || area >= 900) return null;
  if (digits.slice(3, 5) === '00' || digits.slice(5) === '0000') return null;
  return VOIDED.has(digits) ? null : digits;
}

export const usSsn: Detector = {
  id: 'us-ssn',
  name: 'US Social Security number',
  rule: 'AAA-GG-SSSS with dashes or spaces (nine bare digits only where "SSN" or "social security" comes earlier in the text); area not 000, 666 or 900–999, group not 00, serial not 0000; numbers voided by the SSA (078-05-1120, 219-09-9999, 123-45-6789) excluded',
  finders: [
    { pattern: new RegExp(`${LEFT}(\\d{3})([- ])(\\d{2})\\2(\\d{4})${RIGHT}`, 'g'), accept: (m) => rule(m[1]! + m[3]! + m[4]!) },
    { pattern: new RegExp(`${LEFT}\\d{9}${RIGHT}`, 'g'), keyword: /\bSSN\b|\bSS ?#|\bsocial[ -]security\b/i, accept: (m) => rule(m[0]) },
  ],
  generate(random) {
    for (;;) {
      const d = digitsOf(random, 9);
      if (rule(d) !== null) return `${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}`;
    }
  },
};
