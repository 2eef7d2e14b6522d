/**
 * The extension's event store on IndexedDB (events.md): a tamper-evident hash chain of
 * events, kept durable across MV3 service-worker restarts.
 *
 * Object stores (database version 1):
 *   - `events`  keyPath `seq`; indexes `ts` (ts), `type` ([type, seq]), `service` ([service, seq]).
 *               Events with `service: null` are not in the `service` index (null is not a key).
 *   - `daily`   keyPath [day, type, service ('' for null)] → count: the per-day aggregate the chart
 *               reads, updated in the same transaction as every append and every prune.
 *   - `meta`    out-of-line keys: `head` (chain head), `installId`, `signingKey` (the install's
 *               ECDSA key pair, private key non-extractable: CryptoKeys are structured-
 *               cloneable), and free keys for other modules (reporting state) via getMeta / putMeta.
 *
 * Identity and signing (README, "Signed exports"): every event is written with the
 * install's `installId`; the first write of an install without a key makes the key and
 * writes `log.key` before the events, in the same transaction as the key itself. NDJSON
 * exports end with the signed `log.signature` line.
 *
 * Writing: one writer per store object. Appends queue in memory and are written in group
 * commits (every append waiting when a write starts goes into the next transaction), so 200
 * concurrent callers get seq 1..200 in call order. Hashes (WebCrypto) are computed before
 * the readwrite transaction opens, because awaiting anything but an IndexedDB request inside
 * it would auto-commit it. The head {seq, hash} is kept in memory (loaded from `meta` on
 * first use) and rewritten in the same transaction as the events; the transaction also
 * re-reads the stored head and aborts if another connection moved it, so even a second
 * writer (an extension page opening the store) cannot fork the chain: the batch is then
 * re-sealed on the new head.
 *
 * Pruning removes a prefix of the chain (oldest seq first, stopping at the first event to
 * keep), so the remaining events are contiguous and verify from their first line.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import { GENESIS, sealEvent } from '../../core/events/chain.ts';
import { CSV_HEADER, formatCsvRows } from '../../core/events/csv.ts';
import { formatNdjsonChunk } from '../../core/events/ndjson.ts';
import { ExportDigest, exportPublicKey, formatTrailer, generateSigningKey, makeTrailer, type ExportSigner } from '../../core/events/signature.ts';
import { checkEventRecord } from '../../core/events/schema.ts';
import type { EventDraft, EventRecord, EventType } from '../../core/events/types.ts';
import type { PolicySource } from '../../core/policy/schema.ts';

export const DEFAULT_DB_NAME = 'telehealth-guard';
const DB_VERSION = 1;

/** The chain head: the last event ever written (kept even when every event is pruned). */
export interface ChainHead {
  seq: number;
  hash: string;
}

interface StoredHead extends ChainHead {
  /** ts of the last event written, or null before the first. */
  lastTs: string | null;
  /** True while every event was written with ts ≥ the one before (lets ts filters use seq ranges). */
  tsMonotonic: boolean;
}

