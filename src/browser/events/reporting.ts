/**
 * Reporting to a collector (docs/event-log.md, "Reporting to a collector"; docs/policy-format.md `reporting.*`).
 *
 * The queue is the event store itself plus one persisted cursor: every event with
 * seq > `ackedSeq` is still to be sent. So the queue survives worker restarts, costs
 * nothing per append, and reporting never deletes or alters local events (retention may
 * still remove events that were never sent; they are then skipped).
 *
 * Delivery is at-least-once: a batch whose response was lost is sent again. Collectors can
 * de-duplicate on `hash` (or on install id + `seq`); the ClickHouse table does it itself
 * (docs/fleet.md: identical rows are one after a merge).
 *
 * `flushReports` is safe to call as often as wanted (alarm tick, after appends): calls on the
 * same store are serialised, and while backing off it returns at once without sending.
 */
import { formatEventJson } from '../../core/events/ndjson.ts';
import type { EventRecord } from '../../core/events/types.ts';
import { rowJson } from '../../core/fleet/rows.ts';
import { DEFAULT_TABLE, insertQuery, ORIGIN } from '../../core/fleet/schema.ts';
import type { EventStore } from './store.ts';

export type ReportingFormat = 'ndjson' | 'splunk-hec' | 'clickhouse';

export interface ReportingConfig {
  /** The collector (policy `reporting.url`, https). */
  url: string;
  format: ReportingFormat;
  /**
   * `reporting.token`: `Authorization: Splunk <token>` (splunk-hec), `Bearer <token>`
   * (ndjson), or `user:password` as HTTP basic authentication (clickhouse).
   */
  token?: string;
  /** `reporting.table`, for clickhouse (default telehealth_guard.events). */
  table?: string;
}

export interface FlushOptions {
  /** Events per request (default 500). */
  batchSize?: number;
  /** Requests per call at most (default 20); `pending > 0` then says to call again. */
  maxBatches?: number;
  /** Send even while backing off (e.g. the administrator pressed "send now"). */
  force?: boolean;
  /** Random source in [0, 1) for the jitter (tests). */
  random?: () => number;
  /** Abort one request after this long (default 30 s). */
  timeoutMs?: number;
}

export interface FlushResult {
  /** Events the collector accepted during this call. */
  sent: number;
  /** Events still queued after this call. */
  pending: number;
  /** Epoch ms before which nothing will be sent (set while backing off after a failure). */
  nextAttemptAt?: number;
  /** Why the last attempt failed (HTTP status or network error), while backing off. */
  lastError?: string;
}

/** Persisted in the store's `meta` under REPORTING_META_KEY. */
export interface ReportingState {
  /**
   * The collector this cursor belongs to (destination()); another collector starts again
   * from the oldest event.
   */
  url: string;
  /** Highest seq the collector has accepted (0: none). */
  ackedSeq: number;
  /** Consecutive failed attempts. */
  failures: number;
  nextAttemptAt?: number;
  lastError?: string;
}

export const REPORTING_META_KEY = 'reporting';
export const SPLUNK_SOURCETYPE = 'telehealth-guard';
export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_MAX_MS = 60 * 60_000;
const DEFAULT_BATCH = 500;
const DEFAULT_MAX_BATCHES = 20;
const DEFAULT_TIMEOUT_MS = 30_000;

type FetchLike = (input: string, init: RequestInit) => Promise<Pick<Response, 'status'>>;

/** Back-off before attempt `failures + 1`: base · 2^(failures−1), capped, with jitter in [50 %, 100 %]. */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const exp = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(exp * (0.5 + 0.5 * Math.min(1, Math.max(0, random()))));
}

/**
 * Where a cursor's events went: the URL, and for clickhouse also the table (a new table
 * is a new collector, which gets every event again).
 */
export function destination(config: ReportingConfig): string {
  return config.format === 'clickhouse' ? `${config.url} → ${config.table ?? DEFAULT_TABLE}` : config.url;
}

/** NDJSON body: one event per line (exactly the export's lines), each ending "\n". */
export function ndjsonBody(events: readonly EventRecord[]): string {
  let s = '';
  for (const e of events) s += formatEventJson(e) + '\n';
  return s;
}

/**
 * Splunk HEC body: concatenated `{"event":<event>,"time":<epoch seconds>,"sourcetype":"telehealth-guard"}`
 * objects, one per line. `time` has millisecond precision (e.g. 1740821400.123).
 */
export function splunkHecBody(events: readonly EventRecord[]): string {
  let s = '';
  for (const e of events) {
    const time = Date.parse(e.ts) / 1000;
    s += `{"event":${formatEventJson(e)},"time":${time},"sourcetype":"${SPLUNK_SOURCETYPE}"}\n`;
  }
  return s;
}

/**
 * ClickHouse body: one row of the `fleet schema` table per line (JSONEachRow). `installId`:
 * this install's, for events written before 1.1 (they name none).
 */
export function clickhouseBody(events: readonly EventRecord[], installId?: string): string {
  let s = '';
  for (const e of events) s += rowJson(e, ORIGIN.collector, installId) + '\n';
  return s;
}

