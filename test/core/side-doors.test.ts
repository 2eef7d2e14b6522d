import { describe, expect, it } from 'vitest';
import { INCOGNITO_GAP_FINDING, incognitoGap } from '../../src/core/side-doors.ts';
import { findingText } from '../../src/core/i18n/names.ts';
import { translator } from '../../src/core/i18n/format.ts';

describe('incognito gap (sideDoors.incognito and what the browser allows)', () => {
  const policy = (incognito: 'disabled' | 'allowed' | 'unknown') => ({ sideDoors: { incognito } });
  it('only when the extension cannot run there and nobody said incognito is off or accepted', () => {
    const table = (['unknown', 'disabled', 'allowed'] as const).flatMap((doors) => [true, false, null].map((allowed) => [doors, allowed, incognitoGap(policy(doors), allowed)]));
    expect(table).toEqual([
      ['unknown', true, false],
      ['unknown', false, true],
      ['unknown', null, false],
      ['disabled', true, false],
      ['disabled', false, false],
      ['disabled', null, false],
      ['allowed', true, false],
      ['allowed', false, false],
      ['allowed', null, false],
    ]);
  });

  it('its finding has a name in every language', () => {
    expect(INCOGNITO_GAP_FINDING).toBe('incognito-unguarded');
    for (const lang of ['en', 'es', 'fr', 'de'] as const) {
      const name = findingText(INCOGNITO_GAP_FINDING, translator(lang));
      expect(name, lang).not.toBe(INCOGNITO_GAP_FINDING);
      expect(name.length).toBeGreaterThan(10);
    }
  });
});
