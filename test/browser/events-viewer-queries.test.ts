/** The log viewer's queries: search by host/reason/note, the filters' facets, live change notices. */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStore, watchLog, type EventStore } from '../../src/browser/events/store.ts';
import { dbName, draft } from './events-helpers.ts';

const open: EventStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function filled(): Promise<EventStore> {
  const store = await openEventStore(dbName('viewer'));
  open.push(store);
  await store.append(draft('2025-03-01T09:00:00.000Z', 'navigation.warned', { host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn' }));
  await store.append(draft('2025-03-01T09:01:00.000Z', 'navigation.proceeded', { host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn', reason: 'Family member sent results' }));
  await store.append(draft('2025-03-02T10:00:00.000Z', 'navigation.blocked', { host: 'facetime.apple.com', service: 'facetime', action: 'block' }));
  await store.append(draft('2025-03-03T11:00:00.000Z', 'incident.reported', { host: null, service: null, action: null, incident: 'uninvited-guest', note: 'Stranger joined the visit' }));
  return store;
}

describe('the viewer’s search', () => {
  it('finds words in the host, the reason and the incident note, case-insensitively, in pages, counts, chart and exports', async () => {
    const store = await filled();
    const found = async (text: string) => (await store.page({ text }, { limit: 10 })).events.map((e) => e.type);
    expect(await found('WHATSAPP')).toEqual(['navigation.proceeded', 'navigation.warned']);
    expect(await found('family member')).toEqual(['navigation.proceeded']);
    expect(await found('stranger')).toEqual(['incident.reported']);
    expect(await found('nothing like this')).toEqual([]);
    expect(await store.count({ text: 'whatsapp' })).toBe(2);
    expect(await store.count({ text: 'whatsapp', types: ['navigation.proceeded'] })).toBe(1);
    expect(await store.dailyCounts({ text: 'apple' })).toEqual([{ day: '2025-03-02', type: 'navigation.blocked', count: 1 }]);
    let exported = '';
    for await (const chunk of store.export('ndjson', { text: 'stranger' })) exported += chunk;
    // NDJSON ends with the signature trailer (not an event).
    expect(exported.trim().split('\n').map((l) => JSON.parse(l).type)).toEqual(['incident.reported', 'log.signature']);
  });

  it('lists as facets only the types and services that occur', async () => {
    const store = await filled();
    const f = await store.facets();
    // log.key: the install's signing key, written first by a new store.
    expect(f.types.sort()).toEqual(['incident.reported', 'log.key', 'navigation.blocked', 'navigation.proceeded', 'navigation.warned']);
    expect(f.services).toEqual(['facetime', 'whatsapp']);
  });

  it('tells open viewers when the log changed', async () => {
    const store = await openEventStore(dbName('watch'));
    open.push(store);
    let calls = 0;
    const stop = watchLog(() => calls++, 10);
    try {
      await store.append(draft('2025-03-01T09:00:00.000Z'));
      await expect.poll(() => calls, { timeout: 2_000 }).toBe(1);
    } finally {
      stop();
    }
  });
});
