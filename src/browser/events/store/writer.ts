/**
 * The log's one writer (per store object): appends queue in memory and are written in
 * group commits (every append waiting when a write starts goes into the next
 * transaction), so 200 concurrent callers get seq 1..200 in call order. Hashes (WebCrypto)
 * are computed before the readwrite transaction opens, because awaiting anything but an
 * IndexedDB request inside it would auto-commit it. The head {seq, hash} is kept in memory
 * (loaded from `meta` on first use) and rewritten in the same transaction as the events;
 * the transaction also re-reads the stored head and aborts if another connection moved
 * it, so even a second writer (an extension page opening the store) cannot fork the
 * chain: the batch is then re-sealed on the new head.
 *
 * Every event is written with the install's `installId`. The first write of an install
 * without a signing key makes the key and writes `log.key` before the events, in the
 * same transaction as the key itself. When storage is full, the oldest 10% is pruned
 * (retention.ts) and the group retried once, `log.pruned` first.
 */
import { sealEvent } from '../../../core/events/chain.ts';
import { checkEventRecord } from '../../../core/events/schema.ts';
import type { EventDraft, EventRecord, EventType } from '../../../core/events/types.ts';
import { announceChange } from './changes.ts';
import { dailyKey, EMPTY_HEAD, inTx, noop, readStoredHead, type Connection, type StoredHead } from './connection.ts';
import { newSigningKey, type Identity, type StoredKey } from './identity.ts';
import { deletePrefix } from './retention.ts';
import { contextOf, type ChainHead, type EventContext } from './types.ts';

/** Appends written in one transaction at most. */
const MAX_GROUP = 500;
/** Fraction of the log removed when the quota is hit. */
const QUOTA_PRUNE_FRACTION = 0.1;
const MAX_HEAD_RETRIES = 5;

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

/** The draft with `ts` normalised (so the ts index orders correctly); throws on a bad ts. */
function normaliseDraft(d: EventDraft): EventDraft {
  const t = Date.parse(d.ts);
  if (typeof d.ts !== 'string' || Number.isNaN(t)) throw new RangeError(`event ts is not a date: ${String(d.ts)}`);
  const ts = new Date(t).toISOString();
  return ts === d.ts ? d : { ...d, ts };
}

/**
 * When `log.key` says the key was made: now, or the time of the event it was made for if
 * that is earlier. The first event's draft is stamped when it happens, the key a few
 * milliseconds later (making it takes time), and an event can be recorded for an earlier
 * moment (one replayed after the worker was stopped); `log.key` is seq 1 all the same, so
 * stamping it later than seq 2 would put an export's first two lines out of time order.
 */
function keyTime(firstDraftTs: string | undefined, now: Date): Date {
  const t = firstDraftTs === undefined ? Number.NaN : Date.parse(firstDraftTs);
  return Number.isFinite(t) && t < now.getTime() ? new Date(t) : now;
}

function storeItem(type: 'log.pruned' | 'log.key', context: EventContext, now: Date, resolve: Pending['resolve'], reject: Pending['reject'], extra: Partial<EventDraft> = {}): Pending {
  const draft: EventDraft = { ts: now.toISOString(), type, host: null, service: null, action: null, ...contextOf(context), ...extra };
  return { internal: true, draft, resolve, reject };
}

export interface Writer {
  append(draft: EventDraft): Promise<EventRecord>;
  /** Run `fn` when every write queued before it is done, and no write runs during it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Write `log.pruned` (inside `exclusive`, after retention removed events). */
  writePruned(context: EventContext, now: Date): Promise<void>;
  /** Make the key and write `log.key` unless the install has its key; returns its SPKI. */
  ensureKey(context: EventContext): Promise<string>;
  head(): Promise<ChainHead>;
  /** Tests only: every event, the aggregate and module state; the chain restarts at GENESIS. */
  clear(): Promise<void>;
}

