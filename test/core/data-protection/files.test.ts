import { describe, expect, it } from 'vitest';
import { FILE_SCAN_LIMIT, filePlan, htmlText } from '../../../src/core/data-protection/files.ts';

describe('files', () => {
  it('text-like files up to the limit are scanned; others are judged by the policy alone', () => {
    expect(filePlan({ name: 'letter.txt', type: 'text/plain', size: 100 })).toBe('scan');
    expect(filePlan({ name: 'batch.hl7', type: '', size: 100 })).toBe('scan');
    expect(filePlan({ name: 'export', type: 'application/fhir+json', size: 100 })).toBe('scan');
    expect(filePlan({ name: 'list.CSV', type: 'application/vnd.ms-excel', size: 100 })).toBe('scan');
    expect(filePlan({ name: 'wound.jpg', type: 'image/jpeg', size: 100 })).toBe('unscanned');
    expect(filePlan({ name: 'referral.pdf', type: 'application/pdf', size: 100 })).toBe('unscanned');
    expect(filePlan({ name: 'big.txt', type: 'text/plain', size: FILE_SCAN_LIMIT + 1 })).toBe('unscanned');
    expect(filePlan({ name: 'exact.txt', type: 'text/plain', size: FILE_SCAN_LIMIT })).toBe('scan');
  });
  it('HTML reads as its text, cells apart, entities decoded', () => {
    expect(htmlText('<table><tr><td>536</td><td>22-1234</td></tr></table>')).toMatch(/536 +22-1234/);
    expect(htmlText('SSN&nbsp;536&#45;22&#x2D;1234 &amp; <b>more</b>')).toBe('SSN 536-22-1234 &  more ');
    expect(htmlText('<style>.x{}</style>a<script>1234567890</script>b')).toBe(' a b');
  });
});
