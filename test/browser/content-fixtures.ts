/** Shared by the content-module unit tests: the example policy and fixture loading (linkedom). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseHTML } from 'linkedom';
import { policySchema, type Policy, type PolicyInput } from '../../src/core/policy/schema.ts';

/** The example policy of docs/policy-format.md (as in test/core/meetings/analyse.test.ts). */
export const EXAMPLE_INPUT: PolicyInput = {
  schemaVersion: 1,
  policyVersion: '2026-11-a',
  organization: { name: 'St Example Health', supportContact: 'Service desk x4357', supportUrl: 'https://intranet.example.org/telehealth' },
  sanctionedPlatforms: [{ name: 'Example Health Zoom', url: 'https://examplehealth.zoom.us/' }],
  categories: { 'consumer-video': 'block', 'consumer-messaging': 'warn' },
  services: { telegram: 'block' },
  rules: [{ match: 'business.whatsapp.com', action: 'allow' }],
  meetings: {
    scanPages: ['outlook.office.com', 'calendar.google.com'],
    sanctioned: {
      zoom: { accounts: ['examplehealth'] },
      teams: { tenantIds: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] },
    },
  },
};

export function examplePolicy(meetings: Partial<Policy['meetings']> = {}): Policy {
  const p = policySchema.parse(EXAMPLE_INPUT);
  return { ...p, meetings: { ...p.meetings, ...meetings } };
}

export function fixturePath(name: string): string {
  return resolve(import.meta.dirname, '../fixtures', name);
}

/** A fixture parsed by linkedom (scripts do not run). */
export function loadFixture(name: string): { document: Document; window: Window & typeof globalThis } {
  const { document, window } = parseHTML(readFileSync(fixturePath(name), 'utf8'));
  return { document: document as unknown as Document, window: window as unknown as Window & typeof globalThis };
}