export function createWriter(conn: Connection, identity: Identity): Writer {
  /** In-memory chain head; null = read it from the DB on next use. */
  let head: StoredHead | null = null;

  async function loadHead(): Promise<StoredHead> {
    head ??= await readStoredHead(await conn.connect());
    return head;
  }

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
    const db = await conn.connect();
    const tx = db.transaction(['events', 'daily', 'meta'], 'readwrite');
    await inTx(tx, async () => {
      const meta = tx.objectStore('meta');
      const stored = ((await meta.get('head')) as StoredHead | undefined) ?? EMPTY_HEAD;
      if (stored.seq !== expected.seq || stored.hash !== expected.hash) throw new HeadMoved();
      if (key) {
        // Another connection made the key first: re-seal on its key (and its log.key).
        if ((await meta.get('signingKey')) !== undefined) {
          identity.remember(null);
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
    const id = await identity.installId();
    // An install without a key makes one now: `log.key` goes first, in the same
    // transaction as the key, so no event is ever written before it on a new install.
    let madeKey: StoredKey | null = null;
    const marker = group.find((p) => p.keyOnly);
    group = group.filter((p) => !p.keyOnly);
    if (!(await identity.key()) && (group.length > 0 || marker)) {
      madeKey = await newSigningKey();
      const item = storeItem('log.key', (group[0] ?? marker)!.draft, keyTime(group[0]?.draft.ts, new Date()), marker?.resolve ?? noop, marker?.reject ?? noop, { publicKey: madeKey.spki });
      group = [{ ...item, keyEvent: true }, ...group];
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
        if (madeKey) identity.remember(null);
        head = null; // another connection wrote: re-read the head and re-seal
        return writeGroup(items, attempt + 1, quotaRetried);
      }
      if (isQuotaError(err) && !quotaRetried) {
        // Storage full: drop the oldest 10% (at least one) and try once more.
        let removed = 0;
        try {
          const total = await (await conn.connect()).count('events');
          removed = await deletePrefix(conn, Math.max(1, Math.floor(total * QUOTA_PRUNE_FRACTION)), null);
        } catch {
          // keep going: the retry decides
        }
        // The retry records what happened first: `log.pruned`, then the events, in one
        // transaction (a failure of `log.pruned` alone never fails the caller's events).
        const context = contextOf(sealed[sealed.length - 1]!.rec);
        const retry = removed > 0 ? [storeItem('log.pruned', context, new Date(), noop, noop), ...items] : items;
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
    if (madeKey) identity.remember(madeKey);
    for (const s of sealed) s.p.resolve(s.rec);
  }

  return {
    append(draft) {
      return new Promise<EventRecord>((resolve, reject) => {
        pending.push({ draft, resolve, reject });
        if (!draining) {
          draining = true;
          void exclusive(drain);
        }
      });
    },
    exclusive,
    async writePruned(context, now) {
      await new Promise<EventRecord>((resolve, reject) => {
        // quotaRetried = true: a quota error here does not prune again (no prune loops)
        void writeGroup([storeItem('log.pruned', context, now, resolve, reject)], 0, true).catch(reject);
      });
    },
    async ensureKey(context) {
      const existing = await identity.key();
      if (existing) return existing.spki;
      await exclusive(
        () =>
          new Promise<EventRecord>((resolve, reject) => {
            const marker: Pending = { internal: true, keyOnly: true, draft: { ts: new Date().toISOString(), type: 'log.key', ...contextOf(context) }, resolve, reject };
            void writeGroup([marker]).catch(reject);
          }),
      );
      const key = await identity.key();
      if (!key) throw new Error('the signing key could not be made');
      return key.spki;
    },
    async head() {
      const h = await readStoredHead(await conn.connect());
      return { seq: h.seq, hash: h.hash };
    },
    clear() {
      return exclusive(async () => {
        const db = await conn.connect();
        const tx = db.transaction(['events', 'daily', 'meta'], 'readwrite');
        await inTx(tx, async () => {
          await tx.objectStore('events').clear();
          await tx.objectStore('daily').clear();
          const meta = tx.objectStore('meta');
          for (const key of await meta.getAllKeys()) if (key !== 'installId') await meta.delete(key);
        });
        head = null;
        identity.remember(null);
      });
    },
  };
}
