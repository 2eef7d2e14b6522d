import { luhnCheckDigit, luhnValid } from '../checksums.ts';
import { digitsOf, LEFT, pick, RIGHT, type Detector } from './types.ts';

/** Issuer prefixes and the lengths each network issues (ISO/IEC 7812 IIN ranges as the networks publish them). */
function network(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  if (d[0] === '4') return n === 13 || n === 16 || n === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15; // American Express
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) return n >= 16 && n <= 19; // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19; // JCB
  if (p2 === 36 || p2 === 38 || p2 === 39 || (p3 >= 300 && p3 <= 305)) return n >= 14 && n <= 19; // Diners Club
  if (p2 === 62) return n >= 16 && n <= 19; // UnionPay
  return false;
}

export const paymentCard: Detector = {
  id: 'payment-card',
  name: 'payment card number',
  rule: '13–19 digits, bare or in groups of four (American Express 4-6-5) with spaces or dashes, a Visa, Mastercard, American Express, Discover, JCB, Diners Club or UnionPay prefix at a length that network issues, Luhn check digit',
  finders: [
    {
      pattern: new RegExp(`${LEFT}(?:\\d{4}([- ])\\d{4}\\1\\d{4}\\1\\d{1,4}(?:\\1\\d{1,3})?|\\d{4}([- ])\\d{6}\\2\\d{4,5}|\\d{13,19})${RIGHT}`, 'g'),
      accept(m) {
        const digits = m[0].replace(/[- ]/g, '');
        return network(digits) && luhnValid(digits) ? digits : null;
      },
    },
  ],
  generate(random) {
    const kind = pick(random, ['visa', 'mastercard', 'amex'] as const);
    if (kind === 'amex') {
      const body = pick(random, ['34', '37']) + digitsOf(random, 12);
      const d = body + luhnCheckDigit(body);
      return `${d.slice(0, 4)} ${d.slice(4, 10)} ${d.slice(10)}`;
    }
    const body = (kind === 'visa' ? '4' : String(51 + Math.floor(random() * 5))) + digitsOf(random, kind === 'visa' ? 14 : 13);
    const d = body + luhnCheckDigit(body);
    return d.match(/.{4}/g)!.join(random() < 0.5 ? ' ' : '-');
  },
};