interface DailyRow {
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

type Db = IDBPDatabase<Schema>;

/**
 * What the viewer filters on. Empty arrays and absent fields do not constrain.
 * `from` is inclusive and `to` exclusive; both are ISO 8601 date-times or `YYYY-MM-DD`
 * (UTC midnight), compared in UTC. `services` matches catalog ids / platforms; events
 * with `service: null` never match a services filter.
 */
export interface EventFilter {
  types?: readonly EventType[];
  services?: readonly string[];
  from?: string;
  to?: string;
  /** Words found (case-insensitively) in the host, service, reason or incident note. */
  text?: string;
}

/** What occurs in the log: the viewer's filters list only these. */
export interface Facets {
  types: EventType[];
  services: string[];
}

/**
 * A page cursor. Without afterSeq/beforeSeq: the newest `limit` events. `beforeSeq`: the
 * next older page (events with seq < beforeSeq). `afterSeq`: the next newer page (the
 * `limit` oldest events with seq > afterSeq). Pages are always returned newest first;
 * `hasMore` says whether more events exist beyond the page in the direction of travel.
 */
export interface PageCursor {
  afterSeq?: number;
  beforeSeq?: number;
  limit: number;
}

export interface Page {
  events: EventRecord[];
  hasMore: boolean;
}

export interface DailyCount {
  day: string;
  type: EventType;
  count: number;
}

export type ExportFormat = 'ndjson' | 'csv';

/** Fields copied into events the store writes itself (`log.pruned`). */
export interface EventContext {
  policyVersion: string;
  policySource: PolicySource;
  extensionVersion: string;
}

export interface PruneOptions {
  retentionDays: number;
  maxEvents: number;
  /** Policy in force, for the `log.pruned` event; default: copied from the newest stored event. */
  context?: EventContext;
}

export interface EventStore {
  /** Seal and durably store one event; resolves once its transaction has committed. */
  append(draft: EventDraft): Promise<EventRecord>;
  /** One page of events, newest first (see PageCursor). */
  page(filter: EventFilter, cursor: PageCursor): Promise<Page>;
  /** How many events match. */
  count(filter?: EventFilter): Promise<number>;
  /** Events per UTC day and type (day granularity: a partial day at either bound counts whole). */
  dailyCounts(filter?: EventFilter): Promise<DailyCount[]>;
  /** The types and services that occur in the log (from the per-day aggregate). */
  facets(): Promise<Facets>;
  /** NDJSON lines or CSV (header first) in chunks, in seq order, read in batches. */
  export(format: ExportFormat, filter?: EventFilter): AsyncIterable<string>;
  /** Enforce retention; appends `log.pruned` when something was removed. Returns the number removed. */
  prune(options: PruneOptions, now?: Date): Promise<number>;
  /** Events with seq > afterSeq, ascending, at most `limit` (reporting, export). */
  readFrom(afterSeq: number, limit: number): Promise<EventRecord[]>;
  /** Number of events with seq > afterSeq. */
  countAfter(afterSeq: number): Promise<number>;
  /** A random id created once per profile (on every event, in export file names). */
  installId(): Promise<string>;
  /**
   * Make the install's signing key and write `log.key`, if not done yet (the background
   * calls this at start; the first append does it too). Returns the public key (SPKI base64).
   */
  ensureKey(context: EventContext): Promise<string>;
  /** Small state for other modules (e.g. reporting); `head`, `installId` and `signingKey` are reserved. */
  getMeta<T>(key: string): Promise<T | undefined>;
  putMeta(key: string, value: unknown): Promise<void>;
  /** The chain head as stored (tests, diagnostics). */
  head(): Promise<ChainHead>;
  /** Delete every event, the aggregate and module state; the chain restarts at GENESIS. Tests only. */
  clear(): Promise<void>;
  close(): void;
}

const EMPTY_HEAD: StoredHead = { seq: 0, hash: GENESIS, lastTs: null, tsMonotonic: true };
const RESERVED_META = new Set(['head', 'installId', 'signingKey']);

/** The install's key pair as kept in `meta` (the private key is non-extractable). */
interface StoredKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** SPKI DER, base64: what `log.key` and every export's trailer carry. */
  spki: string;
}

/** Context for the store's own events when nothing better is known (an empty log, tests). */
const UNKNOWN_CONTEXT: EventContext = { policyVersion: 'unknown', policySource: 'default', extensionVersion: 'unknown' };
/** Appends written in one transaction at most. */
const MAX_GROUP = 500;
/** Events deleted per prune transaction. */
const PRUNE_CHUNK = 2000;
/**
 * Open log viewers refresh when the log changes: the writer posts on this channel after
 * each commit (extension pages and the service worker share the extension's origin).
 */
export const LOG_CHANGED_CHANNEL = 'telehealth-guard-log-changed';

function announceChange(): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(LOG_CHANGED_CHANNEL);
  channel.postMessage('changed');
  channel.close();
}

/** Call `onChange` (at most every `everyMs`) while the log changes; returns a stop function. */
export function watchLog(onChange: () => void, everyMs = 300): () => void {
  const channel = new BroadcastChannel(LOG_CHANGED_CHANNEL);
  let timer: ReturnType<typeof setTimeout> | undefined;
  channel.onmessage = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      onChange();
    }, everyMs);
  };
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    channel.close();
  };
}

/** Events read per export / scan batch. */
const READ_BATCH = 5000;
const DAY_MS = 86_400_000;
/** Fraction of the log removed when the quota is hit. */
const QUOTA_PRUNE_FRACTION = 0.1;
const MAX_HEAD_RETRIES = 5;
/** Events fetched by key at once when walking an explicit seq list. */
const FETCH_CHUNK = 200;

class HeadMoved extends Error {
  constructor() {
    super('the chain head was moved by another connection');
  }
}

export function isQuotaError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === 'QuotaExceededError' || e.code === 22;
}

function dailyKey(e: { ts: string; type: EventType; service: string | null }): [string, string, string] {
  return [e.ts.slice(0, 10), e.type, e.service ?? ''];
}

/** An ISO bound normalised to `YYYY-MM-DDTHH:mm:ss.sssZ` (so it compares with stored ts as a string). */
function normaliseBound(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new RangeError(`filter.${name} is not a date: ${value}`);
  return new Date(t).toISOString();
}

const MIDNIGHT = 'T00:00:00.000Z';

function nextDay(day: string): string {
  return new Date(Date.parse(day + MIDNIGHT) + DAY_MS).toISOString().slice(0, 10);
}

interface NormFilter {
  types: ReadonlySet<string> | null;
  services: ReadonlySet<string> | null;
  text: string | null;
  from?: string;
  to?: string;
}

