import { describe, expect, it } from 'vitest';
import { predictionOff } from '../../src/core/network-prediction.ts';
import { defaultPolicy } from '../../src/core/policy/default.ts';
import { policySchema } from '../../src/core/policy/schema.ts';

const policy = (input: object) => policySchema.parse({ schemaVersion: 1, ...input });

describe('network prediction is off exactly while the policy blocks a host', () => {
  it('any block turns it off: default action, a category, a service, a rule', () => {
    expect(predictionOff(policy({ defaultAction: 'block' }))).toBe(true);
    expect(predictionOff(policy({ categories: { 'consumer-video': 'block' } }))).toBe(true);
    expect(predictionOff(policy({ services: { telegram: 'block' } }))).toBe(true);
    expect(predictionOff(policy({ rules: [{ match: 'chat.example.com', action: 'block' }] }))).toBe(true);
  });

  it('warnings and allowances alone leave the person’s own setting alone', () => {
    expect(predictionOff(defaultPolicy())).toBe(false);
    expect(predictionOff(policy({ categories: { 'consumer-video': 'warn' }, services: { telegram: 'allow' }, rules: [{ match: 'a.example', action: 'warn' }] }))).toBe(false);
  });
});
