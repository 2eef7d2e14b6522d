/** What the event store offers its callers (the viewer, the recorder, reporting, tests). */
import type { EventDraft, EventRecord, EventType } from '../../../core/events/types.ts';
import type { PolicySource } from '../../../core/policy/schema.ts';

/** The chain head: the last event ever written (kept even when every event is pruned). */
export interface ChainHead {
  seq: number;
  hash: string;
}

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

/** Fields copied into events the store writes itself (`log.pruned`, `log.key`). */
export interface EventContext {
  policyVersion: string;
  policySource: PolicySource;
  extensionVersion: string;
}

/** Just the context fields of an event (or of a context). */
export function contextOf(e: EventContext): EventContext {
  return { policyVersion: e.policyVersion, policySource: e.policySource, extensionVersion: e.extensionVersion };
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
  /** NDJSON lines (ending with the signed `log.signature` line) or CSV (header first) in chunks, in seq order. */
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
