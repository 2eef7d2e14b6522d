import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateOrder, formatDay, parseDay } from '../../../src/core/i18n/dates.ts';

describe('days as the reader writes them (the log viewer’s date filters)', () => {
  it('shows a day in the locale’s order', () => {
    expect(formatDay('2026-12-31', 'de')).toBe('31.12.2026');
    expect(formatDay('2026-12-31', 'fr')).toBe('31/12/2026');
    expect(formatDay('2026-12-31', 'es')).toBe('31/12/2026');
    expect(formatDay('2026-12-31', 'en-GB')).toBe('31/12/2026');
    expect(formatDay('2026-12-31', 'en-US')).toBe('12/31/2026');
    expect(dateOrder('de')).toEqual(['day', 'month', 'year']);
  });

  it('reads what the reader types, in their order, with the usual separators, and ISO always', () => {
    expect(parseDay('31.12.2026', 'de')).toBe('2026-12-31');
    expect(parseDay('1.2.2026', 'de')).toBe('2026-02-01');
    expect(parseDay('01/02/2026', 'fr')).toBe('2026-02-01');
    expect(parseDay('01/02/2026', 'en-US')).toBe('2026-01-02');
    expect(parseDay(' 2026-02-01 ', 'de')).toBe('2026-02-01');
    expect(parseDay('31-12-2026', 'es')).toBe('2026-12-31');
  });

  it('refuses what is not a real date', () => {
    for (const bad of ['31.02.2026', '12.31.2026', '1.2.26', '2026', '', 'morgen', '1.2.3.2026', '00.01.2026']) expect(parseDay(bad, 'de'), bad).toBeNull();
  });

  it('reads back what it shows, in every language we speak', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }), fc.constantFrom('en', 'en-GB', 'en-US', 'es', 'fr', 'de', 'de-AT'), (d, locale) => {
        const day = d.toISOString().slice(0, 10);
        expect(parseDay(formatDay(day, locale), locale)).toBe(day);
      }),
      { numRuns: 300 },
    );
  });
});
