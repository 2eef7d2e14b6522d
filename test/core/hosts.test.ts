import { describe, expect, it } from 'vitest';
import { hostUnder, parseHostPattern, pathUnder, HOST_PATTERN_REGEX } from '../../src/core/hosts.ts';

const ok = (raw: string) => {
  const r = parseHostPattern(raw);
  if (!r.ok) throw new Error(`${raw}: ${r.message}`);
  return r.pattern;
};
const bad = (raw: string) => {
  const r = parseHostPattern(raw);
  if (r.ok) throw new Error(`${raw} was accepted`);
  return r.message;
};

describe('host patterns', () => {
  it('canonicalises hosts the way URLs are canonicalised', () => {
    expect(ok('Example.COM')).toEqual({ host: 'example.com', path: '' });
    expect(ok('example.com.')).toEqual({ host: 'example.com', path: '' });
    expect(ok('bücher.ch')).toEqual({ host: 'xn--bcher-kva.ch', path: '' });
    expect(ok('xn--bcher-kva.ch').host).toBe('xn--bcher-kva.ch');
    expect(ok('ex%41mple.com').host).toBe('example.com');
    expect(ok('10.0.0.1').host).toBe('10.0.0.1');
    expect(ok('[::1]').host).toBe('[::1]');
  });

  it('keeps a path prefix, lower-cased, without trailing slash', () => {
    expect(ok('example.com/Chat/')).toEqual({ host: 'example.com', path: '/chat' });
    expect(ok('example.com/')).toEqual({ host: 'example.com', path: '' });
    expect(ok('example.com/a/b')).toEqual({ host: 'example.com', path: '/a/b' });
  });

  it.each([
    ['', /empty/],
    ['https://example.com', /scheme/],
    ['*.example.com', /wildcard/],
    ['example.com:8443', /port/],
    ['example.com:443', /port/],
    ['user@example.com', /user info/],
    ['example.com/a?b=1', /query/],
    ['example.com/#x', /fragment/],
    ['exa mple.com', /spaces/],
    ['a..b', /empty label/],
    ['/path-only', /host/],
    ['[::1', /port/],
  ])('rejects %j', (raw, message) => {
    expect(bad(raw)).toMatch(message);
  });

  it('the RE2 pattern carried to Chrome accepts every pattern the parser accepts here', () => {
    const re = new RegExp(HOST_PATTERN_REGEX);
    for (const p of ['example.com', 'bücher.ch', '10.0.0.1', '[::1]', 'example.com/chat/42', 'a-b.c_d.example']) {
      expect(parseHostPattern(p).ok).toBe(true);
      expect(re.test(p)).toBe(true);
    }
    for (const p of ['https://x.com', '*.x.com', 'x.com:80', 'a@x.com', 'x.com/?q']) expect(re.test(p)).toBe(false);
  });
});

describe('label and segment boundaries', () => {
  it('matches a host and its subdomains only', () => {
    expect(hostUnder('whatsapp.com', 'whatsapp.com')).toBe(true);
    expect(hostUnder('web.whatsapp.com', 'whatsapp.com')).toBe(true);
    expect(hostUnder('evilwhatsapp.com', 'whatsapp.com')).toBe(false);
    expect(hostUnder('whatsapp.com.evil.example', 'whatsapp.com')).toBe(false);
    expect(hostUnder('com', 'whatsapp.com')).toBe(false);
  });
  it('matches IP addresses exactly', () => {
    expect(hostUnder('10.0.0.1', '10.0.0.1')).toBe(true);
    expect(hostUnder('110.0.0.1', '0.0.1')).toBe(false);
  });
  it('matches path prefixes on segment boundaries', () => {
    expect(pathUnder('/chat', '/chat')).toBe(true);
    expect(pathUnder('/chat/', '/chat')).toBe(true);
    expect(pathUnder('/chat/42', '/chat')).toBe(true);
    expect(pathUnder('/chatter', '/chat')).toBe(false);
    expect(pathUnder('/', '/chat')).toBe(false);
    expect(pathUnder('/anything', '')).toBe(true);
  });
});
