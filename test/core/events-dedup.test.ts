import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeenEvents } from '../../src/core/events/summary.ts';

describe('SeenEvents: de-duplication by (installId, seq) in merged ranges', () => {
  it('property: answers exactly as a set of every (installId, seq) seen', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', undefined), fc.integer({ min: 1, max: 60 })), { maxLength: 300 }), (events) => {
        const seen = new SeenEvents();
        const naive = new Set<string>();
        for (const [installId, seq] of events) {
          const key = `${installId ?? 'legacy'}:${seq}`;
          const e = installId === undefined ? { seq, hash: `h${seq}` } : { installId, seq, hash: `h${seq}` };
          expect(seen.check(e)).toBe(naive.has(key));
          naive.add(key);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps one range for an install whose overlapping exports cover a run of seqs', () => {
    const seen = new SeenEvents();
    for (let s = 1; s <= 100_000; s++) seen.check({ installId: 'x', seq: s, hash: '' });
    for (let s = 50_000; s <= 150_000; s++) seen.check({ installId: 'x', seq: s, hash: '' });
    expect((seen as unknown as { ranges: Map<string, number[]> }).ranges.get('x')).toEqual([1, 150_000]);
  });
});
