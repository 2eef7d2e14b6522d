/** Shared helpers for the event-store tests (fake-indexeddb; real Chromium is covered elsewhere). */
import { openDB } from 'idb';
import { parseNdjsonLines } from '../../src/core/events/ndjson.ts';
import { parseNdjson } from '../core/events/chain-oracle.ts';
import { exportPublicKey, generateSigningKey } from '../../src/core/events/signature.ts';
import { verifyExportLines } from '../../src/core/events/verify.ts';
import type { EventDraft, EventRecord, EventType } from '../../src/core/events/types.ts';
import { openEventStore, type EventFilter, type EventStore } from '../../src/browser/events/store.ts';

let n = 0;
/** A fresh database name per test. */
export function dbName(label: string): string {
  return `tg-test-${label}-${++n}-${Math.random().toString(36).slice(2)}`;
}

export const CONTEXT = { policyVersion: '2025-03-01', policySource: 'managed', extensionVersion: '0.1.0' } as const;

export function draft(ts: string, type: EventType = 'navigation.warned', extra: Partial<EventDraft> = {}): EventDraft {
  const d: EventDraft = { ...CONTEXT, ts, type, host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn', ...extra };
  if ((type === 'link.checked' || type === 'schedule.checked') && d.findings === undefined) d.findings = ['personal-room'];
  return d;
}

const TYPES: EventType[] = [
  'navigation.warned',
  'navigation.blocked',
  'navigation.proceeded',
  'navigation.redirected',
  'link.checked',
  'schedule.checked',
  'policy.applied',
];
const SERVICES: (string | null)[] = ['whatsapp', 'zoom', 'facetime', null, 'teams', 'signal'];

/** Deterministic varied drafts, `stepMs` apart from `start`. */
export function variedDrafts(count: number, start = '2025-01-01T00:00:00.000Z', stepMs = 4 * 60_000): EventDraft[] {
  const t0 = Date.parse(start);
  let x = 12345;
  const rnd = (m: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % m;
  };
  return Array.from({ length: count }, (_, i) => {
    const type = TYPES[rnd(TYPES.length)]!;
    const service = SERVICES[rnd(SERVICES.length)]!;
    const extra: Partial<EventDraft> = { service, host: service ? `${service}.example` : null, action: service ? 'warn' : null };
    if (type === 'navigation.proceeded') extra.reason = `reason ${i}`;
    return draft(new Date(t0 + i * stepMs).toISOString(), type, extra);
  });
}

export async function collectText(chunks: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const c of chunks) s += c;
  return s;
}

/** The events of an NDJSON export, after checking its signature line. */
export async function exportAll(store: EventStore, filter?: EventFilter): Promise<EventRecord[]> {
  return (await verifiedExport(store, filter)).events;
}

/** The filter semantics, over an in-memory list (the oracle). */
export function matchesFilter(e: EventRecord, f: EventFilter): boolean {
  const iso = (s: string): string => new Date(Date.parse(s)).toISOString();
  if (f.types && f.types.length > 0 && !f.types.includes(e.type)) return false;
  if (f.services && f.services.length > 0 && (e.service === null || !f.services.includes(e.service))) return false;
  if (f.from !== undefined && e.ts < iso(f.from)) return false;
  if (f.to !== undefined && e.ts >= iso(f.to)) return false;
  return true;
}

/**
 * A store whose install already has its signing key (as if its `log.key` was written
 * long ago and pruned since), so tests about the chain, pruning and reporting count
 * their own events from seq 1. The key is put in `meta` the way the store keeps it.
 */
export async function openKeyedStore(name: string): Promise<EventStore> {
  const store = await openEventStore(name);
  const pair = await generateSigningKey();
  const db = await openDB(name);
  await db.put('meta', { privateKey: pair.privateKey, publicKey: pair.publicKey, spki: await exportPublicKey(pair.publicKey) }, 'signingKey');
  db.close();
  return store;
}

/** The signature line an NDJSON export ends with (checked against its events). */
export async function verifiedExport(store: EventStore, filter?: EventFilter): Promise<{ events: EventRecord[]; text: string }> {
  const text = await collectText(store.export('ndjson', filter));
  const v = await verifyExportLines(parseNdjsonLines(text));
  if (!v.ok) throw new Error(`export did not verify: line ${v.line}: ${v.reason}`);
  const r = parseNdjson(text.slice(0, text.trimEnd().lastIndexOf('\n') + 1));
  if (!r.ok) throw new Error(`export did not parse: line ${r.line}: ${r.reason}`);
  return { events: r.events, text };
}
