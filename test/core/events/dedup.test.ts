import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addRange, covered } from '../../../src/core/events/report-intake.ts';

describe('counted seqs of an install kept as merged ranges (report-intake.ts)', () => {
  it('property: answers exactly as a set of every seq added', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 0, max: 6 })), { maxLength: 60 }), fc.array(fc.integer({ min: 0, max: 90 }), { maxLength: 40 }), (runs, probes) => {
        const r: number[] = [];
        const naive = new Set<number>();
        for (const [start, len] of runs) {
          addRange(r, start, start + len);
          for (let s = start; s <= start + len; s++) naive.add(s);
          // Sorted, disjoint and not touching (touching runs merge).
          for (let i = 0; i + 2 < r.length; i += 2) expect(r[i + 1]! + 1).toBeLessThan(r[i + 2]!);
        }
        for (const p of probes) expect(covered(r, p)).toBe(naive.has(p));
        for (const s of naive) expect(covered(r, s)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps one range for an install whose overlapping exports cover a run of seqs', () => {
    const r: number[] = [];
    addRange(r, 1, 100_000);
    addRange(r, 50_000, 150_000);
    addRange(r, 150_001, 150_010);
    expect(r).toEqual([1, 150_010]);
  });
});
