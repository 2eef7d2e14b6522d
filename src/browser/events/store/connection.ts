/**
 * The event store's IndexedDB database: its schema (version 1), one lazily (re)opened
 * connection per store object, and the small helpers every part shares.
 *
 * Object stores:
 *   - `events`  keyPath `seq`; indexes `ts` (ts), `type` ([type, seq]), `service` ([service, seq]).
 *               Events with `service: null` are not in the `service` index (null is not a key).
 *   - `daily`   keyPath [day, type, service ('' for null)] → count: the per-day aggregate the chart
 *               reads, updated in the same transaction as every append and every prune.
 *   - `meta`    out-of-line keys: `head` (chain head), `installId`, `signingKey` (the install's
 *               ECDSA key pair, private key non-extractable: CryptoKeys are structured-
 *               cloneable), and free keys for other modules (reporting state) via getMeta / putMeta.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { GENESIS } from '../../../core/events/chain.ts';
import type { EventRecord, EventType } from '../../../core/events/types.ts';
import type { ChainHead } from './types.ts';

export const DEFAULT_DB_NAME = 'telehealth-guard';
const DB_VERSION = 1;

export interface StoredHead extends ChainHead {
  /** ts of the last event written, or null before the first. */
  lastTs: string | null;
  /** True while every event was written with ts ≥ the one before (lets ts filters use seq ranges). */
  tsMonotonic: boolean;
}

export const EMPTY_HEAD: StoredHead = { seq: 0, hash: GENESIS, lastTs: null, tsMonotonic: true };

/** Meta keys the store owns; other modules may not write them. */
export const RESERVED_META = new Set(['head', 'installId', 'signingKey']);

export interface DailyRow {
  day: string;
  type: EventType;
  /** '' for events whose service is null. */
  service: string;
  count: number;
}

interface Schema extends DBSchema {
  events: {
    key: number;
    value: EventRecord;
    indexes: { ts: string; type: [string, number]; service: [string, number] };
  };
  daily: { key: [string, string, string]; value: DailyRow };
  meta: { key: string; value: unknown };
}

export type Db = IDBPDatabase<Schema>;
export type ReadTx = IDBPTransaction<Schema, ('events' | 'daily' | 'meta')[], 'readonly'>;

export interface Connection {
  /** The open database (reopened after an upgrade elsewhere closed it). */
  connect(): Promise<Db>;
  close(): void;
}

export function openConnection(name: string): Connection {
  let dbPromise: Promise<Db> | null = null;
  const connect = (): Promise<Db> => {
    dbPromise ??= openDB<Schema>(name, DB_VERSION, {
      upgrade(db) {
        const events = db.createObjectStore('events', { keyPath: 'seq' });
        events.createIndex('ts', 'ts');
        events.createIndex('type', ['type', 'seq']);
        events.createIndex('service', ['service', 'seq']);
        db.createObjectStore('daily', { keyPath: ['day', 'type', 'service'] });
        db.createObjectStore('meta');
      },
      blocking() {
        // A newer version (an extension update) wants to upgrade: let it; reconnect lazily.
        const p = dbPromise;
        dbPromise = null;
        void p?.then((db) => db.close());
      },
      terminated() {
        dbPromise = null;
      },
    });
    const p = dbPromise;
    p.catch(() => {
      if (dbPromise === p) dbPromise = null;
    });
    return p;
  };
  return {
    connect,
    close() {
      const p = dbPromise;
      dbPromise = null;
      void p?.then((db) => db.close());
    },
  };
}

export function readTx(db: Db): ReadTx {
  return db.transaction(['events', 'daily', 'meta'], 'readonly');
}

export const noop = (): void => {};

/** Run a readwrite transaction's requests; abort it if anything throws, so nothing partial commits. */
export async function inTx<T>(tx: { done: Promise<void>; abort(): void }, body: () => Promise<T>): Promise<T> {
  const done = tx.done;
  done.catch(noop);
  try {
    const r = await body();
    await done;
    return r;
  } catch (err) {
    try {
      tx.abort();
    } catch {
      // already finished
    }
    throw err;
  }
}

/** The chain head as stored. */
export async function readStoredHead(db: Db): Promise<StoredHead> {
  const stored = (await db.get('meta', 'head')) as StoredHead | undefined;
  if (stored) return stored;
  // No head record (should not happen): continue after the newest stored event, if any.
  const cursor = await db.transaction('events').store.openCursor(null, 'prev');
  if (!cursor) return { ...EMPTY_HEAD };
  const e = cursor.value;
  return { seq: e.seq, hash: e.hash, lastTs: e.ts, tsMonotonic: false };
}

/** The `daily` aggregate's key for an event. */
export function dailyKey(e: { ts: string; type: EventType; service: string | null }): [string, string, string] {
  return [e.ts.slice(0, 10), e.type, e.service ?? ''];
}
