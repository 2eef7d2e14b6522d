import { auMedicareCheck } from '../checksums.ts';
import { digitsOf, LEFT, RIGHT, type Detector } from './types.ts';

function rule(digits: string): string | null {
  return auMedicareCheck(digits.slice(0, 8)) === digits.charCodeAt(8) - 48 ? digits : null;
}

export const auMedicare: Detector = {
  id: 'au-medicare',
  name: 'Australian Medicare card number',
  rule: 'ten digits written 4 5 1 with spaces or dashes (bare, with or without the 11th issue digit, only where "Medicare" comes earlier in the text), first digit 2–6, 9th digit the weighted (1,3,7,9,…) sum mod 10',
  finders: [
    { pattern: new RegExp(`${LEFT}([2-6]\\d{3})([- ])(\\d{5})\\2(\\d)${RIGHT}`, 'g'), accept: (m) => rule(m[1]! + m[3]! + m[4]!) },
    { pattern: new RegExp(`${LEFT}([2-6]\\d{9})\\d?${RIGHT}`, 'g'), keyword: /\bmedicare\b/i, accept: (m) => rule(m[1]!) },
  ],
  generate(random) {
    const head = String(2 + Math.floor(random() * 5)) + digitsOf(random, 7);
    const d = head + auMedicareCheck(head) + String(1 + Math.floor(random() * 9));
    return `${d.slice(0, 4)} ${d.slice(4, 9)} ${d.slice(9)}`;
  },
};
