/**
 * False positives on real, popular, unrelated hosts: the first 15,000 rows of the Majestic
 * Million (test/fixtures/popular-hosts/README.md, CC BY 3.0). docs/lookalikes.md states the
 * rate this holds the detector to; a change that flags more of the real web fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileLookalikes, detectLookalike } from '../../../src/core/lookalike/detect.ts';
import { policySchema } from '../../../src/core/policy/schema.ts';

const HOSTS = readFileSync(new URL('../../fixtures/popular-hosts/majestic-million-top15k.txt', import.meta.url), 'utf8').trim().split('\n');
/** docs/lookalikes.md, "False positives": at most 1 in 1,000 popular hosts. */
const MAX_RATE = 0.001;

function flagged(input: Parameters<typeof policySchema.parse>[0]): string[] {
  const index = compileLookalikes(policySchema.parse(input));
  return HOSTS.filter((h) => detectLookalike(index, new URL(`https://${h}/`).hostname) !== null);
}

describe('false positives on the popular-hosts list', () => {
  it('the list is the committed one', () => {
    expect(HOSTS.length).toBe(14_996);
  });

  // 15,000 hosts through the URL parser and the detector, twice: a few hundred ms alone,
  // several seconds on a loaded 2-core machine.
  it('with the built-in targets (vendors and catalog)', { timeout: 60_000 }, () => {
    const hits = flagged({ schemaVersion: 1 });
    expect(hits.length / HOSTS.length, hits.join(', ')).toBeLessThanOrEqual(MAX_RATE);
  });

  it('with every meeting platform sanctioned and a hospital’s own domains protected', { timeout: 60_000 }, () => {
    const hits = flagged({
      schemaVersion: 1,
      sanctionedPlatforms: [{ name: 'Example Health Zoom', url: 'https://examplehealth.zoom.us/' }, { name: 'Doxy', url: 'https://doxy.me/clinic' }],
      meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] }, teams: { tenantIds: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] }, webex: { sites: ['examplehealth'] }, meet: { allowed: true }, doxy: { allowed: true }, vsee: { allowed: true } } },
      detection: { protect: ['examplehealth.org', 'stexample.nhs.uk', 'mychart-example.org'] },
    });
    expect(hits.length / HOSTS.length, hits.join(', ')).toBeLessThanOrEqual(MAX_RATE);
  });
});
