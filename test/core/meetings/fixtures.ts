/** The public 1.1 meeting-link corpus (test/fixtures/meeting-links/public-1.1.json), typed. */
import { readFileSync } from 'node:fs';
import type { FindingCode, LinkAnalysis } from '../../../src/core/meetings/analyse.ts';

export interface FixtureLink {
  url: string;
  source: string;
  expect: Partial<Omit<LinkAnalysis, 'findings'>> & { codes?: FindingCode[] };
}
export interface FixtureDecode {
  wrapped: string;
  inner: string;
  source: string;
}
export interface MeetingFixtures {
  links: FixtureLink[];
  lookalikes: Array<{ url: string; source: string }>;
  decodes: FixtureDecode[];
  decodeChains: FixtureDecode[];
}

export const PUBLIC_1_1: MeetingFixtures = JSON.parse(
  readFileSync(new URL('../../fixtures/meeting-links/public-1.1.json', import.meta.url), 'utf8'),
) as MeetingFixtures;

/** Every web or app link the analyser's tests use (test/core/meetings/analyse.test.ts) plus the public corpus. */
export function meetingCorpus(): string[] {
  const fromTests = [...readFileSync(new URL('./analyse.test.ts', import.meta.url), 'utf8').matchAll(/'((?:https?|zoommtg|zoomus|msteams):[^'\s]+)'/g)].map((m) => m[1]!);
  return [
    ...new Set([
      ...fromTests,
      ...PUBLIC_1_1.links.map((l) => l.url),
      ...PUBLIC_1_1.lookalikes.map((l) => l.url),
      'https://examplehealth.zoom.us/j/81234567890?pwd=Q2xpbmljLjE',
      'https://us05web.zoom.us/j/6045550199',
      'https://zoom.us/s/81234567890?zak=abc',
    ]),
  ];
}
