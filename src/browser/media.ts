/**
 * Camera, microphone and screen capture in the background (docs/camera-and-microphone.md).
 * The decisions are the core's (src/core/media); here they are carried out: the browser's own
 * content settings (Chrome, Edge), the notice's ticket and allowance, and the events — which
 * only this file writes, for the origin the browser gives for the sender, within the core's
 * rate limits.
 */
import { classifyUrl, isError } from '../core/classify.ts';
import { MIN_REASON_LENGTH } from '../core/explain.ts';
import { captureSettings, settingChanges, type CaptureSetting } from '../core/media/content-settings.ts';
import {
  admitEvent,
  decideCapture,
  decideMediaProceed,
  emptyLedger,
  judgedSite,
  mediaEvent,
  parseKinds,
  recordsSeenCapture,
  siteOf,
  TICKET_MINUTES,
  type CaptureKind,
  type MediaAllowance,
  type MediaContext,
  type MediaEventType,
  type MediaLedger,
  type MediaTicket,
  type Site,
} from '../core/media/decide.ts';
import { sanctionedCaptureSites } from '../core/media/sites.ts';
import type { Policy } from '../core/policy/schema.ts';
import { engine, type EngineState } from './engine.ts';
import { takeLesson } from './awareness.ts';
import { MEDIA_NOTICE, MEDIA_NOTICE_SCRIPT, type MediaContentRequest, type MediaNoticeView, type MediaRequestAnswer } from './media-protocol.ts';
import type { Sender } from './protocol.ts';
import { record } from './recorder.ts';
import { captureSettingsApplied, mediaAllowances, mediaLedger, mediaTickets } from './storage-items.ts';

export const MEDIA_ALARM = 'media-allowance-expiry';

/** One change at a time: requests arrive together, and each reads and writes the same keys. */
let queue: Promise<unknown> = Promise.resolve();
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

async function context(state: EngineState, now = Date.now()): Promise<MediaContext> {
  const { policy } = state.resolved;
  return { policy, sites: sanctionedCaptureSites(policy), allowances: await mediaAllowances.getValue(), now };
}

type SenderWithTab = Sender & { tab?: { id?: number; url?: string } };
const siteOfSender = (s: SenderWithTab): Site | null => judgedSite({ frameId: s.frameId, origin: s.origin, url: s.url, tabUrl: s.tab?.url });

/** A media event, if the core's limits take it now. */
async function recordMedia(type: MediaEventType, site: Site, kinds: readonly CaptureKind[], state: EngineState, reason?: string): Promise<void> {
  const stored = (await mediaLedger.getValue()) ?? undefined;
  const { policy } = state.resolved;
  const admitted = admitEvent(stored ?? emptyLedger(), type, site.host, Date.now(), policy);
  if (!admitted.record) return;
  if (admitted.ledger !== stored) await mediaLedger.setValue(admitted.ledger);
  const intent = mediaEvent(type, site, kinds, policy, reason);
  const c = classifyUrl(state.compiled, intent.url);
  await record({ ...intent, service: isError(c) ? null : c.service }, state);
}

export function handleMediaMessage(request: MediaContentRequest, sender: SenderWithTab): Promise<unknown> {
  return serial(async () => {
    const state = await engine();
    const site = siteOfSender(sender);
    switch (request.kind) {
      case 'media.request':
        return mediaRequest(request.kinds, site, sender, state);
      case 'media.proceed':
        return mediaProceed(request.ticket, request.reason, site, sender, state);
      case 'media.used': {
        const kinds = parseKinds(request.kinds);
        if (!site || !kinds) return { ok: true };
        const d = decideCapture(site, await context(state));
        if (d.kind === 'allow' && d.recordUse) await recordMedia('media.used', site, kinds, state);
        return { ok: true };
      }
    }
  });
}

async function mediaRequest(rawKinds: unknown, site: Site | null, sender: SenderWithTab, state: EngineState): Promise<MediaRequestAnswer> {
  const kinds = parseKinds(rawKinds);
  if (!kinds) return { error: 'unknown capture kinds' };
  if (!site) return { decision: 'allow' };
  const ctx = await context(state);
  const d = decideCapture(site, ctx);
  if (d.kind === 'allow') return { decision: 'allow' };
  if (d.kind === 'refuse') {
    await recordMedia('media.blocked', site, kinds, state);
    return { decision: 'refuse' };
  }
  const tabId = sender.tab?.id;
  if (tabId === undefined) return { decision: 'refuse' };
  const view = { ...(await issueTicket(tabId, site, kinds, ctx)), lesson: await takeLesson('camera', state) };
  await recordMedia('media.warned', site, kinds, state);
  // The notice's code reaches the top frame only now (every frame of every page carries just the
  // small bridge); where it cannot, nobody can be asked, and the request is refused.
  if (!(await ensureNotice(tabId))) return { decision: 'refuse' };
  if (sender.frameId === 0) return { decision: 'ask', view };
  // A frame's request: the person is asked in the top frame (whose site it is judged for);
  // this request is refused, and the page's next one goes through once they continued.
  await browser.tabs.sendMessage(tabId, { kind: MEDIA_NOTICE, view }, { frameId: 0 }).catch(() => undefined);
  return { decision: 'refuse' };
}

/** Inject the notice's script into the tab's top frame, in the extension's isolated world. */
async function ensureNotice(tabId: number): Promise<boolean> {
  try {
    await browser.scripting.executeScript({ target: { tabId, frameIds: [0] }, files: [MEDIA_NOTICE_SCRIPT] });
    return true;
  } catch {
    return false;
  }
}

