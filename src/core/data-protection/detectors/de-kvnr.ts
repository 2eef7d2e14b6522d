import { kvnrCheck } from '../checksums.ts';
import { digitsOf, LEFT, pick, RIGHT, type Detector } from './types.ts';

export const deKvnr: Detector = {
  id: 'de-kvnr',
  name: 'German health insurance number',
  rule: 'Krankenversichertennummer: a capital letter and nine digits, the last a check digit (letter as 01–26, weights 1,2,1,2,…, digit sums of products, mod 10)',
  finders: [
    {
      pattern: new RegExp(`${LEFT}([A-Z])(\\d{8})(\\d)${RIGHT}`, 'g'),
      accept(m) {
        return kvnrCheck(m[1]!, m[2]!) === m[3]!.charCodeAt(0) - 48 ? m[0] : null;
      },
    },
  ],
  generate(random) {
    const letter = pick(random, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    const eight = digitsOf(random, 8);
    return letter + eight + kvnrCheck(letter, eight);
  },
};
