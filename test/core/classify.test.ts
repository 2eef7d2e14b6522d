import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyUrl, compilePolicy, isError, type ClassifyResult } from '../../src/core/classify.ts';
import { policySchema, type PolicyInput } from '../../src/core/policy/schema.ts';
import { referenceClassify } from './reference-classifier.ts';

const SPEC_EXAMPLE: PolicyInput = {
  schemaVersion: 1,
  categories: { 'consumer-video': 'block', 'consumer-messaging': 'warn' },
  services: { telegram: 'block' },
  rules: [
    { match: 'business.whatsapp.com', action: 'allow' },
    { match: 'chat.example-consumer.com', action: 'block', label: 'Example Chat' },
  ],
};

function classifier(input: Partial<PolicyInput> = {}) {
  const compiled = compilePolicy(policySchema.parse({ ...SPEC_EXAMPLE, ...input }));
  return (url: string) => {
    const r = classifyUrl(compiled, url);
    if (isError(r)) throw new Error(`${url}: ${r.error}`);
    return r;
  };
}
const pick = (r: ClassifyResult) => (isError(r) ? r : { host: r.host, action: r.action, source: r.source, service: r.service, category: r.category, label: r.label });

describe('which rule wins (docs/policy-format.md)', () => {
  const c = classifier();
  it('catalog match takes the category action', () => {
    expect(pick(c('https://web.whatsapp.com/'))).toEqual({ host: 'web.whatsapp.com', action: 'warn', source: 'category', service: 'whatsapp', category: 'consumer-messaging', label: 'WhatsApp' });
    expect(c('https://facetime.apple.com/join#v=1').action).toBe('block');
  });
  it('services[id] overrides the category', () => {
    expect(pick(c('https://t.me/somechannel'))).toMatchObject({ action: 'block', source: 'service', service: 'telegram' });
  });
  it('a more specific organisation rule beats the catalog, and carries no service', () => {
    expect(pick(c('https://business.whatsapp.com/'))).toEqual({ host: 'business.whatsapp.com', action: 'allow', source: 'rule', service: null, category: null, label: null });
    expect(pick(c('https://api.business.whatsapp.com/'))).toMatchObject({ action: 'allow', source: 'rule' });
  });
  it('the rule label names the decision', () => {
    expect(pick(c('https://chat.example-consumer.com/room/1'))).toMatchObject({ action: 'block', source: 'rule', label: 'Example Chat' });
  });
  it('no match takes defaultAction', () => {
    expect(pick(c('https://intranet.example.org/'))).toMatchObject({ action: 'allow', source: 'default', service: null, label: null });
    expect(classifier({ defaultAction: 'block' })('https://intranet.example.org/').action).toBe('block');
  });
  it('at the same pattern an organisation rule beats the catalog', () => {
    const c2 = classifier({ rules: [{ match: 'whatsapp.com', action: 'allow', label: 'Approved' }] });
    expect(pick(c2('https://web.whatsapp.com/'))).toMatchObject({ action: 'allow', source: 'rule', service: null, label: 'Approved' });
  });
  it('among organisation rules for the same pattern the strictest wins', () => {
    const c2 = classifier({ rules: [{ match: 'x.example', action: 'allow' }, { match: 'X.example.', action: 'block' }, { match: 'x.example', action: 'warn' }] });
    expect(c2('https://x.example/').action).toBe('block');
  });
  it('more host labels beat fewer, whatever the action', () => {
    const c2 = classifier({ rules: [{ match: 'example.org', action: 'block' }, { match: 'ok.example.org', action: 'allow' }] });
    expect(c2('https://ok.example.org/').action).toBe('allow');
    expect(c2('https://a.ok.example.org/').action).toBe('allow');
    expect(c2('https://other.example.org/').action).toBe('block');
  });
  it('at the same host a path prefix beats the bare host, and a longer prefix a shorter one', () => {
    const c2 = classifier({
      rules: [
        { match: 'portal.example', action: 'allow' },
        { match: 'portal.example/chat', action: 'block' },
        { match: 'portal.example/chat/approved', action: 'warn' },
      ],
    });
    expect(c2('https://portal.example/home').action).toBe('allow');
    expect(c2('https://portal.example/chat').action).toBe('block');
    expect(c2('https://portal.example/chat/42').action).toBe('block');
    expect(c2('https://portal.example/chat/approved/1').action).toBe('warn');
    expect(c2('https://portal.example/chatter').action).toBe('allow');
    expect(c2('https://portal.example/chat?x=1').action).toBe('block');
    expect(c2('https://portal.example/chat/').action).toBe('block');
  });
  it('a path rule on a parent host does not beat a bare rule on a subdomain', () => {
    const c2 = classifier({ rules: [{ match: 'example.org/chat', action: 'block' }, { match: 'a.example.org', action: 'allow' }] });
    expect(c2('https://a.example.org/chat').action).toBe('allow');
    expect(c2('https://b.example.org/chat').action).toBe('block');
  });
  it('a host whose path rules do not match falls through to a shorter host', () => {
    const c2 = classifier({ rules: [{ match: 'a.example.org/x', action: 'allow' }, { match: 'example.org', action: 'block' }] });
    expect(c2('https://a.example.org/y').action).toBe('block');
    expect(c2('https://a.example.org/x').action).toBe('allow');
  });
  it('catalog path patterns work (facebook.com/messages)', () => {
    expect(pick(c('https://www.facebook.com/messages/t/123'))).toMatchObject({ service: 'messenger', action: 'warn' });
    expect(pick(c('https://www.facebook.com/groups/1'))).toMatchObject({ service: null, action: 'allow' });
  });
});

