import { dniLetter } from '../checksums.ts';
import { digitsOf, LEFT, pick, RIGHT, type Detector } from './types.ts';

export const esDni: Detector = {
  id: 'es-dni',
  name: 'Spanish DNI or NIE',
  rule: 'DNI: eight digits and a control letter; NIE: X, Y or Z, seven digits and a control letter; the letter is TRWAGMYFPDXBNJZSQVHLCKE at (number mod 23), X/Y/Z read as 0/1/2; a capital letter may follow a space or dash, a small one only directly',
  // "12345678 a" is a number and a word: a small letter counts only when attached.
  finders: [
    {
      pattern: new RegExp(`${LEFT}(?:([XYZ])[- ]?(\\d{7})|(\\d{8}))(?:[- ]?([A-Z])|([a-z]))${RIGHT}`, 'g'),
      accept(m) {
        const number = m[3] !== undefined ? m[3] : 'XYZ'.indexOf(m[1]!) + m[2]!;
        const letter = (m[4] ?? m[5]!).toUpperCase();
        return dniLetter(Number(number)) === letter ? (m[1] ? m[1] + m[2]! : number) + letter : null;
      },
    },
  ],
  generate(random) {
    if (random() < 0.25) {
      const prefix = pick(random, ['X', 'Y', 'Z']);
      const seven = digitsOf(random, 7);
      return prefix + seven + dniLetter(Number('XYZ'.indexOf(prefix) + seven));
    }
    const eight = digitsOf(random, 8);
    return eight + dniLetter(Number(eight));
  },
};
