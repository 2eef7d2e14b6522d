import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPattern, MAX_WAYS, patternProblemText, samplePattern } from '../../../src/core/data-protection/pattern-syntax.ts';

const problems = (re: string) => checkPattern(re).problems.map(patternProblemText);

describe('organisation patterns: what is accepted', () => {
  it('identifier formats hospitals use, each with a sample that the regex matches', () => {
    for (const re of ['MRN[- ]?\\d{7}', '\\b[A-Z]{2}\\d{6}\\b', 'E\\d{9}|P\\d{9}', '(?:\\d{3}-){2}\\d{4}', 'MRN\\s?\\d{6,8}', '[^0-9 ]{3}\\d{6}', '(?<site>[A-Z]{3})-\\d{5}', 'ACC\\x2D\\d{8}', '\\d{2}\\.\\d{3}\\.\\d{3}', '^\\d{8}$']) {
      expect(problems(re), re).toEqual([]);
      const sample = samplePattern(re);
      expect(sample, re).not.toBeNull();
      expect(new RegExp(re).exec(sample!)?.[0], re).toBe(sample);
    }
    expect(samplePattern('MRN[- ]?\\d{7}')).toBe('MRN-1234567');
  });
});

describe('organisation patterns: what is refused, and why', () => {
  const refused: Array<[string, RegExp]> = [
    ['(?=MRN)\\w{6}', /character 1: look-ahead/],
    ['(?!x)\\d{6}', /look-ahead/],
    ['(?<=MRN)\\d{6}', /look-behind/],
    ['(?<!x)\\d{6}', /look-behind/],
    ['(\\d{3})-\\1', /back-reference \\1/],
    ['(?<a>\\d{3})\\k<a>', /named back-reference/],
    ['MRN\\d+', /unbounded repetition "\+"/],
    ['MRN\\d*', /unbounded repetition "\*"/],
    ['MRN\\d{6,}', /unbounded repetition "\{6,\}"/],
    ['\\d{2000}', /counts above 1000/],
    ['\\d{9,3}', /minimum is larger/],
    ['(a|aa){1,30}', /ways from one position/],
    ['(\\d{1,3}){1,9}', /ways from one position/],
    ['[A-Z]{1,20}\\d{1,20}', /400 ways from one position \(at most 100\)/],
    ['\\w{1,100}\\s{1,100}\\w{1,100}', /ways from one position/],
    ['\\d{1,3}', /only 1 character/],
    ['\\d{0,8}', /empty text/],
    ['\\b', /empty text/],
    ['\\p{L}{6}', /Unicode class/],
    ['\\u0041{6}', /\\u escapes/],
    ['\\A\\d{6}', /\\A is not an escape/],
    ['\\d{6}\\z', /\\z is not an escape/],
    ['(?i)mrn\\d{6}', /inline flags/],
    ['(?P<x>\\d{6})', /\(\?<name>…\)/],
    ['[[:digit:]]{6}', /POSIX classes/],
    ['[]\\d]{6}', /"\]"-first/],
    ['[\\b]{6}', /inside \[\.\.\.\]/],
    ['MRN{', /literal \{ must be written/],
    ['(\\d{6}', /never closed/],
    ['\\d{6})', /unmatched \)/],
    ['\\d{6}\\', /lone backslash/],
    ['x'.repeat(201), /201 characters long; at most 200/],
    ['', /is empty/],
    ['\\d{6}??+', /cannot be repeated directly/],
  ];
  for (const [re, message] of refused) {
    it(JSON.stringify(re).slice(0, 40), () => {
      const p = problems(re);
      expect(p.length, re).toBeGreaterThan(0);
      expect(p.join('\n')).toMatch(message);
    });
  }

  it('a pattern that can never match gets no sample (validate says so)', () => {
    expect(problems('\\d\\b\\d{5}')).toEqual([]);
    expect(samplePattern('\\d\\b\\d{5}')).toBeNull();
  });
});

describe('what the checks promise', () => {
  // Patterns built from the grammar at random: whatever is accepted has a bounded number of
  // ways to match (what keeps a backtracking engine linear in the text; the bench measures
  // the cost), and its sample really matches.
  const atom = fc.constantFrom('\\d', '[A-Z]', '[0-9A-F]', 'M', '-', '\\w', '.', '[^ ]');
  const quant = fc.constantFrom('', '?', '{2}', '{1,3}', '{3,8}', '{0,2}');
  const piece = fc.tuple(atom, quant).map(([a, q]) => a + q);
  const seq = fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => p.join(''));
  const pattern = fc.oneof(seq, fc.tuple(seq, seq).map(([a, b]) => `(?:${a}|${b})`), fc.tuple(seq, fc.constantFrom('{2}', '{1,3}', '?')).map(([s, q]) => `(?:${s})${q}`));
  it('accepted ⇒ ways ≤ MAX_WAYS, and a sample matches when one is made', () => {
    fc.assert(
      fc.property(pattern, (re) => {
        const r = checkPattern(re);
        if (!r.ok) return;
        expect(r.ways).toBeLessThanOrEqual(MAX_WAYS);
        const sample = samplePattern(re);
        if (sample !== null) expect(new RegExp(re).exec(sample)?.[0]).toBe(sample);
      }),
      { numRuns: 300 },
    );
  });
});
