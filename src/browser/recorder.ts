/**
 * Recording an event: fill in the policy context, redact the URL as the policy says
 * (host only unless logging.recordFullUrls), and append to the store. An event is
 * durable once the returned promise resolves.
 */
import type { Action } from '../core/actions.ts';
import { redactUrl } from '../core/events/redact.ts';
import type { EventDraft, EventRecord, EventType } from '../core/events/types.ts';
import type { EngineState } from './engine.ts';
import { openEventStore, type EventStore } from './events/store.ts';

export interface RecordInput {
  type: EventType;
  /** The full URL concerned; only its host is kept unless the policy asks for full URLs. */
  url?: string;
  host?: string | null;
  service?: string | null;
  action?: Action | null;
  reason?: string;
  findings?: readonly string[];
}

let store: Promise<EventStore> | undefined;

export function eventStore(): Promise<EventStore> {
  store ??= openEventStore();
  // A failed open is retried next time rather than cached forever.
  store.catch(() => (store = undefined));
  return store;
}

export function draftFor(input: RecordInput, state: EngineState, now = new Date()): EventDraft {
  const { policy, source } = state.resolved;
  const redacted = input.url !== undefined ? redactUrl(input.url, policy.logging.recordFullUrls) : undefined;
  return {
    ts: now.toISOString(),
    type: input.type,
    host: input.host ?? redacted?.host ?? null,
    ...(redacted?.url !== undefined ? { url: redacted.url } : {}),
    service: input.service ?? null,
    action: input.action ?? null,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(input.findings !== undefined ? { findings: input.findings } : {}),
    policyVersion: policy.policyVersion,
    policySource: source,
    extensionVersion: browser.runtime.getManifest().version,
  };
}

export async function record(input: RecordInput, state: EngineState): Promise<EventRecord> {
  return (await eventStore()).append(draftFor(input, state));
}