/** `user:password` (or a user alone) as an HTTP basic Authorization value; UTF-8 safe. */
function basicAuth(token: string): string {
  const bytes = new TextEncoder().encode(token.includes(':') ? token : `${token}:`);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return `Basic ${btoa(bin)}`;
}

/** The request for one batch (exposed for tests and the options page's diagnostics). */
export function buildReportRequest(config: ReportingConfig, events: readonly EventRecord[], installId?: string): { url: string; init: RequestInit } {
  const headers: Record<string, string> = {};
  let body: string;
  let url = config.url;
  if (config.format === 'clickhouse') {
    // The HTTP interface: the statement in `query`, the rows in the body.
    const u = new URL(config.url);
    u.searchParams.set('query', insertQuery(config.table ?? DEFAULT_TABLE));
    url = u.toString();
    headers['Content-Type'] = 'application/x-ndjson';
    if (config.token) headers['Authorization'] = basicAuth(config.token);
    body = clickhouseBody(events, installId);
  } else if (config.format === 'splunk-hec') {
    headers['Content-Type'] = 'application/json';
    if (config.token) headers['Authorization'] = `Splunk ${config.token}`;
    body = splunkHecBody(events);
  } else if (config.format === 'ndjson') {
    headers['Content-Type'] = 'application/x-ndjson';
    if (config.token) headers['Authorization'] = `Bearer ${config.token}`;
    body = ndjsonBody(events);
  } else {
    throw new RangeError(`reporting: unknown format ${String(config.format)}`);
  }
  return { url, init: { method: 'POST', headers, body, credentials: 'omit', cache: 'no-store', redirect: 'error' } };
}

const inFlight = new WeakMap<EventStore, Promise<unknown>>();

/**
 * Send queued events to the collector in seq order, in batches; a 2xx acknowledges a batch.
 * Any other status or a network error keeps the batch queued and sets a persisted back-off.
 * Never throws for collector failures (only for a broken store).
 */
export function flushReports(
  store: EventStore,
  config: ReportingConfig,
  fetchImpl: FetchLike = (input, init) => fetch(input, init),
  now: Date = new Date(),
  options: FlushOptions = {},
): Promise<FlushResult> {
  const previous = inFlight.get(store) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => flushOnce(store, config, fetchImpl, now, options));
  const tail = run.catch(() => undefined);
  inFlight.set(store, tail);
  void tail.then(() => {
    if (inFlight.get(store) === tail) inFlight.delete(store);
  });
  return run;
}

async function flushOnce(
  store: EventStore,
  config: ReportingConfig,
  fetchImpl: FetchLike,
  now: Date,
  options: FlushOptions,
): Promise<FlushResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const maxBatches = options.maxBatches ?? DEFAULT_MAX_BATCHES;
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const saved = await store.getMeta<ReportingState>(REPORTING_META_KEY);
  const to = destination(config);
  let state: ReportingState = saved && saved.url === to ? { ...saved } : { url: to, ackedSeq: 0, failures: 0 };
  if (!saved || saved.url !== to) await store.putMeta(REPORTING_META_KEY, state);

  const result = async (sent: number): Promise<FlushResult> => {
    const r: FlushResult = { sent, pending: await store.countAfter(state.ackedSeq) };
    if (state.nextAttemptAt !== undefined) r.nextAttemptAt = state.nextAttemptAt;
    if (state.lastError !== undefined) r.lastError = state.lastError;
    return r;
  };

  if (!options.force && state.nextAttemptAt !== undefined && now.getTime() < state.nextAttemptAt) return result(0);

  let sent = 0;
  for (let i = 0; i < maxBatches; i++) {
    const batch = await store.readFrom(state.ackedSeq, batchSize);
    if (batch.length === 0) break;
    // Events from before 1.1 name no install: the table files them under this one.
    const owner = config.format === 'clickhouse' && batch.some((e) => e.installId === undefined) ? await store.installId() : undefined;
    const { url, init } = buildReportRequest(config, batch, owner);
    let error: string | undefined;
    try {
      const signal = typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(timeoutMs) : undefined;
      const res = await fetchImpl(url, signal ? { ...init, signal } : init);
      if (!(res.status >= 200 && res.status <= 299)) error = `HTTP ${res.status}`;
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    if (error === undefined) {
      state = { url: state.url, ackedSeq: batch[batch.length - 1]!.seq, failures: 0 };
      await store.putMeta(REPORTING_META_KEY, state);
      sent += batch.length;
    } else {
      const failures = state.failures + 1;
      state = { ...state, failures, nextAttemptAt: now.getTime() + backoffDelay(failures, random), lastError: error };
      await store.putMeta(REPORTING_META_KEY, state);
      break;
    }
  }
  return result(sent);
}

/** The persisted reporting state (for the options page), or undefined before the first flush. */
export function reportingState(store: EventStore): Promise<ReportingState | undefined> {
  return store.getMeta<ReportingState>(REPORTING_META_KEY);
}
