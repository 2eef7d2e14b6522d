import { describe, expect, it } from 'vitest';
import { falsePositiveCorpus } from '../../../src/core/data-protection/corpus.ts';
import { DETECTORS } from '../../../src/core/data-protection/detectors/index.ts';
import { IDENTIFIER_IDS } from '../../../src/core/data-protection/ids.ts';
import { compileDetection, scanText } from '../../../src/core/data-protection/scan.ts';

/**
 * The false-positive corpus holds no identifier by construction; what a detector finds in it
 * is a false positive. `npm run bench` reports the rates (docs/data-protection.md lists them);
 * this test holds them under a ceiling so that a loosened rule shows up as a failure.
 */
describe('false-positive corpus', () => {
  const lines = falsePositiveCorpus(20_000);
  const detection = compileDetection({ identifiers: [...IDENTIFIER_IDS], patterns: [] });
  const flagged: Record<string, number> = {};
  for (const l of lines) for (const k of Object.keys(scanText(l.text, detection))) flagged[k] = (flagged[k] ?? 0) + 1;
  const per10k = (id: string) => ((flagged[id] ?? 0) / lines.length) * 10_000;

  it('is deterministic and varied', () => {
    expect(falsePositiveCorpus(5).map((l) => l.text)).toEqual(falsePositiveCorpus(5).map((l) => l.text));
    expect(new Set(lines.map((l) => l.shape)).size).toBeGreaterThan(10);
  });
  // Ceilings about twice the measured rate (per 10,000 lines): a rule that loses its checksum
  // or its keyword jumps far above them.
  const CEILING: Record<string, number> = { 'us-ssn': 15, 'medicare-mbi': 2, 'nhs-number': 30, 'chi-number': 2, 'payment-card': 70, 'au-medicare': 8, 'au-ihi': 2, 'de-kvnr': 25, 'fr-nir': 4, 'es-dni': 50 };
  for (const d of DETECTORS) {
    it(`${d.id}: under ${CEILING[d.id]} lines in 10,000`, () => {
      expect(per10k(d.id)).toBeLessThan(CEILING[d.id]!);
    });
  }
});