/** One ticket per tab and origin, kept while it is good (a page asking again gets the same). */
async function issueTicket(tabId: number, site: Site, kinds: CaptureKind[], ctx: MediaContext): Promise<MediaNoticeView> {
  const tickets = await mediaTickets.getValue();
  for (const [id, t] of Object.entries(tickets)) if (t.expiresAt <= ctx.now) delete tickets[id];
  let ticket = Object.values(tickets).find((t) => t.tabId === tabId && t.origin === site.origin);
  if (!ticket) {
    ticket = { id: crypto.randomUUID(), tabId, origin: site.origin, kinds, expiresAt: ctx.now + TICKET_MINUTES * 60_000 };
  } else {
    ticket = { ...ticket, kinds: [...new Set([...ticket.kinds, ...kinds])].sort() as CaptureKind[] };
  }
  tickets[ticket.id] = ticket;
  await mediaTickets.setValue(tickets);
  const { policy } = ctx;
  return {
    ticket: ticket.id,
    host: site.host,
    organization: policy.organization.name,
    platforms: policy.sanctionedPlatforms.map((p) => ({ name: p.name, url: p.url })),
    bypassMinutes: policy.warn.bypassMinutes,
    minReason: policy.warn.requireReason ? MIN_REASON_LENGTH : 0,
  };
}

async function mediaProceed(ticketId: unknown, reason: unknown, site: Site | null, sender: SenderWithTab, state: EngineState): Promise<{ ok: true } | { ok: false; error: string }> {
  const tickets = await mediaTickets.getValue();
  const ticket = typeof ticketId === 'string' && Object.hasOwn(tickets, ticketId) ? tickets[ticketId] : undefined;
  const ctx = await context(state);
  // Only the top frame shows the notice, so only it may continue.
  const answer = sender.frameId === 0 ? decideMediaProceed(ticket, sender.tab?.id, site, reason, ctx) : { ok: false as const, error: 'not from the top frame' };
  if (!answer.ok) return answer;
  delete tickets[ticket!.id];
  await mediaTickets.setValue(tickets);
  if (answer.allowance) {
    const allowances = ctx.allowances.filter((a) => a.origin !== answer.allowance!.origin && a.expiresAt > ctx.now);
    allowances.push(answer.allowance);
    await mediaAllowances.setValue(allowances);
    await applyCaptureSettings(state.resolved.policy);
  }
  await recordMedia('media.proceeded', site!, answer.kinds, state, answer.reason);
  return { ok: true };
}

/**
 * The browser's camera and microphone settings for the policy in force (Chrome and Edge;
 * Firefox has no content-settings API, docs/camera-and-microphone.md). Called at every start
 * of the background, when the policy changes and when an allowance begins or ends.
 */
export async function applyCaptureSettings(policy: Policy): Promise<void> {
  const cs = (browser as unknown as { contentSettings?: Record<'camera' | 'microphone', ChromeContentSetting> }).contentSettings;
  const now = Date.now();
  const allowances = (await mediaAllowances.getValue()).filter((a) => a.expiresAt > now);
  await mediaAllowances.setValue(allowances);
  const next = Math.min(...allowances.map((a) => a.expiresAt));
  if (Number.isFinite(next)) await browser.alarms.create(MEDIA_ALARM, { when: next });
  else await browser.alarms.clear(MEDIA_ALARM);
  if (!cs) return;
  const applied = await captureSettingsApplied.getValue();
  const change = settingChanges(applied, captureSettings(policy, sanctionedCaptureSites(policy), allowances, now));
  for (const type of ['camera', 'microphone'] as const) {
    if (change.clear) await cs[type].clear({});
    for (const r of change.set) await cs[type].set({ primaryPattern: r.primaryPattern, setting: r.setting });
  }
  await captureSettingsApplied.setValue(change.next);
}

interface ChromeContentSetting {
  set(details: { primaryPattern: string; setting: string }): Promise<void>;
  clear(details: object): Promise<void>;
}

/** The allowance alarm: an ended allowance's origin is blocked again. */
export async function expireMediaAllowances(): Promise<void> {
  await serial(async () => applyCaptureSettings((await engine()).resolved.policy));
}

/**
 * Firefox reports which tabs share the camera, microphone or screen (`tabs.Tab.sharingState`):
 * what the browser itself saw, recorded as `media.used` on any unsanctioned site (core:
 * recordsSeenCapture), so a capture that got round the wrapper under block is heard of too.
 */
export function watchSharingState(): void {
  const onUpdated = browser.tabs.onUpdated as unknown as { addListener(fn: (tabId: number, change: { sharingState?: { camera?: boolean; microphone?: boolean; screen?: unknown } }, tab: { url?: string }) => void, filter?: object): void };
  try {
    onUpdated.addListener(
      (_tabId, change, tab) => {
        const s = change.sharingState;
        if (!s) return;
        const kinds = parseKinds([...(s.camera ? ['camera'] : []), ...(s.microphone ? ['microphone'] : []), ...(s.screen ? ['screen'] : [])]);
        const site = siteOf(tab.url);
        if (!kinds || !site) return;
        void serial(async () => {
          const state = await engine();
          if (recordsSeenCapture(site, await context(state))) await recordMedia('media.used', site, kinds, state);
        });
      },
      { properties: ['sharingState'] },
    );
  } catch {
    /* a browser without the filter (Chrome): nothing to watch */
  }
}
