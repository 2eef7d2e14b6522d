import { describe, expect, it } from 'vitest';
import { requestAccessHref } from '../../src/core/request-access.ts';

const request = { reference: '3F2A9C1E-42', service: 'whatsapp', host: 'web.whatsapp.com' };
const texts = { subject: 'Access request: web.whatsapp.com', body: 'Reference: 3F2A9C1E-42\nService: whatsapp\nHost: web.whatsapp.com' };

describe('Request access', () => {
  it('mails the support contact when it is an e-mail address, with reference, service and host', () => {
    const href = requestAccessHref({ supportContact: 'it-help@example.org' }, request, texts)!;
    expect(href.startsWith('mailto:it-help@example.org?subject=')).toBe(true);
    const body = decodeURIComponent(href.split('body=')[1]!);
    expect(body).toContain('3F2A9C1E-42');
    expect(body).toContain('web.whatsapp.com');
  });

  it('otherwise opens the support URL with the facts as query parameters', () => {
    const href = requestAccessHref({ supportContact: 'x4357', supportUrl: 'https://help.example.org/access?form=1' }, request, texts)!;
    const url = new URL(href);
    expect(url.origin + url.pathname).toBe('https://help.example.org/access');
    expect(Object.fromEntries(url.searchParams)).toEqual({ form: '1', reference: '3F2A9C1E-42', service: 'whatsapp', host: 'web.whatsapp.com' });
  });

  it('never carries a path or query of the blocked address, and is absent without a way to ask', () => {
    // Only the host is given to it; a path handed in as "host" by mistake would still be one value.
    const href = requestAccessHref({ supportUrl: 'https://help.example.org/' }, request, texts)!;
    expect(href).not.toMatch(/chat|\?x=/);
    expect(requestAccessHref({ supportContact: 'call 4357' }, request, texts)).toBeNull();
    expect(requestAccessHref({}, request, texts)).toBeNull();
  });
});
