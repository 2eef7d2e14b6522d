import { mod11Check, mod11Valid } from '../checksums.ts';
import { digitsOf, LEFT, pick, RIGHT, type Detector } from './types.ts';

/** Issued ranges: England and Wales 400–499 and 600–799 million, Northern Ireland 320–399. */
function rule(digits: string): string | null {
  const head = Number(digits.slice(0, 3));
  const issued = (head >= 320 && head <= 499) || (head >= 600 && head <= 799);
  return issued && mod11Valid(digits) ? digits : null;
}

export const nhsNumber: Detector = {
  id: 'nhs-number',
  name: 'NHS number',
  rule: 'ten digits written 3 3 4 with spaces (ten bare digits only where "NHS" comes earlier in the text), in an issued range (320–499, 600–799 million), modulus-11 check digit',
  finders: [
    // Not after a country code: "+1 415 555 0132" is a phone number.
    { pattern: new RegExp(`${LEFT}(?<!\\+\\d{1,3} )(\\d{3}) (\\d{3}) (\\d{4})${RIGHT}`, 'g'), accept: (m) => rule(m[1]! + m[2]! + m[3]!) },
    { pattern: new RegExp(`${LEFT}\\d{10}${RIGHT}`, 'g'), keyword: /\bNHS\b/i, accept: (m) => rule(m[0]) },
  ],
  generate(random) {
    for (;;) {
      const head = String(pick(random, [4, 6, 7])) + digitsOf(random, 8);
      const check = mod11Check(head);
      if (check === null) continue;
      const d = head + check;
      return `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`;
    }
  },
};
