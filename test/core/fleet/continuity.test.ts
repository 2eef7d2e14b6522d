/** Reading the continuity query's suspects (continuity.ts): what is a break and what is not. */
import { describe, expect, it } from 'vitest';
import { installBatches, readContinuity, type ContinuityRow } from '../../../src/core/fleet/continuity.ts';

const h = (c: string) => c.repeat(64);
const row = (suspects: ContinuityRow['suspects']): ContinuityRow => ({ installId: 'i', n: 10, firstSeq: 1, lastSeq: 10, fromGenesis: 1, suspects });

describe('readContinuity', () => {
  it('no suspects: an intact chain', () => {
    expect(readContinuity(row([]))).toEqual({ installId: 'i', count: 10, firstSeq: 1, lastSeq: 10, fromGenesis: true, breaks: [] });
  });

  it('a consecutive link that does not hold is a prev mismatch; across missing seqs, a gap', () => {
    const r = readContinuity(row([
      [3, h('a'), 4, h('x'), h('b')],
      [6, h('c'), 9, h('y'), h('d')],
    ]));
    expect(r.breaks).toEqual([
      { kind: 'prev-mismatch', seq: 4, prevSeq: 3 },
      { kind: 'gap', seq: 9, prevSeq: 6 },
    ]);
  });

  it('two rows under one seq: one conflict per run of seqs, and the link after it holds with either copy', () => {
    // seq 5 and 6 each twice (a, b / c, d); 6 links to 5's copy a; 7 links to 6's copy c.
    const r = readContinuity(row([
      [5, h('a'), 5, h('x'), h('b')],
      [5, h('b'), 6, h('a'), h('c')],
      [6, h('c'), 6, h('z'), h('d')],
      [6, h('d'), 7, h('c'), h('e')],
    ]));
    expect(r.breaks).toEqual([{ kind: 'conflict', seq: 5, toSeq: 6, hashes: [h('a'), h('b')] }]);
  });


  it('two identical copies of an event (a batch sent twice, not yet merged) are no break and count once', () => {
    const r = readContinuity({ ...row([[4, h('a'), 4, h('p'), h('a')]]), n: 11 });
    expect(r.breaks).toEqual([]);
    expect(r.count).toBe(10);
  });
});

describe('installBatches', () => {
  it('groups installs under the event budget; a larger install alone', () => {
    expect(installBatches([{ installId: 'a', n: 4 }, { installId: 'b', n: 5 }, { installId: 'c', n: 20 }, { installId: 'd', n: 1 }], 10)).toEqual([['a', 'b'], ['c'], ['d']]);
  });
});
