import { nirKey } from '../checksums.ts';
import { digitsOf, LEFT, pick, RIGHT, type Detector } from './types.ts';

/** Months: 01–12, 20 and 30–42 (records without a known month), 50–99 (provisional numbers). */
function month(mm: number): boolean {
  return (mm >= 1 && mm <= 12) || mm === 20 || (mm >= 30 && mm <= 42) || mm >= 50;
}

export const frNir: Detector = {
  id: 'fr-nir',
  name: 'French social security number (NIR)',
  rule: 'fifteen characters, bare or spaced 1 2 2 2 3 3 2: sex 1, 2, 7 or 8, year, a valid month, department (01–99, 2A, 2B), commune, order, and the key 97 − (number mod 97)',
  finders: [
    {
      pattern: new RegExp(`${LEFT}([1278])( ?)(\\d\\d)\\2(\\d\\d)\\2(\\d\\d|2[AB])\\2(\\d{3})\\2(\\d{3})\\2(\\d\\d)${RIGHT}`, 'g'),
      accept(m) {
        if (!month(Number(m[4])) || m[5] === '00') return null;
        const thirteen = m[1]! + m[3]! + m[4]! + m[5]! + m[6]! + m[7]!;
        return nirKey(thirteen) === Number(m[8]) ? thirteen + m[8]! : null;
      },
    },
  ],
  generate(random) {
    const thirteen =
      pick(random, ['1', '2']) +
      digitsOf(random, 2) +
      String(1 + Math.floor(random() * 12)).padStart(2, '0') +
      String(1 + Math.floor(random() * 95)).padStart(2, '0') +
      digitsOf(random, 6);
    const key = String(nirKey(thirteen)).padStart(2, '0');
    const t = thirteen;
    return `${t[0]} ${t.slice(1, 3)} ${t.slice(3, 5)} ${t.slice(5, 7)} ${t.slice(7, 10)} ${t.slice(10, 13)} ${key}`;
  },
};