describe('URLs a user or an attacker produces', () => {
  const c = classifier();
  it.each([
    ['letter case', 'HTTPS://WEB.WhatsApp.COM/', 'web.whatsapp.com', 'warn'],
    ['trailing dot', 'https://web.whatsapp.com./', 'web.whatsapp.com', 'warn'],
    ['user info', 'https://zoom.us@t.me/x', 't.me', 'block'],
    ['user info pretending to be the host', 'https://t.me@intranet.example.org/', 'intranet.example.org', 'allow'],
    ['port', 'https://web.whatsapp.com:8443/', 'web.whatsapp.com', 'warn'],
    ['look-alike prefix', 'https://evilwhatsapp.com/', 'evilwhatsapp.com', 'allow'],
    ['look-alike suffix', 'https://whatsapp.com.evil.example/', 'whatsapp.com.evil.example', 'allow'],
    ['host that only contains the name', 'https://my-t.me/', 'my-t.me', 'allow'],
    ['percent-escape in host', 'https://wh%61tsapp.com/', 'whatsapp.com', 'warn'],
    ['IDN host', 'https://fácetime.apple.com/', 'xn--fcetime-hwa.apple.com', 'allow'],
    ['IPv4 literal', 'http://127.0.0.1/', '127.0.0.1', 'allow'],
    ['IPv4 in hex', 'http://0x7f.0.0.1/', '127.0.0.1', 'allow'],
    ['IPv6 literal', 'http://[::1]/', '[::1]', 'allow'],
    ['backslashes', 'https:\\\\web.whatsapp.com\\x', 'web.whatsapp.com', 'warn'],
    ['tab and newline stripped by the parser', 'https://web.what\tsapp.com/', 'web.whatsapp.com', 'warn'],
    ['path segment boundary', 'https://facebook.com/messagesx', 'facebook.com', 'allow'],
  ])('%s: %s', (_name, url, host, action) => {
    const r = c(url);
    expect(r.host).toBe(host);
    expect(r.action).toBe(action);
  });

  it('other schemes are allow with no service', () => {
    for (const url of ['mailto:someone@whatsapp.com', 'ftp://web.whatsapp.com/', 'whatsapp://send?phone=1', 'data:text/html,hi', 'javascript:alert(1)', 'file:///etc/passwd', 'ws://web.whatsapp.com/']) {
      expect(pick(c(url)), url).toMatchObject({ action: 'allow', service: null, category: null });
    }
  });

  it('an unparseable URL is an error, never an exception', () => {
    const compiled = compilePolicy(policySchema.parse(SPEC_EXAMPLE));
    for (const url of ['', 'not a url', 'https://', 'http://exa mple.com/', 'https://[::1/']) {
      expect(isError(classifyUrl(compiled, url)), url).toBe(true);
    }
  });

  it('IP rules match exactly, never as a suffix', () => {
    const c2 = classifier({ rules: [{ match: '10.0.0.1', action: 'block' }, { match: '0.0.1', action: 'block' }] });
    expect(c2('http://10.0.0.1/').action).toBe('block');
    expect(c2('http://110.0.0.1/').action).toBe('allow');
  });

  it('IDN rules match their punycode form', () => {
    const c2 = classifier({ rules: [{ match: 'bücher.example', action: 'block' }] });
    expect(c2('https://shop.xn--bcher-kva.example/').action).toBe('block');
    expect(c2('https://shop.BÜCHER.example/').action).toBe('block');
  });
});

