import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStore, type EventStore } from '../../src/browser/events/store.ts';
import { parseNdjsonLines } from '../../src/core/events/ndjson.ts';
import { parseKeyLines, verifyExportLines } from '../../src/core/events/verify.ts';
import { CONTEXT, collectText, dbName, draft, verifiedExport } from './events-helpers.ts';

const open: EventStore[] = [];
async function openStore(name: string): Promise<EventStore> {
  const s = await openEventStore(name);
  open.push(s);
  return s;
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function keysOf(text: string) {
  const k = await parseKeyLines(parseNdjsonLines(text));
  if (!k.ok) throw new Error(k.reason);
  return k.keys;
}

describe('identity and signing in the store', () => {
  it('a new install writes log.key first; every event names the install; the export is signed by that key', async () => {
    const store = await openStore(dbName('sign'));
    await Promise.all([store.append(draft('2025-03-01T09:00:00.000Z')), store.append(draft('2025-03-01T09:01:00.000Z', 'navigation.blocked'))]);
    const { events, text } = await verifiedExport(store);
    const id = await store.installId();
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'log.key'],
      [2, 'navigation.warned'],
      [3, 'navigation.blocked'],
    ]);
    expect(events.every((e) => e.installId === id)).toBe(true);
    // In time order too: the key is stamped no later than the event it was made for.
    expect(events.map((e) => e.ts)).toEqual([...events.map((e) => e.ts)].sort());
    expect(events[0]!.ts).toBe('2025-03-01T09:00:00.000Z');
    expect(events[0]).toMatchObject({ policyVersion: CONTEXT.policyVersion, publicKey: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) });
    // pinned with the log.key event itself, as a collector would have received it
    const pins = await keysOf(JSON.stringify(events[0]));
    expect(await verifyExportLines(parseNdjsonLines(text), { keys: pins })).toMatchObject({ ok: true, pinned: true, installId: id, count: 3 });
    const trailer = JSON.parse(text.trimEnd().split('\n').at(-1)!);
    expect(Object.keys(trailer)).toEqual(['type', 'installId', 'publicKey', 'count', 'firstSeq', 'lastSeq', 'digest', 'exportedAt', 'filtered', 'signature']);
    expect(trailer).toMatchObject({ type: 'log.signature', publicKey: events[0]!.publicKey, count: 3, firstSeq: 1, lastSeq: 3, filtered: false });
  });

  it('the private key is kept non-extractable in IndexedDB; a reopened store (worker restart) signs with the same key', async () => {
    const name = dbName('sign-reopen');
    const a = await openStore(name);
    const spki = await a.ensureKey(CONTEXT);
    a.close();
    const raw = await openDB(name);
    const stored = (await raw.get('meta', 'signingKey')) as { privateKey: CryptoKey; spki: string };
    raw.close();
    expect(stored.privateKey.extractable).toBe(false);
    expect(stored.spki).toBe(spki);
    await expect(globalThis.crypto.subtle.exportKey('pkcs8', stored.privateKey)).rejects.toThrow();
    const b = await openStore(name);
    await b.append(draft('2025-03-01T09:00:00.000Z'));
    expect(await b.ensureKey(CONTEXT)).toBe(spki);
    const { events, text } = await verifiedExport(b);
    expect(events.filter((e) => e.type === 'log.key')).toHaveLength(1);
    expect(JSON.parse(text.trimEnd().split('\n').at(-1)!).publicKey).toBe(spki);
  });

  it('two connections starting at once make one key and one log.key', async () => {
    const name = dbName('sign-race');
    const a = await openStore(name);
    const b = await openStore(name);
    await Promise.all([a.append(draft('2025-03-01T09:00:00.000Z')), b.append(draft('2025-03-01T09:00:01.000Z')), a.ensureKey(CONTEXT), b.ensureKey(CONTEXT)]);
    const { events } = await verifiedExport(a);
    expect(events.filter((e) => e.type === 'log.key')).toHaveLength(1);
    expect(events[0]!.type).toBe('log.key');
    expect(await a.ensureKey(CONTEXT)).toBe(await b.ensureKey(CONTEXT));
  });

  it('a filtered export is signed as filtered and verifies; an empty one is just its signature line; CSV has none', async () => {
    const store = await openStore(dbName('sign-filter'));
    for (let i = 0; i < 6; i++) await store.append(draft(`2025-03-0${1 + (i % 3)}T09:00:00.000Z`, i % 2 ? 'navigation.blocked' : 'navigation.warned'));
    const blocked = await verifiedExport(store, { types: ['navigation.blocked'] });
    expect(blocked.events.map((e) => e.seq)).toEqual([3, 5, 7]);
    expect(await verifyExportLines(parseNdjsonLines(blocked.text))).toMatchObject({ ok: true, filtered: true, count: 3, firstSeq: 3, lastSeq: 7 });
    const none = await collectText(store.export('ndjson', { from: '2030-01-01' }));
    expect(none.trimEnd().split('\n')).toHaveLength(1);
    expect(await verifyExportLines(parseNdjsonLines(none))).toMatchObject({ ok: true, count: 0, filtered: true });
    const csv = await collectText(store.export('csv'));
    expect(csv).not.toContain('log.signature');
  });

  it('installId on every event whatever the caller put in the draft', async () => {
    const store = await openStore(dbName('sign-id'));
    await store.append({ ...draft('2025-03-01T09:00:00.000Z'), installId: 'forged' });
    const { events } = await verifiedExport(store);
    expect(new Set(events.map((e) => e.installId))).toEqual(new Set([await store.installId()]));
  });
});
