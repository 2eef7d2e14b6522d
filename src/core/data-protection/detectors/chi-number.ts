import { mod11Check, mod11Valid } from '../checksums.ts';
import { digitsOf, LEFT, RIGHT, type Detector } from './types.ts';

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** DDMMYY: a real day of a real month (29 February in any year). */
function isDate(ddmmyy: string): boolean {
  const day = Number(ddmmyy.slice(0, 2));
  const month = Number(ddmmyy.slice(2, 4));
  return month >= 1 && month <= 12 && day >= 1 && day <= DAYS[month - 1]!;
}

export const chiNumber: Detector = {
  id: 'chi-number',
  name: 'CHI number (Scotland)',
  rule: 'ten digits, the first six a date of birth DDMMYY, bare or DDMMYY NNNN, only where "CHI" comes earlier in the text, modulus-11 check digit as the NHS number',
  keyword: 'CHI',
  // DDMMYY HHMM, a date and a time, looks the same: the keyword is needed in both spellings.
  finders: [
    {
      pattern: new RegExp(`${LEFT}(\\d{6}) ?(\\d{4})${RIGHT}`, 'g'),
      // Capitals only: "tai chi" and "chi-square" are not the number.
      keyword: /\bCHI\b/,
      accept: (m) => (isDate(m[1]!) && mod11Valid(m[1]! + m[2]!) ? m[1]! + m[2]! : null),
    },
  ],
  generate(random) {
    for (;;) {
      const month = 1 + Math.floor(random() * 12);
      const day = 1 + Math.floor(random() * DAYS[month - 1]!);
      const head = String(day).padStart(2, '0') + String(month).padStart(2, '0') + digitsOf(random, 5);
      const check = mod11Check(head);
      if (check === null) continue;
      return `${head.slice(0, 6)} ${head.slice(6)}${check}`;
    }
  },
};
