/**
 * Recording an event: fill in the policy context, redact the URL as the policy says
 * (host only unless logging.recordFullUrls), add the signed-in user under
 * logging.recordUser, and append to the store (which adds the install's id). An event
 * is durable once the returned promise resolves.
 */
import { redactUrl } from '../core/events/redact.ts';
import type { EventDraft, EventInput, EventRecord } from '../core/events/types.ts';
import type { EngineState } from './engine.ts';
import { openEventStore, type EventStore } from './events/store.ts';
import { profileUser } from './profile-user.ts';

/** What callers pass to record(): the one event input type (core/events/types.ts). */
export type RecordInput = EventInput;

let store: Promise<EventStore> | undefined;

export function eventStore(): Promise<EventStore> {
  store ??= openEventStore();
  // A failed open is retried next time rather than cached forever.
  store.catch(() => (store = undefined));
  return store;
}

export function draftFor(input: RecordInput, state: EngineState, now = new Date(), user?: string): EventDraft {
  const { policy, source } = state.resolved;
  const redacted = input.url !== undefined ? redactUrl(input.url, policy.logging.recordFullUrls, { params: policy.logging.redactParams }) : undefined;
  return {
    ts: now.toISOString(),
    type: input.type,
    host: input.host ?? redacted?.host ?? null,
    ...(redacted?.url !== undefined ? { url: redacted.url } : {}),
    service: input.service ?? null,
    action: input.action ?? null,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(input.findings !== undefined ? { findings: input.findings } : {}),
    ...(input.incident !== undefined ? { incident: input.incident } : {}),
    ...(input.note !== undefined ? { note: input.note } : {}),
    ...(input.frame ? { frame: true as const } : {}),
    ...(input.channel !== undefined ? { channel: input.channel } : {}),
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.browser !== undefined ? { browser: input.browser } : {}),
    policyVersion: policy.policyVersion,
    policySource: source,
    extensionVersion: browser.runtime.getManifest().version,
    ...(user !== undefined && policy.logging.recordUser ? { user } : {}),
  };
}

/** `at`: when it happened, if earlier than now (an event replayed after the worker was stopped). */
export async function record(input: RecordInput, state: EngineState, at?: Date): Promise<EventRecord> {
  const now = at ?? new Date();
  const user = state.resolved.policy.logging.recordUser ? await profileUser() : undefined;
  const event = await (await eventStore()).append(draftFor(input, state, now, user));
  if (state.resolved.policy.reporting?.url) scheduleReport();
  return event;
}

export const REPORT_ALARM = 'report';

/** With a collector configured, a periodic tick sends what bursts left queued (and retries). */
export async function syncReportAlarm(state: EngineState): Promise<void> {
  if (state.resolved.policy.reporting?.url) {
    const existing = await browser.alarms.get(REPORT_ALARM);
    if (!existing) await browser.alarms.create(REPORT_ALARM, { periodInMinutes: 1, delayInMinutes: 0.1 });
  } else {
    await browser.alarms.clear(REPORT_ALARM);
  }
}

let reportTimer: ReturnType<typeof setTimeout> | undefined;
let reporter: (() => Promise<void>) | undefined;

/** Set by the background: how to send queued events to the collector. */
export function setReporter(fn: () => Promise<void>): void {
  reporter = fn;
}

/**
 * Send soon after events are recorded, in one batch for a burst. If the worker stops
 * first, the periodic report alarm picks the events up: they are never lost, only later.
 */
export function scheduleReport(delayMs = 2000): void {
  if (!reporter || reportTimer !== undefined) return;
  reportTimer = setTimeout(() => {
    reportTimer = undefined;
    void reporter?.().catch(() => undefined);
  }, delayMs);
}

/**
 * Send now, not with the next batch (an incident report): a pending batch timer is
 * folded into this send. The periodic alarm still retries if the collector is down.
 */
export async function reportNow(): Promise<void> {
  if (reportTimer !== undefined) {
    clearTimeout(reportTimer);
    reportTimer = undefined;
  }
  await reporter?.().catch(() => undefined);
}
