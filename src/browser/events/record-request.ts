/**
 * The record request pages and content scripts send to the background (validated in
 * messages.ts). No dependencies: content scripts import this without the validator.
 */
import type { ACTIONS } from '../../core/actions.ts';
import type { EventType } from '../../core/events/types.ts';
import type { PolicySource } from '../../core/policy/schema.ts';

export const RECORD_EVENT_MESSAGE = 'telehealth-guard/record-event' as const;

/** Longest accepted `reason` (UTF-16 code units); the warning page's textbox uses it as maxlength. */
export const REASON_MAX_LENGTH = 500;
export const URL_MAX_LENGTH = 4096;
export const FINDINGS_MAX = 32;

/** Types an extension page may record. */
export const PAGE_RECORDABLE_TYPES = [
  'navigation.blocked',
  'navigation.warned',
  'navigation.proceeded',
  'navigation.redirected',
  'link.checked',
  'schedule.checked',
  'log.exported',
] as const satisfies readonly EventType[];
/** Types a content script may record. */
export const CONTENT_SCRIPT_RECORDABLE_TYPES = ['link.checked', 'schedule.checked'] as const satisfies readonly EventType[];

export type RecordableType = (typeof PAGE_RECORDABLE_TYPES)[number];

/** What a page or content script sends with `runtime.sendMessage`. */
export interface RecordEventRequest {
  kind: typeof RECORD_EVENT_MESSAGE;
  event: {
    type: RecordableType;
    /** The URL concerned, unredacted: the background keeps the host only (or a redacted URL). */
    url?: string;
    /** The host concerned, when there is no URL. Give `url` or `host`, not both. */
    host?: string;
    service?: string | null;
    action?: (typeof ACTIONS)[number] | null;
    /** `navigation.proceeded` only: the user's typed reason, at most REASON_MAX_LENGTH. */
    reason?: string;
    /** `link.checked` / `schedule.checked` only (required there): finding codes. */
    findings?: string[];
  };
}

/** The parts of `runtime.MessageSender` that are checked. */
export interface RecordSender {
  id?: string;
  url?: string;
  origin?: string;
  tab?: unknown;
}

/** What the background knows better than the sender. */
export interface RecordContext {
  policyVersion: string;
  policySource: PolicySource;
  extensionVersion: string;
  /** `logging.recordFullUrls`. */
  recordFullUrls: boolean;
  /** Default: now. */
  now?: Date;
}

export function recordEventRequest(event: RecordEventRequest['event']): RecordEventRequest {
  return { kind: RECORD_EVENT_MESSAGE, event };
}

