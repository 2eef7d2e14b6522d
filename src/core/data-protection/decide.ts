/**
 * The background's decisions on patient data (docs/data-protection.md, "What happens"). A
 * content script says what it found (counts per kind, and the channel); the background decides
 * what to do from the policy in force and the page the browser says sent it, writes the event,
 * and for a warning issues a ticket that a person's Continue must bring back with a reason.
 * Nothing here trusts the page: the counts are checked against what the policy can find, the
 * action comes from the policy, the scope from the sender's address, and a Continue is
 * honoured only once, for the frame and document it was issued to.
 */
import type { Action } from '../actions.ts';
import { MIN_REASON_LENGTH } from '../explain.ts';
import { DATA_CHANNELS, type DataChannel, type EventType } from '../events/types.ts';
import { REASON_MAX_LENGTH, normaliseReason } from '../reason.ts';
import type { Policy } from '../policy/schema.ts';
import { compileDetection, findingsOf, knownKeys, MAX_COUNT, type Counts } from './scan.ts';
import type { DataScope } from './scope.ts';

/** Continuing past a data warning always needs a reason, whatever `warn.requireReason` says (the warning page's minimum). */
export const DATA_MIN_REASON = MIN_REASON_LENGTH;
/** A ticket a person has not answered in this long is gone; the action stays refused. */
export const TICKET_LIFETIME_MS = 30 * 60_000;
/** At most this many data events per tab in RATE_WINDOW_MS: a page that fires synthetic pastes in a loop is held each time, but fills no log. */
export const RATE_LIMIT = 30;
export const RATE_WINDOW_MS = 10 * 60_000;

export interface DataEventIntent {
  type: Extract<EventType, 'data.warned' | 'data.proceeded' | 'data.blocked'>;
  host: string;
  service: string;
  action: Action;
  findings: string[];
  channel: DataChannel;
  reason?: string;
}

/** Who sent a message, as the browser says (runtime.MessageSender). */
export interface DataSender {
  tabId: number;
  frameId: number;
  /** Chromium's id of the frame's document; undefined on Firefox. */
  documentId?: string;
}

export interface DataTicket {
  id: string;
  sender: DataSender;
  channel: DataChannel;
  counts: Counts;
  host: string;
  service: string;
  issuedAt: number;
}

export type CheckAnswer = { error: string } | { action: 'warn' | 'block'; channel: DataChannel; counts: Counts; event: DataEventIntent };

/** A content script's report, checked: a known channel, and counts the policy could have produced. */
export function decideDataCheck(message: { channel?: unknown; counts?: unknown }, scope: DataScope | null, policy: Policy): CheckAnswer {
  if (scope === null) return { error: 'not a page where patient data is checked' };
  const channel = message.channel;
  if (typeof channel !== 'string' || !(DATA_CHANNELS as readonly string[]).includes(channel)) return { error: 'unknown channel' };
  const raw = message.counts;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { error: 'counts must be an object' };
  const known = knownKeys(compileDetection(policy.dataProtection));
  const counts: Counts = {};
  for (const [key, n] of Object.entries(raw)) {
    if (!known.has(key)) return { error: `unknown finding ${JSON.stringify(key.slice(0, 60))}` };
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_COUNT) return { error: `bad count for ${key}` };
    counts[key] = n;
  }
  if (Object.keys(counts).length === 0) return { error: 'nothing found: nothing to decide' };
  const action = policy.dataProtection.action;
  if (action === 'allow') return { error: 'patient data is not checked under this policy' };
  const service = scope.kind === 'consumer' ? scope.service : scope.platform;
  return {
    action,
    channel: channel as DataChannel,
    counts,
    event: { type: action === 'warn' ? 'data.warned' : 'data.blocked', host: scope.host, service, action, findings: findingsOf(counts), channel: channel as DataChannel },
  };
}

/** Whether another data event may be written for a tab that wrote these (times, ms) recently. */
export function underRateLimit(recent: readonly number[], now: number): boolean {
  return recent.filter((t) => now - t < RATE_WINDOW_MS).length < RATE_LIMIT;
}

export type ProceedAnswer = { ok: true; event: DataEventIntent } | { ok: false; error: string };

/**
 * A person's Continue: only with the ticket issued for this very frame and document, unused
 * and fresh, and with a reason. The event carries the ticket's findings and channel, never
 * what the message says.
 */
export function decideProceed(ticket: DataTicket | undefined, sender: DataSender, rawReason: unknown, now: number): ProceedAnswer {
  if (!ticket) return { ok: false, error: 'This warning is no longer open; try again.' };
  const same = ticket.sender.tabId === sender.tabId && ticket.sender.frameId === sender.frameId && ticket.sender.documentId === sender.documentId;
  if (!same) return { ok: false, error: 'This warning belongs to another page.' };
  if (now - ticket.issuedAt > TICKET_LIFETIME_MS) return { ok: false, error: 'This warning has expired; try again.' };
  const reason = typeof rawReason === 'string' ? normaliseReason(rawReason.slice(0, REASON_MAX_LENGTH * 4)) : '';
  if (reason.length < DATA_MIN_REASON) return { ok: false, error: `Please type a reason of at least ${DATA_MIN_REASON} characters.` };
  return {
    ok: true,
    event: { type: 'data.proceeded', host: ticket.host, service: ticket.service, action: 'warn', findings: findingsOf(ticket.counts), channel: ticket.channel, reason },
  };
}
