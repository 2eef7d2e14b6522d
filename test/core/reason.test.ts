import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REASON_MAX_LENGTH, normaliseReason } from '../../src/core/reason.ts';

// eslint-disable-next-line no-control-regex
const BREAK_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('normaliseReason: a typed reason as one clean line', () => {
  it('turns every kind of line break, tab and control character into one space', () => {
    expect(normaliseReason('Patient\r\nasked\nfor\rit')).toBe('Patient asked for it');
    expect(normaliseReason('a\u2028b\u2029c\u0085d\u000be\u000cf')).toBe('a b c d e f');
    expect(normaliseReason('  spaced \t\t out  ')).toBe('spaced out');
    expect(normaliseReason('fake\r\n2026-11-30T10:00:00Z navigation.proceeded ok')).toBe('fake 2026-11-30T10:00:00Z navigation.proceeded ok');
    expect(normaliseReason('\u001b[2J\u001b[31mPWNED')).toBe('[2J [31mPWNED');
    expect(normaliseReason('nul\u0000byte')).toBe('nul byte');
  });

  it('removes bidirectional overrides and zero-width spaces, keeps real text and emoji', () => {
    expect(normaliseReason('ok\u202egnp.exe')).toBe('okgnp.exe');
    expect(normaliseReason('a\u200bb\u2066c\u2069')).toBe('abc');
    expect(normaliseReason('Übersetzung für 患者 👩‍⚕️')).toBe('Übersetzung für 患者 👩‍⚕️');
  });

  it(`keeps at most ${REASON_MAX_LENGTH} code units, never half a surrogate pair`, () => {
    expect(normaliseReason('x'.repeat(2000))).toHaveLength(REASON_MAX_LENGTH);
    const emoji = 'a' + '🏥'.repeat(300);
    const r = normaliseReason(emoji);
    expect(r.length).toBeLessThanOrEqual(REASON_MAX_LENGTH);
    expect(r.isWellFormed()).toBe(true);
  });

  it('property: one line, no control characters, trimmed, bounded and idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom('\r', '\n', '\t', '\u2028', '\u0085', '\u001b', '\u202e', ' ', '\ud83c\udfe5'), fc.integer({ min: 0, max: 0x2fff }).map((c) => String.fromCharCode(c))), maxLength: 700 }), (raw) => {
        const r = normaliseReason(raw);
        expect(r).not.toMatch(BREAK_OR_CONTROL);
        expect(r).toBe(r.trim());
        expect(r.length).toBeLessThanOrEqual(REASON_MAX_LENGTH);
        expect(normaliseReason(r)).toBe(r);
      }),
      { numRuns: 500 },
    );
  });
});
