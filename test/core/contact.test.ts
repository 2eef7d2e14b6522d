import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contactParts } from '../../src/core/contact.ts';

const links = (text: string) => contactParts(text).filter((p) => p.href !== undefined).map((p) => [p.text, p.href]);

describe('contactParts: what of a free-text contact becomes a link', () => {
  it('e-mail addresses, telephone numbers and web addresses; the rest stays text', () => {
    expect(contactParts('Privacy office, 0800 555 0100')).toEqual([{ text: 'Privacy office, ' }, { text: '0800 555 0100', href: 'tel:08005550100' }]);
    expect(links('it-help@example.org')).toEqual([['it-help@example.org', 'mailto:it-help@example.org']]);
    expect(links('Mail it-help@example.org.')).toEqual([['it-help@example.org', 'mailto:it-help@example.org']]);
    expect(links('+44 (0)20 7946 0958')).toEqual([['+44 (0)20 7946 0958', 'tel:+442079460958']]);
    expect(links('+1 (555) 010-4477 or desk@example.org')).toEqual([
      ['+1 (555) 010-4477', 'tel:+15550104477'],
      ['desk@example.org', 'mailto:desk@example.org'],
    ]);
    expect(links('See https://intranet.example.org/help.')).toEqual([['https://intranet.example.org/help', 'https://intranet.example.org/help']]);
  });

  it('an extension, a room number or a word with digits is not dialled', () => {
    expect(links('Service desk x4357')).toEqual([]);
    expect(links('Room 12, building 4')).toEqual([]);
    expect(links('abc0800555010')).toEqual([]);
    expect(links('javascript:alert(1)')).toEqual([]);
  });

  it('the parts always give back the text as written, and links are only mailto:, tel:, http(s):', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab @.+0123456789()-:/,x'.split('')), maxLength: 60 }), (text) => {
        const parts = contactParts(text);
        expect(parts.map((p) => p.text).join('')).toBe(text);
        for (const p of parts) if (p.href !== undefined) expect(p.href).toMatch(/^(mailto:|tel:\+?\d+$|https?:\/\/)/);
      }),
      { numRuns: 500 },
    );
  });
});
