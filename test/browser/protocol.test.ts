import { describe, expect, it } from 'vitest';
import { maySend, senderKind } from '../../src/browser/protocol.ts';

const ID = 'abcdefghijklmnopabcdefghijklmnop';
const ORIGINS = [`chrome-extension://${ID}`];

describe('senderKind: who may send what', () => {
  it('a content script in a web page is a content script', () => {
    expect(senderKind({ id: ID, url: 'https://web.whatsapp.com/', origin: 'https://web.whatsapp.com', tab: { id: 3 }, frameId: 0 }, ID, ORIGINS)).toBe('content-script');
  });

  it("the patient-data script in a page's about:srcdoc or about:blank editor frame may ask about patient data, and nothing else", () => {
    for (const url of ['about:srcdoc', 'about:blank']) {
      const kind = senderKind({ id: ID, url, origin: 'https://discord.com', tab: { id: 3 }, frameId: 7 }, ID, ORIGINS);
      expect(kind, url).toBe('frame-script');
      for (const k of ['data.config', 'data.check', 'data.proceed']) expect(maySend(kind!, { kind: k }), k).toBe(true);
      for (const k of ['media.request', 'media.proceed', 'status', 'log.export', 'guard.proceed']) expect(maySend(kind!, { kind: k }), k).toBe(false);
    }
  });

  it('an about: frame without a web origin, or outside a tab, or another extension, is no one', () => {
    expect(senderKind({ id: ID, url: 'about:srcdoc', origin: 'null', tab: { id: 3 }, frameId: 7 }, ID, ORIGINS)).toBeNull();
    expect(senderKind({ id: ID, url: 'about:blank', tab: { id: 3 }, frameId: 7 }, ID, ORIGINS)).toBeNull();
    expect(senderKind({ id: ID, url: 'about:srcdoc', origin: 'https://discord.com', frameId: 7 }, ID, ORIGINS)).toBeNull();
    expect(senderKind({ id: ID, url: 'about:srcdoc?x', origin: 'https://discord.com', tab: { id: 3 }, frameId: 7 }, ID, ORIGINS)).toBeNull();
    expect(senderKind({ id: 'other', url: 'about:srcdoc', origin: 'https://discord.com', tab: { id: 3 }, frameId: 7 }, ID, ORIGINS)).toBeNull();
  });
});
