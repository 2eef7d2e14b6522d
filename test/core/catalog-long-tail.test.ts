/**
 * The catalog's long tail (issue 20, item 6): consumer video rooms, free conference calls,
 * group chats, social networks' direct messages and web SMS services. Every host of every
 * service that cites a `source` is classified to that service and category, a subdomain too;
 * its neighbours stay out (a look-alike name, the name inside another domain, a path that
 * merely starts alike, the rest of a larger site).
 */
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/core/catalog.ts';
import { classifyUrl, compilePolicy, isError } from '../../src/core/classify.ts';
import { PLATFORM_DOMAINS } from '../../src/core/meetings/analyse.ts';
import { defaultPolicy } from '../../src/core/policy/default.ts';

const compiled = compilePolicy(defaultPolicy());
const classify = (url: string) => {
  const r = classifyUrl(compiled, url);
  if (isError(r)) throw new Error(`${url}: ${r.error}`);
  return r;
};
type Sourced = (typeof CATALOG.services)[number] & { source?: string; sourceVerified?: boolean };
const longTail = (CATALOG.services as Sourced[]).filter((s) => s.source !== undefined);
const cases = longTail.flatMap((s) => s.hosts.map((h) => [h, s.id, s.category] as const));

describe('the catalog long tail', () => {
  it('has at least 50 services, each citing an https source, across messaging and video', () => {
    expect(longTail.length).toBeGreaterThanOrEqual(50);
    for (const s of longTail) expect(s.source, s.id).toMatch(/^https:\/\/[^\s]+$/);
    // Each says whether its source was confirmed in stored public material (catalog.json's $comment).
    for (const s of longTail) expect(typeof s.sourceVerified, s.id).toBe('boolean');
    expect(longTail.filter((s) => s.category === 'consumer-video').length).toBeGreaterThanOrEqual(15);
    expect(longTail.filter((s) => s.category === 'consumer-messaging').length).toBeGreaterThanOrEqual(25);
  });

  it('no host is claimed twice, nor is a meeting platform’s', () => {
    const all = CATALOG.services.flatMap((s) => s.hosts);
    expect(new Set(all).size).toBe(all.length);
    const platforms = Object.values(PLATFORM_DOMAINS).flat();
    for (const [host] of cases) expect(platforms, host).not.toContain(host.split('/')[0]);
  });

  it.each(cases)('%s is %s (%s)', (pattern, id, category) => {
    const slash = pattern.indexOf('/');
    const host = slash < 0 ? pattern : pattern.slice(0, slash);
    const path = slash < 0 ? '/' : pattern.slice(slash);
    for (const url of [`https://${host}${path}`, `https://${host}${path}${path.endsWith('/') ? '' : '/'}thread/42`, `https://www.${host}${path}`, `https://${host.toUpperCase()}.${path}`]) {
      const r = classify(url);
      expect([url, r.service, r.category]).toEqual([url, id, category]);
    }
    // Neighbours stay out.
    const neighbours = [`https://not${host}${path}`, `https://${host}.evil.example${path}`];
    if (slash >= 0) neighbours.push(`https://${host}${path}x`, `https://${host}/`);
    for (const url of neighbours) expect([url, classify(url).service]).not.toEqual([url, id]);
  });

  it.each([
    ['https://x.com/messages/123-456', 'x-direct-messages'],
    ['https://www.linkedin.com/messaging/thread/2-abc/', 'linkedin-messaging'],
    ['https://web.groupme.com/chats', 'groupme'],
    ['https://app.slack.com/client/T0/C0', 'slack'],
    ['https://voice.google.com/u/0/messages', 'google-voice'],
    ['https://www.textnow.com/messaging', 'textnow'],
    ['https://8x8.vc/clinic-room', 'jitsi-8x8'],
    ['https://app.chime.aws/meetings/1234567890', 'amazon-chime'],
    ['https://app.gather.town/app/abc/office', 'gather'],
    ['https://www.freeconferencecall.com/wall/clinic', 'freeconferencecall'],
  ])('%s is %s', (url, id) => {
    expect(classify(url).service).toBe(id);
  });

  it.each(['https://x.com/home', 'https://www.linkedin.com/feed/', 'https://slack.com/pricing', 'https://www.google.com/', 'https://www.tiktok.com/@clinic', 'https://www.reddit.com/r/medicine/', 'https://aws.amazon.com/chime/'])(
    '%s is no catalog service',
    (url) => {
      expect(classify(url).service).toBeNull();
    },
  );
});
