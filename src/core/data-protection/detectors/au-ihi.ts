import { luhnCheckDigit, luhnValid } from '../checksums.ts';
import { digitsOf, LEFT, RIGHT, type Detector } from './types.ts';

export const auIhi: Detector = {
  id: 'au-ihi',
  name: 'Australian Individual Healthcare Identifier',
  rule: 'sixteen digits beginning 800360 (the prefix for individuals), bare or in groups of four, Luhn check digit',
  finders: [
    {
      pattern: new RegExp(`${LEFT}8003([- ]?)60\\d\\d\\1\\d{4}\\1\\d{4}${RIGHT}`, 'g'),
      accept(m) {
        const digits = m[0].replace(/[- ]/g, '');
        return luhnValid(digits) ? digits : null;
      },
    },
  ],
  generate(random) {
    const body = '800360' + digitsOf(random, 9);
    const d = body + luhnCheckDigit(body);
    return d.match(/.{4}/g)!.join(' ');
  },
};
