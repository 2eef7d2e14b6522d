import { describe, expect, it } from 'vitest';
import { pageIsScanned, scanPageMatchPatterns } from '../../../src/core/meetings/scan-pages.ts';

describe('scanPages', () => {
  it('become match patterns for the host and its subdomains', () => {
    expect(scanPageMatchPatterns(['outlook.office.com', 'ehr.example.org/inbox', '10.1.2.3', 'Calendar.Google.com.'])).toEqual([
      '*://*.calendar.google.com/*',
      '*://*.ehr.example.org/inbox*',
      '*://*.outlook.office.com/*',
      '*://10.1.2.3/*',
      '*://calendar.google.com/*',
      '*://ehr.example.org/inbox*',
      '*://outlook.office.com/*',
    ]);
    expect(scanPageMatchPatterns([])).toEqual([]);
  });

  it('decide on label and segment boundaries', () => {
    const pages = ['outlook.office.com', 'ehr.example.org/inbox'];
    expect(pageIsScanned('https://outlook.office.com/mail/inbox', pages)).toBe(true);
    expect(pageIsScanned('https://eu.outlook.office.com/mail/', pages)).toBe(true);
    expect(pageIsScanned('https://notoutlook.office.com/', pages)).toBe(false);
    expect(pageIsScanned('https://ehr.example.org/inbox/42', pages)).toBe(true);
    expect(pageIsScanned('https://ehr.example.org/inboxes', pages)).toBe(false);
    expect(pageIsScanned('not a url', pages)).toBe(false);
  });
});