describe('paths and hosts as a server reads them (issue 8: path evasion)', () => {
  // The review's variants: 7 of these 13 got through before.
  const c = classifier({ rules: [{ match: 'facebook.com/messages', action: 'block' }, { match: 'instagram.com/direct', action: 'block' }, { match: '127.0.0.2', action: 'block' }] });
  it.each([
    'https://www.facebook.com/messages',
    'https://www.facebook.com//messages',
    'https://www.facebook.com/%6Dessages',
    'https://www.facebook.com/%6dessages/t/1',
    'https://www.facebook.com/messages;x',
    'https://www.facebook.com/messages;jsessionid=1/t/2',
    'https://www.facebook.com/messages%2Ft%2F1',
    'https://www.facebook.com/x/..%2Fmessages',
    'https://www.facebook.com/MESSAGES',
    'https://www.instagram.com/direct/inbox',
    'https://www.instagram.com/%64irect',
    'https://www.instagram.com//direct',
    'https://www.instagram.com/direct%5Cinbox',
    'http://127.0.0.2/',
    'http://[::ffff:127.0.0.2]/',
    'http://[::ffff:7f00:2]/x',
  ])('%s is blocked', (url) => {
    expect(c(url).action).toBe('block');
  });
  it.each(['https://www.facebook.com/messagesx', 'https://www.facebook.com/%4dessagesx', 'https://www.facebook.com/x/messages', 'https://www.facebook.com/x%2Fmessages%3F', 'http://[::ffff:127.0.0.3]/', 'http://[::1]/'])(
    '%s is not',
    (url) => {
      expect(c(url).action).toBe('allow');
    },
  );
  it('normalises encoded reserved characters only as far as a server would', () => {
    // `%3F` is a literal "?" in a path segment, not the start of a query.
    expect(c('https://www.facebook.com/messages%3Fx').action).toBe('allow');
  });
});

describe('fast classifier agrees with the reference', () => {
  // Small pools so rules collide often: nested prefixes, same host twice, rule vs catalog.
  const labels = ['a', 'b', 'me', 't', 'whatsapp', 'com', 'example', 'apple', 'facetime', 'facebook', 'wa', 'org'];
  const knownHosts = ['whatsapp.com', 'web.whatsapp.com', 't.me', 'facebook.com', 'facetime.apple.com', 'a.example', 'example', 'b.a.example'];
  const randomHost = fc.array(fc.constantFrom(...labels), { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
  const host = fc.oneof({ arbitrary: fc.constantFrom(...knownHosts), weight: 3 }, { arbitrary: randomHost, weight: 1 });
  const path = fc.constantFrom('', '', '/chat', '/Chat', '/chat/x', '/chat/x/a', '/chatter', '/messages', '/messages/t', '/x');
  const action = fc.constantFrom('allow' as const, 'warn' as const, 'block' as const);
  const rule = fc.record({ match: fc.tuple(host, path).map(([h, p]) => h + p), action, label: fc.option(fc.constantFrom('L1', 'L2'), { nil: undefined }) });
  const policy = fc.record({
    schemaVersion: fc.constant(1 as const),
    defaultAction: action,
    categories: fc.record({ 'consumer-video': action, 'consumer-messaging': action }, { requiredKeys: [] }),
    services: fc.record({ whatsapp: action, facetime: action, telegram: action, messenger: action }, { requiredKeys: [] }),
    rules: fc.array(rule, { maxLength: 25 }),
  });
  const url = fc
    .tuple(
      fc.constantFrom('https://', 'http://', 'HTTP://', 'ftp://', 'https://user:pw@'),
      fc.constantFrom('', '', 'www.', 'x.'),
      host,
      fc.constantFrom('', '', '.', ':8443'),
      path,
      fc.constantFrom('', '', '/', '/more', '?q=1', '#frag', '/?pwd=x'),
      fc.boolean(),
    )
    .map(([scheme, sub, h, tail, p, rest, upper]) => `${scheme}${sub}${upper ? h.toUpperCase() : h}${tail}${p}${rest}`);

  it('on random policies and URLs', () => {
    fc.assert(
      fc.property(policy, fc.array(url, { minLength: 1, maxLength: 20 }), (input, urls) => {
        const p = policySchema.parse(input);
        const compiled = compilePolicy(p);
        for (const u of urls) {
          const fast = classifyUrl(compiled, u);
          const ref = referenceClassify(p, u);
          if (ref === 'error') {
            expect(isError(fast)).toBe(true);
            continue;
          }
          expect(pick(fast)).toMatchObject(ref);
        }
      }),
      { numRuns: 400 },
    );
  });
});
