/**
 * The event log's record shape (docs/event-log.md, "One event"). Pure types and constants:
 * no browser or Node APIs, so this runs in the extension, the CLI and tests alike.
 */
import type { Action } from '../actions.ts';
import type { PolicySource } from '../policy/schema.ts';

/** Every event type, in the order docs/event-log.md lists them. */
export const EVENT_TYPES = [
  'navigation.blocked',
  'navigation.warned',
  'navigation.proceeded',
  'navigation.redirected',
  'link.checked',
  'schedule.checked',
  'policy.applied',
  'policy.invalid',
  'log.exported',
  'log.pruned',
  'incident.reported',
  'log.key',
  // 1.2
  'media.used',
  'media.warned',
  'media.proceeded',
  'media.blocked',
  'data.warned',
  'data.proceeded',
  'data.blocked',
  'training.drill',
  'training.lesson',
  'install.heartbeat',
  'guard.gap',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** `type` of an export's last line, the signature line (signature.ts): not an event type. */
export const SIGNATURE_TYPE = 'log.signature';

/** Event types whose record carries `findings`. */
export const TYPES_WITH_FINDINGS: readonly EventType[] = ['link.checked', 'schedule.checked', 'policy.applied', 'policy.invalid', 'media.warned', 'media.proceeded', 'media.blocked', 'media.used', 'data.warned', 'data.proceeded', 'data.blocked', 'guard.gap'];
/** Event types whose record carries the user's typed `reason`. */
export const TYPES_WITH_REASON: readonly EventType[] = ['navigation.proceeded', 'media.proceeded', 'data.proceeded'];

/** Where data left a page (docs/event-log.md 1.2, `channel` on `data.*`). */
export const DATA_CHANNELS = ['paste', 'drop', 'upload', 'submit'] as const;
export type DataChannel = (typeof DATA_CHANNELS)[number];

/** What a clinician can report (docs/event-log.md 1.1, `incident.reported`). */
export const INCIDENT_KINDS = ['uninvited-guest', 'wrong-recipient', 'patient-data-on-consumer-app', 'suspicious-link', 'other'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];
/** Longest incident note kept: a few sentences, written by the person reporting. */
export const INCIDENT_NOTE_MAX = 500;

/**
 * Every field of an event, in the order of the table in docs/event-log.md. This is the
 * NDJSON key order and the CSV column order.
 */
export const EVENT_FIELDS = [
  'seq',
  'ts',
  'type',
  'host',
  'url',
  'service',
  'action',
  'reason',
  'findings',
  'incident',
  'note',
  'frame',
  'channel',
  'name',
  'browser',
  'policyVersion',
  'policySource',
  'extensionVersion',
  'installId',
  'user',
  'publicKey',
  'prev',
  'hash',
] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

/**
 * One sealed event. `host`, `service` and `action` are always present (null when they
 * do not apply); `url`, `reason` and `findings` are left out when they do not apply —
 * never null-filled.
 */
export interface EventRecord {
  /** 1, 2, 3, … in write order on this profile; never reused (gaps are possible). */
  seq: number;
  /** ISO 8601 UTC, e.g. `2025-03-01T09:30:00.000Z`. */
  ts: string;
  type: EventType;
  /** Host only (see redact.ts), or null. */
  host: string | null;
  /** Only when `logging.recordFullUrls` is true. */
  url?: string;
  /** Catalog service id or meeting platform, or null. */
  service: string | null;
  action: Action | null;
  /** The user's typed reason, on `navigation.proceeded`. */
  reason?: string;
  /** Finding codes, on `link.checked` and `schedule.checked`. */
  findings?: string[];
  /** On `incident.reported`: what happened (INCIDENT_KINDS). */
  incident?: IncidentKind;
  /** On `incident.reported`: the reporter's own words, ≤ INCIDENT_NOTE_MAX characters. */
  note?: string;
  /** 1.2: present (always `true`) when the decision was made for a frame, not a tab. */
  frame?: true;
  /** 1.2, on `data.*`: how the data was leaving the page. */
  channel?: DataChannel;
  /** 1.2: the drill's name on `training.drill`, the lesson's id on `training.lesson`. */
  name?: string;
  /** 1.2, on `install.heartbeat`: the browser's name and version, e.g. `Chromium 156.0.8078.73`. */
  browser?: string;
  policyVersion: string;
  policySource: PolicySource;
  extensionVersion: string;
  /**
   * The random id of this browser profile's install. Written on every event since
   * version 1.1; events written by 1.0 (before an update) do not have it.
   */
  installId?: string;
  /** The profile's signed-in account, only under `logging.recordUser`. */
  user?: string;
  /** On `log.key` only: the install's signing public key, SPKI, base64. */
  publicKey?: string;
  /** `hash` of the event before it; `GENESIS` for the first ever. */
  prev: string;
  /** SHA-256 over `prev + "\n" + canonical(event without hash)`; see chain.ts. */
  hash: string;
}

/** An event without its hash: what the hash is computed over. */
export type UnhashedEvent = Omit<EventRecord, 'hash'>;

/**
 * What the store seals (sealEvent): an event without `seq`, `prev` and `hash`, which the
 * store assigns; `host`, `service` and `action` may be omitted and then become null;
 * optional fields set to `undefined` are left out; `installId` is the store's own (a
 * caller's value is replaced). Derived from EventRecord, so the fields are listed once.
 */
export type EventDraft = Omit<EventRecord, 'seq' | 'prev' | 'hash' | 'host' | 'service' | 'action' | 'findings'> & {
  host?: string | null;
  service?: string | null;
  action?: Action | null;
  findings?: readonly string[];
};

/**
 * THE event input: what a decision (in the core) or a person (through the background) says
 * about an event to write. Everything else is stamped by the background's recorder
 * (src/browser/recorder.ts): the time, the policy context, the user under
 * logging.recordUser, the URL cut to its host (or redacted under logging.recordFullUrls),
 * then the store's seq, installId, prev and hash. Core modules that decide an event return
 * this type, narrowed to what they write (`EventInput & { type: 'media.used' | … }`), so a
 * field added to events is added here once.
 */
export interface EventInput {
  type: EventType;
  /** The full URL concerned; only its host is kept unless the policy asks for full URLs. */
  url?: string;
  host?: string | null;
  service?: string | null;
  action?: Action | null;
  reason?: string;
  findings?: readonly string[];
  incident?: IncidentKind;
  note?: string;
  /** 1.2: the decision was made for a frame (written as `frame: true`). */
  frame?: boolean;
  channel?: DataChannel;
  name?: string;
  browser?: string;
}

