import { describe, expect, it } from 'vitest';
import { DETECTORS, detectorById } from '../../../src/core/data-protection/detectors/index.ts';
import { IDENTIFIER_IDS, type IdentifierId } from '../../../src/core/data-protection/ids.ts';
import { compileDetection, scanText } from '../../../src/core/data-protection/scan.ts';

const only = (id: IdentifierId) => compileDetection({ identifiers: [id], patterns: [] });
const count = (id: IdentifierId, text: string) => scanText(text, only(id))[id] ?? 0;

function seeded(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648);
}

/** The same text with one digit of the identifier changed: a checksum must reject nearly all. */
function oneDigitOff(value: string, random: () => number): string {
  const positions = [...value].map((c, i) => (/\d/.test(c) ? i : -1)).filter((i) => i >= 0);
  const i = positions[Math.floor(random() * positions.length)]!;
  const d = (Number(value[i]) + 1 + Math.floor(random() * 9)) % 10;
  return value.slice(0, i) + d + value.slice(i + 1);
}

describe('built-in detectors', () => {
  it('every id has a detector, in the order of the list', () => {
    expect(DETECTORS.map((d) => d.id)).toEqual([...IDENTIFIER_IDS]);
  });

  for (const d of DETECTORS) {
    describe(d.id, () => {
      const random = seeded(IDENTIFIER_IDS.indexOf(d.id) + 7);
      const before = d.keyword ? `${d.keyword}: ` : '';
      it('finds 300 generated identifiers, each in a sentence, each counted once', () => {
        for (let i = 0; i < 300; i++) {
          const v = d.generate(random);
          expect(count(d.id, `Patient details ${before}${v}, see notes.`), v).toBe(1);
          expect(count(d.id, `${before}${v}\n${v} again`), v).toBe(1);
        }
      });
      it('not inside a longer number or code', () => {
        for (let i = 0; i < 50; i++) {
          const v = d.generate(random);
          expect(count(d.id, `${before}7${v}`), v).toBe(0);
          expect(count(d.id, `${before}${v}7`), v).toBe(0);
          expect(count(d.id, `${before}${v}-7`), v).toBe(0);
        }
      });
    });
  }

  it('checksums reject almost every one-digit change (≤ 12% pass, the rate of a mod-10 check)', () => {
    for (const id of ['nhs-number', 'chi-number', 'payment-card', 'au-medicare', 'au-ihi', 'de-kvnr', 'fr-nir', 'es-dni'] as const) {
      const d = detectorById(id);
      const random = seeded(99);
      let passed = 0;
      for (let i = 0; i < 400; i++) passed += count(id, `${d.keyword ?? ''} ${oneDigitOff(d.generate(random), random)}`);
      expect(passed / 400, id).toBeLessThan(0.12);
    }
  });

  describe('US SSN rules', () => {
    it('format and issued ranges', () => {
      expect(count('us-ssn', 'SSN 536-22-1234')).toBe(1);
      expect(count('us-ssn', '536 22 1234')).toBe(1);
      for (const bad of ['000-12-3456', '666-12-3456', '900-12-3456', '999-12-3456', '536-00-1234', '536-22-0000', '078-05-1120', '219-09-9999', '123-45-6789', '536-22 1234', '5362-2-1234'])
        expect(count('us-ssn', `ssn ${bad}`), bad).toBe(0);
    });
    it('nine bare digits only after the keyword', () => {
      expect(count('us-ssn', 'order 536221234')).toBe(0);
      expect(count('us-ssn', 'SSN: 536221234')).toBe(1);
      expect(count('us-ssn', 'Social Security number 536221234')).toBe(1);
      expect(count('us-ssn', '536221234 is the SSN')).toBe(0);
    });
  });

  describe('NHS number', () => {
    it('issued ranges only: 943 476 5919 passes modulus 11 but 9xx is not issued', () => {
      expect(count('nhs-number', '943 476 5919')).toBe(0);
      expect(count('nhs-number', '401 023 2137')).toBe(1);
    });
    it('spaced 3 3 4, or bare after "NHS"; not after a country code', () => {
      expect(count('nhs-number', '4010232137')).toBe(0);
      expect(count('nhs-number', 'NHS no. 4010232137')).toBe(1);
      expect(count('nhs-number', '+44 401 023 2137')).toBe(0);
      expect(count('nhs-number', '401-023-2137')).toBe(0);
    });
  });

  it('CHI needs its keyword in capitals and a real date', () => {
    const v = detectorById('chi-number').generate(seeded(3));
    expect(count('chi-number', v)).toBe(0);
    expect(count('chi-number', `tai chi ${v}`)).toBe(0);
    expect(count('chi-number', `CHI ${v}`)).toBe(1);
    expect(count('chi-number', `CHI 3213${v.slice(4)}`)).toBe(0); // 32/13 is no date
  });

  it('Medicare MBI: the CMS example, and its excluded letters', () => {
    expect(count('medicare-mbi', 'MBI 1EG4-TE5-MK73')).toBe(1);
    expect(count('medicare-mbi', '1EG4TE5MK73')).toBe(1);
    for (const bad of ['0EG4-TE5-MK73', '1SG4-TE5-MK73', '1EG4-TE5-MK7', '1eg4-te5-mk73', '1EG4-TE5MK73']) expect(count('medicare-mbi', bad), bad).toBe(0);
  });

  it('payment cards: known networks at their lengths, grouped or bare', () => {
    for (const ok of ['4111 1111 1111 1111', '4111-1111-1111-1111', '4111111111111111', '3782 822463 10005', '5555555555554444']) expect(count('payment-card', ok), ok).toBe(1);
    // Luhn-valid but no network issues it: a 16-digit number starting with 1 or 9.
    expect(count('payment-card', '1111111111111117')).toBe(0);
    expect(count('payment-card', '4111 1111-1111 1111')).toBe(0);
  });

  it('Australian Medicare: 2123 45670 1; bare only after "Medicare"', () => {
    expect(count('au-medicare', '2123 45670 1')).toBe(1);
    expect(count('au-medicare', '2123456701')).toBe(0);
    expect(count('au-medicare', 'Medicare 2123456701')).toBe(1);
    expect(count('au-medicare', 'Medicare card 21234567011')).toBe(1);
    expect(count('au-medicare', '7123 45670 1')).toBe(0);
  });

  it('German KVNR, French NIR, Spanish DNI and NIE: published examples', () => {
    expect(count('de-kvnr', 'Versichertennr. A123456780')).toBe(1);
    expect(count('de-kvnr', 'a123456780')).toBe(0);
    expect(count('fr-nir', 'NIR 2 55 08 14 168 025 38')).toBe(1);
    expect(count('fr-nir', '255081416802538')).toBe(1);
    expect(count('fr-nir', '2 55 13 14 168 025 38')).toBe(0); // month 13
    expect(count('es-dni', 'DNI 12345678Z')).toBe(1);
    expect(count('es-dni', '12345678-Z')).toBe(1);
    expect(count('es-dni', '12345678z')).toBe(1);
    expect(count('es-dni', 'X1234567L')).toBe(1);
    expect(count('es-dni', '12345678 z')).toBe(0);
    expect(count('es-dni', '12345678A')).toBe(0);
  });
});
