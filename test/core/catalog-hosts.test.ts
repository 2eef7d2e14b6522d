/**
 * Consumer hosts the catalog must recognise (issue 8, item 9): each URL, as a clinician
 * would open it, is classified to the right service id and category by the same
 * classifier the extension and `classify` use, under the built-in default policy.
 * Neighbours that are not the service (the rest of qq.com, Threema's and Wire's own
 * sites, a path that merely starts alike) stay unmatched.
 */
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/core/catalog.ts';
import { classifyUrl, compilePolicy, isError } from '../../src/core/classify.ts';
import { defaultPolicy } from '../../src/core/policy/default.ts';

const compiled = compilePolicy(defaultPolicy());
const classify = (url: string) => {
  const r = classifyUrl(compiled, url);
  if (isError(r)) throw new Error(`${url}: ${r.error}`);
  return r;
};

describe('consumer hosts in the catalog', () => {
  it.each([
    ['https://wx.qq.com/', 'wechat'],
    ['https://wx2.qq.com/?lang=en_US', 'wechat'],
    ['https://wx8.qq.com/', 'wechat'],
    ['https://weixin.qq.com/', 'wechat'],
    ['https://web.wechat.com/', 'wechat'],
    ['https://discord.new/AbCdEf', 'discord'],
    ['https://dis.gd/support', 'discord'],
    ['https://discord.gg/invite', 'discord'],
    ['https://line.me/R/ti/p/@clinic', 'line'],
    ['https://lin.ee/AbCdEfG', 'line'],
    ['https://www.viber.com/en/', 'viber'],
    ['https://web.snapchat.com/', 'snapchat'],
    ['https://www.instagram.com/direct/inbox/', 'instagram-direct'],
    ['https://www.facebook.com/messages/t/123', 'messenger'],
    ['https://web.threema.ch/', 'threema'],
    ['https://threema.id/ECHOECHO', 'threema'],
    ['https://app.wire.com/', 'wire'],
    ['https://app.element.io/#/room/!abc:matrix.org', 'element'],
    ['https://kik.com/', 'kik'],
    ['https://kik.me/someone', 'kik'],
    ['https://chat.zalo.me/', 'zalo'],
    ['https://zalo.me/0912345678', 'zalo'],
  ])('%s is %s', (url, service) => {
    const r = classify(url);
    expect(r.service).toBe(service);
    expect(r.category).toBe(CATALOG.services.find((s) => s.id === service)!.category);
    expect(r.action).toBe('warn'); // the default policy warns on consumer messaging
  });

  it.each([
    'https://qq.com/',
    'https://mail.qq.com/',
    'https://threema.ch/en',
    'https://wire.com/en',
    'https://element.io/',
    'https://www.instagram.com/directory/',
    'https://www.facebook.com/marketplace/',
    'https://notkik.com/',
  ])('%s is not a catalog service', (url) => {
    expect(classify(url).service).toBeNull();
  });

  it('each new service has an id, a name and a category', () => {
    for (const id of ['threema', 'wire', 'element', 'kik', 'zalo']) {
      const s = CATALOG.services.find((x) => x.id === id);
      expect(s, id).toBeDefined();
      expect(s!.name.length).toBeGreaterThan(0);
      expect(s!.category).toBe('consumer-messaging');
    }
  });
});
