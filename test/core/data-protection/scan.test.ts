import { describe, expect, it } from 'vitest';
import { IDENTIFIER_IDS } from '../../../src/core/data-protection/ids.ts';
import { addCounts, compileDetection, findingsOf, isEmpty, knownKeys, MAX_COUNT, scanText, UNSCANNED_FILE } from '../../../src/core/data-protection/scan.ts';

const all = compileDetection({ identifiers: [...IDENTIFIER_IDS], patterns: [{ name: 'Epic MRN', regex: 'MRN[- ]?\\d{7}' }, { name: 'Bed code', regex: '\\bB\\d{4}\\b', minMatches: 3 }] });

describe('scanText', () => {
  it('counts distinct identifiers per detector, and the organisation patterns by name', () => {
    const text = 'SSNs 536-22-1234, 536-22-1234 and 537-22-1234; card 4111 1111 1111 1111; MRN-1234567 and MRN 1234567';
    expect(scanText(text, all)).toEqual({ 'us-ssn': 2, 'payment-card': 1, 'pattern:Epic MRN': 2 });
    expect(findingsOf(scanText(text, all))).toEqual(['us-ssn:2', 'payment-card:1', 'pattern:Epic MRN:2']);
  });
  it('clean text has no findings', () => {
    expect(isEmpty(scanText('Seen on 12/05/2023 at 14:30, BP 128/82, call 415-555-0132.', all))).toBe(true);
    expect(isEmpty(scanText('', all))).toBe(true);
  });
  it('a pattern with minMatches counts only from that many distinct matches on', () => {
    expect(scanText('B1234 B1235', all)).toEqual({});
    expect(scanText('B1234 B1235 B1234 B1236', all)).toEqual({ 'pattern:Bed code': 3 });
  });
  it('only the detectors the policy lists run', () => {
    const ssnOnly = compileDetection({ identifiers: ['us-ssn'], patterns: [] });
    expect(scanText('536-22-1234 4111111111111111', ssnOnly)).toEqual({ 'us-ssn': 1 });
    expect(scanText('536-22-1234', compileDetection({ identifiers: [], patterns: [] }))).toEqual({});
  });
  it('hands each counted value to `seen`, canonical (separators removed)', () => {
    const seen: string[] = [];
    scanText('536 22 1234, MRN-1234567', all, (k, v) => seen.push(`${k}=${v}`));
    expect(seen).toEqual(['us-ssn=536221234', 'pattern:Epic MRN=MRN-1234567']);
  });
  it('stops counting at MAX_COUNT, and a scan can be repeated (no regex state left behind)', () => {
    const many = Array.from({ length: MAX_COUNT + 50 }, (_, i) => `MRN-${String(1_000_000 + i)}`).join(' ');
    expect(scanText(many, all)['pattern:Epic MRN']).toBe(MAX_COUNT);
    expect(scanText('536-22-1234', all)).toEqual({ 'us-ssn': 1 });
    expect(scanText('536-22-1234', all)).toEqual({ 'us-ssn': 1 });
  });
  it('addCounts merges a paste text and its files; knownKeys is what a policy can report', () => {
    expect(addCounts({ 'us-ssn': 1 }, { 'us-ssn': 2, [UNSCANNED_FILE]: 1 })).toEqual({ 'us-ssn': 3, [UNSCANNED_FILE]: 1 });
    expect([...knownKeys(all)]).toEqual([...IDENTIFIER_IDS, 'pattern:Epic MRN', 'pattern:Bed code', UNSCANNED_FILE]);
  });
});