function normaliseFilter(f: EventFilter = {}): NormFilter {
  return {
    types: f.types && f.types.length > 0 ? new Set(f.types) : null,
    services: f.services && f.services.length > 0 ? new Set(f.services) : null,
    text: f.text?.trim() ? f.text.trim().toLowerCase() : null,
    from: normaliseBound(f.from, 'from'),
    to: normaliseBound(f.to, 'to'),
  };
}

function matches(e: EventRecord, f: NormFilter): boolean {
  if (f.types && !f.types.has(e.type)) return false;
  if (f.services && (e.service === null || !f.services.has(e.service))) return false;
  if (f.from !== undefined && e.ts < f.from) return false;
  if (f.to !== undefined && e.ts >= f.to) return false;
  if (f.text !== null && ![e.host, e.service, e.reason, e.note].some((v) => v?.toLowerCase().includes(f.text!))) return false;
  return true;
}

function hasTsBounds(f: NormFilter): boolean {
  return f.from !== undefined || f.to !== undefined;
}

function dayAligned(f: NormFilter): boolean {
  return (f.from === undefined || f.from.endsWith(MIDNIGHT)) && (f.to === undefined || f.to.endsWith(MIDNIGHT));
}

/** The draft with `ts` normalised (so the ts index orders correctly); throws on a bad ts. */
function normaliseDraft(d: EventDraft): EventDraft {
  const t = Date.parse(d.ts);
  if (typeof d.ts !== 'string' || Number.isNaN(t)) throw new RangeError(`event ts is not a date: ${String(d.ts)}`);
  const ts = new Date(t).toISOString();
  return ts === d.ts ? d : { ...d, ts };
}

/** The part of an idb cursor the scans use. */
interface RecCursor {
  value: EventRecord;
  continue(): Promise<RecCursor | null>;
}

interface TsBounds {
  min: number;
  max: number;
  /** Every seq in the ts range, ascending, when ts went backwards at some point. */
  seqs?: number[];
}

interface Pending {
  /** The store's own `log.pruned` / `log.key` (never rejected to a caller). */
  internal?: boolean;
  /** The `log.key` of a key made for this group (turned back into a `keyOnly` marker if the group is re-sealed). */
  keyEvent?: boolean;
  /** Not an event: "make the key if missing", with the context for its `log.key` (ensureKey). */
  keyOnly?: boolean;
  draft: EventDraft;
  resolve(e: EventRecord): void;
  reject(err: unknown): void;
}

const noop = (): void => {};

