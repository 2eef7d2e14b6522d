import { LEFT, pick, RIGHT, type Detector } from './types.ts';

// CMS's letters: A–Z without S, L, O, I, B and Z (they look like digits).
const L = 'AC-HJKMNP-RT-Y';
const LETTERS = 'ACDEFGHJKMNPQRTUVWXY';

export const medicareMbi: Detector = {
  id: 'medicare-mbi',
  name: 'Medicare Beneficiary Identifier',
  rule: "CMS's 11-character format C A AN N A AN N A A N N (C 1–9, N a digit, A a capital letter other than S, L, O, I, B, Z), bare or with dashes or spaces after the 4th and 7th characters",
  finders: [{ pattern: new RegExp(`${LEFT}([1-9][${L}][${L}\\d]\\d)([- ]?)([${L}][${L}\\d]\\d)\\2([${L}]{2}\\d\\d)${RIGHT}`, 'g'), accept: (m) => m[1]! + m[3]! + m[4]! }],
  generate(random) {
    const n = () => String(Math.floor(random() * 10));
    const a = () => pick(random, LETTERS);
    const an = () => (random() < 0.5 ? a() : n());
    const c = String(1 + Math.floor(random() * 9));
    return `${c}${a()}${an()}${n()}-${a()}${an()}${n()}-${a()}${a()}${n()}${n()}`;
  },
};