/** Run a readwrite transaction's requests; abort it if anything throws, so nothing partial commits. */
async function inTx<T>(tx: { done: Promise<void>; abort(): void }, body: () => Promise<T>): Promise<T> {
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

export async function openEventStore(name = DEFAULT_DB_NAME): Promise<EventStore> {
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
  await connect();

  /** In-memory chain head; null = read it from the DB on next use. */
  let head: StoredHead | null = null;
  let cachedInstallId: string | null = null;
  /** The signing key once read or made; null = not known yet. */
  let signingKey: StoredKey | null = null;

  async function loadKey(): Promise<StoredKey | null> {
    signingKey ??= ((await (await connect()).get('meta', 'signingKey')) as StoredKey | undefined) ?? null;
    return signingKey;
  }

  async function newKey(): Promise<StoredKey> {
    const pair = await generateSigningKey();
    return { privateKey: pair.privateKey, publicKey: pair.publicKey, spki: await exportPublicKey(pair.publicKey) };
  }

  function keyItem(spki: string, context: EventContext, now: Date, resolve: Pending['resolve'], reject: Pending['reject']): Pending {
    const draft: EventDraft = { ts: now.toISOString(), type: 'log.key', host: null, service: null, action: null, publicKey: spki, ...contextOf(context) };
    return { internal: true, keyEvent: true, draft, resolve, reject };
  }

  async function readStoredHead(db: Db): Promise<StoredHead> {
    const stored = (await db.get('meta', 'head')) as StoredHead | undefined;
    if (stored) return stored;
    // No head record (should not happen): continue after the newest stored event, if any.
    const cursor = await db.transaction('events').store.openCursor(null, 'prev');
    if (!cursor) return { ...EMPTY_HEAD };
    const e = cursor.value;
    return { seq: e.seq, hash: e.hash, lastTs: e.ts, tsMonotonic: false };
  }

  async function loadHead(): Promise<StoredHead> {
    head ??= await readStoredHead(await connect());
    return head;
  }

  // ---- the single writer -------------------------------------------------------------

  let exclusiveTail: Promise<unknown> = Promise.resolve();
  /** Serialise writers (append groups, prune, clear) in this store object. */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = exclusiveTail.then(fn, fn);
    exclusiveTail = run.catch(noop);
    return run;
  }

  const pending: Pending[] = [];
  let draining = false;

  async function drain(): Promise<void> {
    try {
      while (pending.length > 0) {
        const group = pending.splice(0, MAX_GROUP);
        try {
          await writeGroup(group);
          announceChange();
        } catch (err) {
          for (const p of group) p.reject(err);
        }
      }
    } finally {
      draining = false;
    }
  }

  /** Write the events and the new head in one transaction, checking the stored head first. */
  async function commit(records: EventRecord[], expected: StoredHead, next: StoredHead, key: StoredKey | null = null): Promise<void> {
    const db = await connect();
    const tx = db.transaction(['events', 'daily', 'meta'], 'readwrite');
    await inTx(tx, async () => {
      const meta = tx.objectStore('meta');
      const stored = ((await meta.get('head')) as StoredHead | undefined) ?? EMPTY_HEAD;
      if (stored.seq !== expected.seq || stored.hash !== expected.hash) throw new HeadMoved();
      if (key) {
        // Another connection made the key first: re-seal on its key (and its log.key).
        if ((await meta.get('signingKey')) !== undefined) {
          signingKey = null;
          throw new HeadMoved();
        }
        await meta.put(key, 'signingKey');
      }
      const events = tx.objectStore('events');
      const requests: Promise<unknown>[] = [];
      for (const r of records) requests.push(events.add(r));
      const increments = new Map<string, { key: [string, string, string]; n: number }>();
      for (const r of records) {
        const key = dailyKey(r);
        const k = key.join('\u0000');
        const entry = increments.get(k);
        if (entry) entry.n++;
        else increments.set(k, { key, n: 1 });
      }
      const daily = tx.objectStore('daily');
      for (const { key, n } of increments.values()) {
        requests.push(
          daily.get(key).then((row) => {
            const [day, type, service] = key;
            return daily.put({ day, type: type as EventType, service, count: (row?.count ?? 0) + n });
          }),
        );
      }
      requests.push(meta.put(next, 'head'));
      await Promise.all(requests);
    });
  }

  /** Seal and write a group of drafts; resolves/rejects each one. Runs inside `exclusive`. */
  async function writeGroup(group: Pending[], attempt = 0, quotaRetried = false): Promise<void> {
    const start = await loadHead();
    const id = await installId();
    // An install without a key makes one now: `log.key` goes first, in the same
    // transaction as the key, so no event is ever written before it on a new install.
    let madeKey: StoredKey | null = null;
    const marker = group.find((p) => p.keyOnly);
    group = group.filter((p) => !p.keyOnly);
    if (!(await loadKey()) && (group.length > 0 || marker)) {
      madeKey = await newKey();
      group = [keyItem(madeKey.spki, (group[0] ?? marker)!.draft, new Date(), marker?.resolve ?? noop, marker?.reject ?? noop), ...group];
    } else if (marker) {
      marker.resolve(undefined as unknown as EventRecord); // the key exists: nothing to write
    }
    const sealed: { p: Pending; rec: EventRecord }[] = [];
    let cur: StoredHead = { ...start };
    for (const p of group) {
      try {
        const draft = { ...normaliseDraft(p.draft), installId: id };
        const rec = await sealEvent(draft, cur.seq + 1, cur.hash);
        const check = checkEventRecord(rec);
        if (!check.ok) throw new TypeError(`invalid event: ${check.message}`);
        cur = {
          seq: rec.seq,
          hash: rec.hash,
          lastTs: rec.ts,
          tsMonotonic: cur.tsMonotonic && (cur.lastTs === null || rec.ts >= cur.lastTs),
        };
        sealed.push({ p, rec });
      } catch (err) {
        p.reject(err);
      }
    }
    if (sealed.length === 0) return;
    try {
      await commit(
        sealed.map((s) => s.rec),
        start,
        cur,
        madeKey,
      );
    } catch (err) {
      // A re-sealed group makes (or finds) its key again.
      const items = sealed.map((s) => (madeKey && s.p.keyEvent ? { ...s.p, keyEvent: false, keyOnly: true } : s.p));
      if (err instanceof HeadMoved && attempt < MAX_HEAD_RETRIES) {
        if (madeKey) signingKey = null;
        head = null; // another connection wrote: re-read the head and re-seal
        return writeGroup(items, attempt + 1, quotaRetried);
      }
      if (isQuotaError(err) && !quotaRetried) {
        // Storage full: drop the oldest 10% (at least one) and try once more.
        let removed = 0;
        try {
          removed = await deletePrefix(quotaPruneCount(await countAll()), null);
        } catch {
          // keep going: the retry decides
        }
        // The retry records what happened first: `log.pruned`, then the events, in one
        // transaction (a failure of `log.pruned` alone never fails the caller's events).
        const context = contextOf(sealed[sealed.length - 1]!.rec);
        const retry = removed > 0 ? [prunedItem(context, new Date(), noop, noop), ...items] : items;
        await writeGroup(retry, attempt, true);
        return;
      }
      if (isQuotaError(err)) {
        // The retry failed too: the callers get the error; the record of the pruning is
        // still written if it fits on its own.
        for (const it of items) if (!it.internal) it.reject(err);
        const internal = items.filter((it) => it.internal);
        if (internal.length > 0 && internal.length < items.length) await writeGroup(internal, 0, true);
        else for (const it of internal) it.reject(err);
        return;
      }
      if (sealed.length > 1 && !(err instanceof HeadMoved)) {
        // One bad event must not take the others with it: write them one by one.
        for (const it of items) await writeGroup([it], 0, quotaRetried);
        return;
      }
      for (const it of items) it.reject(err);
      return;
    }
    head = cur;
    if (madeKey) signingKey = madeKey;
    for (const s of sealed) s.p.resolve(s.rec);
  }

  function quotaPruneCount(total: number): number {
    return Math.max(1, Math.floor(total * QUOTA_PRUNE_FRACTION));
  }

  async function countAll(): Promise<number> {
    return (await connect()).count('events');
  }

  /** A `log.pruned` draft: no extra fields (what was removed shows as the first remaining seq). */
  function prunedItem(context: EventContext, now: Date, resolve: Pending['resolve'], reject: Pending['reject']): Pending {
    const draft: EventDraft = {
      ts: now.toISOString(),
      type: 'log.pruned',
      host: null,
      service: null,
      action: null,
      policyVersion: context.policyVersion,
      policySource: context.policySource,
      extensionVersion: context.extensionVersion,
    };
    return { internal: true, draft, resolve, reject };
  }

  async function writePruned(context: EventContext, now: Date): Promise<void> {
    await new Promise<EventRecord>((resolve, reject) => {
      // quotaRetried = true: a quota error here does not prune again (no prune loops)
      void writeGroup([prunedItem(context, now, resolve, reject)], 0, true).catch(reject);
    });
  }

  function contextOf(e: EventContext): EventContext {
    return { policyVersion: e.policyVersion, policySource: e.policySource, extensionVersion: e.extensionVersion };
  }

  /**
   * Delete the oldest events in seq order: the first `minCount`, then any further ones while
   * `olderThan` (ts < olderThan) holds; stops at the first event to keep, so what remains is
   * a contiguous tail of the chain. Updates the daily aggregate in the same transactions.
   */
  async function deletePrefix(minCount: number, olderThan: string | null): Promise<number> {
    const db = await connect();
    let removed = 0;
    for (;;) {
      const tx = db.transaction(['events', 'daily', 'meta'], 'readwrite');
      const { n, more } = await inTx(tx, async () => {
        const dec = new Map<string, { key: [string, string, string]; n: number }>();
        let n = 0;
        let more = false;
        let cursor = await tx.objectStore('events').openCursor();
        while (cursor) {
          const e = cursor.value;
          const del = removed + n < minCount || (olderThan !== null && e.ts < olderThan);
          if (!del) break;
          if (n >= PRUNE_CHUNK) {
            more = true;
            break;
          }
          cursor.delete().catch(noop);
          n++;
          const key = dailyKey(e);
          const k = key.join('\u0000');
          const d = dec.get(k);
          if (d) d.n++;
          else dec.set(k, { key, n: 1 });
          cursor = await cursor.continue();
        }
        const daily = tx.objectStore('daily');
        for (const { key, n: m } of dec.values()) {
          const row = await daily.get(key);
          if (!row) continue;
          if (row.count <= m) await daily.delete(key);
          else await daily.put({ ...row, count: row.count - m });
        }
        return { n, more };
      });
      removed += n;
      if (!more) return removed;
    }
  }

  // ---- reading -------------------------------------------------------------------------

  type ReadTx = IDBPTransaction<Schema, ('events' | 'daily' | 'meta')[], 'readonly'>;

  /**
   * Where the events of the filter's ts range are, from the `ts` index: inclusive seq
   * bounds. While ts never went backwards (the usual case) two cursor steps give them and
   * every seq between is in range. Otherwise the index's primary keys for the range are
   * read in one request and returned too (`seqs`, ascending), so scans visit only those.
   * null: no event in range.
   */
  async function seqBoundsForTs(tx: ReadTx, f: NormFilter): Promise<TsBounds | null> {
    if (!hasTsBounds(f)) return { min: -Infinity, max: Infinity };
    if (f.from !== undefined && f.to !== undefined && f.from >= f.to) return null;
    const range =
      f.from !== undefined && f.to !== undefined
        ? IDBKeyRange.bound(f.from, f.to, false, true)
        : f.from !== undefined
          ? IDBKeyRange.lowerBound(f.from)
          : IDBKeyRange.upperBound(f.to, true);
    const index = tx.objectStore('events').index('ts');
    const stored = ((await tx.objectStore('meta').get('head')) as StoredHead | undefined) ?? EMPTY_HEAD;
    if (stored.tsMonotonic) {
      const first = await index.openKeyCursor(range, 'next');
      if (!first) return null;
      const last = await index.openKeyCursor(range, 'prev');
      return { min: first.primaryKey, max: last ? last.primaryKey : first.primaryKey };
    }
    const seqs = await index.getAllKeys(range);
    if (seqs.length === 0) return null;
    seqs.sort((x, y) => x - y);
    return { min: seqs[0]!, max: seqs[seqs.length - 1]!, seqs };
  }

  /**
   * Matching events with lo < seq < hi in `dir` order, at most `need` of them. With `seqs`
   * (ts went backwards) only those seqs are fetched. Otherwise one cursor per type (or per
   * service) when the filter names some, else the primary key; each cursor stops after
   * `need` matches and the results are merged by seq.
   */
  async function collect(
    tx: ReadTx,
    f: NormFilter,
    dir: 'next' | 'prev',
    lo: number,
    hi: number,
    need: number,
    seqs?: readonly number[],
  ): Promise<EventRecord[]> {
    if (need <= 0 || !(lo < hi)) return [];
    const store = tx.objectStore('events');
    if (seqs) {
      const inWindow = seqs.filter((q) => q > lo && q < hi);
      if (dir === 'prev') inWindow.reverse();
      const out: EventRecord[] = [];
      for (let i = 0; i < inWindow.length && out.length < need; i += FETCH_CHUNK) {
        const got = await Promise.all(inWindow.slice(i, i + FETCH_CHUNK).map((q) => store.get(q)));
        for (const e of got) if (e && out.length < need && matches(e, f)) out.push(e);
      }
      return out;
    }
    const scan = async (open: () => Promise<RecCursor | null>): Promise<EventRecord[]> => {
      const out: EventRecord[] = [];
      let cursor = await open();
      while (cursor && out.length < need) {
        if (matches(cursor.value, f)) out.push(cursor.value);
        cursor = await cursor.continue();
      }
      return out;
    };
    let parts: EventRecord[][];
    const keys = f.types ? [...f.types] : f.services ? [...f.services] : null;
    if (keys) {
      const index = store.index(f.types ? 'type' : 'service');
      parts = await Promise.all(keys.map((k) => scan(() => index.openCursor(IDBKeyRange.bound([k, lo], [k, hi], true, true), dir))));
    } else {
      parts = [await scan(() => store.openCursor(IDBKeyRange.bound(lo, hi, true, true), dir))];
    }
    if (parts.length === 1) return parts[0]!;
    const merged = parts.flat();
    merged.sort(dir === 'next' ? (x, y) => x.seq - y.seq : (x, y) => y.seq - x.seq);
    return merged.slice(0, need);
  }

  function readTx(db: Db): ReadTx {
    return db.transaction(['events', 'daily', 'meta'], 'readonly');
  }

  async function page(filter: EventFilter, cursor: PageCursor): Promise<Page> {
    const limit = cursor.limit;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('page: limit must be a positive integer');
    if (cursor.afterSeq !== undefined && cursor.beforeSeq !== undefined) throw new RangeError('page: give afterSeq or beforeSeq, not both');
    const f = normaliseFilter(filter);
    const tx = readTx(await connect());
    const bounds = await seqBoundsForTs(tx, f);
    if (!bounds) return { events: [], hasMore: false };
    let lo = bounds.min - 1;
    let hi = bounds.max + 1;
    if (cursor.afterSeq !== undefined) {
      lo = Math.max(lo, cursor.afterSeq);
      const got = await collect(tx, f, 'next', lo, hi, limit + 1, bounds.seqs);
      return { events: got.slice(0, limit).reverse(), hasMore: got.length > limit };
    }
    if (cursor.beforeSeq !== undefined) hi = Math.min(hi, cursor.beforeSeq);
    const got = await collect(tx, f, 'prev', lo, hi, limit + 1, bounds.seqs);
    return { events: got.slice(0, limit), hasMore: got.length > limit };
  }

  async function count(filter: EventFilter = {}): Promise<number> {
    const f = normaliseFilter(filter);
    const db = await connect();
    if (!f.types && !f.services && !f.text) {
      if (!hasTsBounds(f)) return db.count('events');
      const range =
        f.from !== undefined && f.to !== undefined
          ? f.from >= f.to
            ? null
            : IDBKeyRange.bound(f.from, f.to, false, true)
          : f.from !== undefined
            ? IDBKeyRange.lowerBound(f.from)
            : IDBKeyRange.upperBound(f.to, true);
      return range ? db.countFromIndex('events', 'ts', range) : 0;
    }
    if (dayAligned(f) && !f.text) {
      let n = 0;
      for (const row of await dailyRows(db, f)) n += row.count;
      return n;
    }
    const tx = readTx(db);
    const bounds = await seqBoundsForTs(tx, f);
    if (!bounds) return 0;
    return (await collect(tx, f, 'next', bounds.min - 1, bounds.max + 1, Infinity, bounds.seqs)).length;
  }

  /** Aggregate rows for the filter's days (day granularity), types and services. */
  async function dailyRows(db: Db, f: NormFilter): Promise<DailyRow[]> {
    const fromDay = f.from?.slice(0, 10);
    const toDayExcl = f.to === undefined ? undefined : f.to.endsWith(MIDNIGHT) ? f.to.slice(0, 10) : nextDay(f.to.slice(0, 10));
    if (fromDay !== undefined && toDayExcl !== undefined && fromDay >= toDayExcl) return [];
    const range =
      fromDay !== undefined && toDayExcl !== undefined
        ? IDBKeyRange.bound([fromDay], [toDayExcl], false, true)
        : fromDay !== undefined
          ? IDBKeyRange.lowerBound([fromDay])
          : toDayExcl !== undefined
            ? IDBKeyRange.upperBound([toDayExcl], true)
            : null;
    const rows = await db.getAll('daily', range);
    return rows.filter(
      (r) => r.count > 0 && (!f.types || f.types.has(r.type)) && (!f.services || (r.service !== '' && f.services.has(r.service))),
    );
  }

  async function dailyCounts(filter: EventFilter = {}): Promise<DailyCount[]> {
    const f = normaliseFilter(filter);
    if (f.text) return dailyCountsByScan(f);
    const rows = await dailyRows(await connect(), f);
    const byKey = new Map<string, DailyCount>();
    for (const r of rows) {
      const k = r.day + '\u0000' + r.type;
      const c = byKey.get(k);
      if (c) c.count += r.count;
      else byKey.set(k, { day: r.day, type: r.type, count: r.count });
    }
    // rows come sorted by [day, type, service], so the map is already in [day, type] order
    return [...byKey.values()];
  }

  /** A text search is not in the aggregate: count the matching events themselves. */
  async function dailyCountsByScan(f: NormFilter): Promise<DailyCount[]> {
    const tx = readTx(await connect());
    const bounds = await seqBoundsForTs(tx, f);
    if (!bounds) return [];
    const byKey = new Map<string, DailyCount>();
    for (const e of await collect(tx, f, 'next', bounds.min - 1, bounds.max + 1, Infinity, bounds.seqs)) {
      const day = e.ts.slice(0, 10);
      const k = day + '\u0000' + e.type;
      const c = byKey.get(k);
      if (c) c.count++;
      else byKey.set(k, { day, type: e.type, count: 1 });
    }
    return [...byKey.values()].sort((a, b) => (a.day === b.day ? (a.type < b.type ? -1 : 1) : a.day < b.day ? -1 : 1));
  }

  async function facets(): Promise<Facets> {
    const rows = await (await connect()).getAll('daily');
    const types = new Set<EventType>();
    const services = new Set<string>();
    for (const r of rows) {
      if (r.count <= 0) continue;
      types.add(r.type);
      if (r.service !== '') services.add(r.service);
    }
    return { types: [...types], services: [...services].sort() };
  }

  async function readFrom(afterSeq: number, limit: number): Promise<EventRecord[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('readFrom: limit must be a positive integer');
    return (await connect()).getAll('events', IDBKeyRange.lowerBound(afterSeq, true), limit);
  }

  async function* exportChunks(format: ExportFormat, filter: EventFilter = {}): AsyncGenerator<string> {
    if (format !== 'ndjson' && format !== 'csv') throw new RangeError(`export: unknown format ${String(format)}`);
    // An export holds every event recorded before it was asked for: let queued appends
    // (written in the same exclusive queue) land first.
    await exclusive(async () => undefined);
    const f = normaliseFilter(filter);
    const unfiltered = !f.types && !f.services && !f.text && !hasTsBounds(f);
    const signer = format === 'ndjson' ? await exportSigner() : null;
    const digest = new ExportDigest();
    let firstSeq: number | null = null;
    let lastSeq: number | null = null;
    const trailer = async (): Promise<string> =>
      formatTrailer(await makeTrailer({ digest, firstSeq, lastSeq, ...signer!, filtered: !unfiltered, exportedAt: new Date().toISOString() })) + '\n';
    let lo = -Infinity;
    let hi = Infinity;
    if (!unfiltered) {
      const bounds = await seqBoundsForTs(readTx(await connect()), f);
      if (!bounds) {
        if (format === 'csv') yield CSV_HEADER;
        else yield await trailer();
        return;
      }
      lo = bounds.min - 1;
      hi = bounds.max + 1;
    }
    if (format === 'csv') yield CSV_HEADER;
    let after = lo;
    for (;;) {
      const db = await connect();
      const batch = await db.getAll('events', IDBKeyRange.bound(after, hi, true, true), READ_BATCH);
      if (batch.length > 0) {
        after = batch[batch.length - 1]!.seq;
        const chosen = unfiltered ? batch : batch.filter((e) => matches(e, f));
        if (chosen.length > 0) {
          if (signer) {
            for (const e of chosen) digest.add(e.hash);
            firstSeq ??= chosen[0]!.seq;
            lastSeq = chosen[chosen.length - 1]!.seq;
          }
          yield format === 'csv' ? formatCsvRows(chosen) : formatNdjsonChunk(chosen);
        }
      }
      if (batch.length < READ_BATCH) break;
    }
    if (signer) yield await trailer();
  }

  /** Who signs exports: the install's id and key (made now, with its log.key, if missing). */
  async function exportSigner(): Promise<ExportSigner> {
    let key = await loadKey();
    if (!key) {
      const db = await connect();
      const newest = await db.transaction('events').store.openCursor(null, 'prev');
      await ensureKey(newest ? contextOf(newest.value) : UNKNOWN_CONTEXT);
      key = (await loadKey())!;
    }
    return { installId: await installId(), publicKey: key.spki, privateKey: key.privateKey };
  }

  /** Write `log.key` (making the key) unless the install has its key already. */
  async function ensureKey(context: EventContext): Promise<string> {
    const existing = await loadKey();
    if (existing) return existing.spki;
    await exclusive(
      () =>
        new Promise<EventRecord>((resolve, reject) => {
          const marker: Pending = { internal: true, keyOnly: true, draft: { ts: new Date().toISOString(), type: 'log.key', ...contextOf(context) }, resolve, reject };
          void writeGroup([marker]).catch(reject);
        }),
    );
    const key = await loadKey();
    if (!key) throw new Error('the signing key could not be made');
    return key.spki;
  }

  async function prune(options: PruneOptions, now: Date = new Date()): Promise<number> {
    const { retentionDays, maxEvents } = options;
    if (!(retentionDays > 0)) throw new RangeError('prune: retentionDays must be positive');
    if (!Number.isSafeInteger(maxEvents) || maxEvents < 1) throw new RangeError('prune: maxEvents must be a positive integer');
    return exclusive(async () => {
      const db = await connect();
      const cutoff = new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
      const total = await db.count('events');
      let context = options.context;
      if (!context) {
        const newest = await db.transaction('events').store.openCursor(null, 'prev');
        if (newest) context = contextOf(newest.value);
      }
      // Over the limit: remove one more, so that with `log.pruned` the log holds maxEvents.
      const byCount = total > maxEvents ? total - maxEvents + 1 : 0;
      const removed = await deletePrefix(byCount, cutoff);
      if (removed > 0 && context) await writePruned(context, now);
      if (removed > 0) announceChange();
      return removed;
    });
  }

  async function installId(): Promise<string> {
    if (cachedInstallId) return cachedInstallId;
    const db = await connect();
    const tx = db.transaction('meta', 'readwrite');
    const id = await inTx(tx, async () => {
      const existing = (await tx.store.get('installId')) as string | undefined;
      if (typeof existing === 'string') return existing;
      const fresh = globalThis.crypto.randomUUID();
      await tx.store.put(fresh, 'installId');
      return fresh;
    });
    cachedInstallId = id;
    return id;
  }

  const store: EventStore = {
    append(draft) {
      return new Promise<EventRecord>((resolve, reject) => {
        pending.push({ draft, resolve, reject });
        if (!draining) {
          draining = true;
          void exclusive(drain);
        }
      });
    },
    page,
    count,
    dailyCounts,
    facets,
    export: exportChunks,
    prune,
    readFrom,
    async countAfter(afterSeq) {
      return (await connect()).count('events', IDBKeyRange.lowerBound(afterSeq, true));
    },
    installId,
    ensureKey,
    async getMeta<T>(key: string) {
      return (await (await connect()).get('meta', key)) as T | undefined;
    },
    async putMeta(key, value) {
      if (RESERVED_META.has(key)) throw new RangeError(`meta key "${key}" is reserved`);
      await (await connect()).put('meta', value, key);
    },
    async head() {
      const h = await readStoredHead(await connect());
      return { seq: h.seq, hash: h.hash };
    },
    clear() {
      return exclusive(async () => {
        const db = await connect();
        const tx = db.transaction(['events', 'daily', 'meta'], 'readwrite');
        await inTx(tx, async () => {
          await tx.objectStore('events').clear();
          await tx.objectStore('daily').clear();
          const meta = tx.objectStore('meta');
          for (const key of await meta.getAllKeys()) if (key !== 'installId') await meta.delete(key);
        });
        head = null;
        signingKey = null;
      });
    },
    close() {
      const p = dbPromise;
      dbPromise = null;
      void p?.then((db) => db.close());
    },
  };
  return store;
}

/** `telehealth-guard-events-<YYYY-MM-DD>-<installId>.<ndjson|csv>` (UTC date). */
export function exportFileName(format: ExportFormat, installId: string, now: Date = new Date()): string {
  const safeId = installId.replace(/[^A-Za-z0-9-]/g, '');
  return `telehealth-guard-events-${now.toISOString().slice(0, 10)}-${safeId}.${format}`;
}
