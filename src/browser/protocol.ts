/**
 * Every message to the background, typed by who sends it, and the one place that decides
 * who may send what (`senderKind`, `MAY_SEND`). Web pages cannot reach the background at
 * all (no externally_connectable). The background is the only writer of the log and the
 * only holder of the policy in force; pages and content scripts ask it.
 */
import type { GuardView } from '../core/explain.ts';
import type { LessonText } from '../core/awareness/lessons.ts';
import type { Finding, LinkAnalysis } from '../core/meetings/analyse.ts';
import { SCHEDULE_CHECK } from '../core/meetings/schedule.ts';
import type { IncidentKind } from '../core/events/types.ts';
import type { Policy, PolicySource } from '../core/policy/schema.ts';
import { CONTENT_POLICY_REQUEST } from './content/policy-client.ts';
import { LOOKALIKE_PASSWORD, type LookalikePasswordAnswer } from '../core/lookalike/password.ts';
import type { SummaryLine } from '../core/policy/summary.ts';
import type { TabProjection } from '../core/verdict.ts';
import type { EventFilter } from './events/store.ts';
import type { MediaContentRequest, MediaRequestAnswer } from './media-protocol.ts';
import type { DataCheckAnswer, DataConfigAnswer, DataContentRequest, DataProceedAnswer } from './data-protocol.ts';

export interface PolicyStatus {
  source: PolicySource;
  policyVersion: string;
  organization: string;
  managedPresent: boolean;
  fromLastValid: boolean;
  /** A managed policy was in force and is now gone or unreadable; the last one is kept (fail closed). */
  managedMissing: boolean;
  /** The managed policy in force carries no seal (docs/policy-format.md 1.2): shown on the options page. */
  unsealed: boolean;
  /** Whether the extension may run in incognito windows (null: the browser cannot say). */
  incognitoAllowed: boolean | null;
  /** Incognito windows escape the guard and the policy does not say IT turned them off (core/side-doors.ts). */
  incognitoGap: boolean;
  /** `path: message` lines per source whose current content is invalid. */
  problems: Partial<Record<'managed' | 'local', string[]>>;
  limitProblems: string[];
  localImported: boolean;
  ruleCount: number;
  /** The sign-in restrictions whose headers the browser sets; null when the policy has none. */
  tenantRestrictions: Policy['tenantRestrictions'] | null;
  /** What the policy in force does, in the browser's language (core/policy/summary.ts). */
  summary: SummaryLine[];
}

/** The active tab as the popup shows it: a projection of the one decision (src/core/verdict.ts). */
export interface TabVerdict {
  tab: TabProjection;
  /** The tab shows the guard page: `tab` is what it stopped, and `reference` the recorded event's, for the service desk. */
  stopped: boolean;
  reference: string | null;
}

/** The warning / block page (guard.html). The URL it is about is its own, after '#': never sent. */
export type GuardRequest = { kind: 'guard.view' } | { kind: 'guard.proceed'; reason: string } | { kind: 'guard.redirected'; to: string };
/** The toolbar popup. */
export type PopupRequest =
  | { kind: 'status'; tabUrl?: string; tabId?: number }
  | { kind: 'link.check'; url: string }
  | { kind: 'incident.report'; incident: IncidentKind; note: string; tabUrl?: string };
/** The context menu's link-check window (check.html). */
export type CheckRequest = { kind: 'link.check'; url: string };
/** The options page (administrator). */
export type OptionsRequest =
  | { kind: 'status' }
  | { kind: 'policy.import'; text: string }
  | { kind: 'policy.clearLocal' }
  | { kind: 'log.export'; format: 'ndjson' | 'csv'; filter?: EventFilter }
  | { kind: 'log.exported'; format: 'ndjson' | 'csv'; count: number; filtered: boolean };

/** What the popup shows once an incident is recorded: the reference and whom to call. */
export interface IncidentReceipt {
  ok: true;
  reference: string;
  /**
   * Where the report went: to the organisation's collector (`reporting.url`, sent at once and
   * retried until it arrives), or only into this browser's log (no collector: nobody has
   * been told, and the person must say so themselves).
   */
  delivery: 'collector' | 'local';
  incidentResponse: Policy['incidentResponse'] | null;
  organization: Policy['organization'];
}

/** Content scripts, in web pages (the page's own code cannot send these, but can shape what they read). */
export type ContentRequest =
  | { kind: typeof CONTENT_POLICY_REQUEST }
  /** A scheduling page's reading: the background decides and records (src/core/meetings/schedule.ts). */
  | { kind: typeof SCHEDULE_CHECK; reading: unknown; prevented: unknown }
  /** A capture request, a notice's Continue, a capture that started (src/browser/media.ts). */
  | MediaContentRequest
  /** A password field disabled on a look-alike host: the background decides again and records (src/core/lookalike/password.ts). */
  | { kind: typeof LOOKALIKE_PASSWORD }
  /** Patient data: the page's checking policy, what was found, a notice's Continue (src/browser/data-protection.ts). */
  | DataContentRequest;

export type Request = GuardRequest | PopupRequest | CheckRequest | OptionsRequest | ContentRequest;

/**
 * `frame-script`: a content script in a web page's about:blank or about:srcdoc frame (the
 * editors of webmail and chat apps), where the browser names the document `about:…` and gives
 * its page's origin. Only the patient-data script goes there (docs/data-protection.md), so only
 * its messages are taken; the background judges them by that origin.
 */
export type SenderKind = 'guard' | 'popup' | 'check' | 'options' | 'content-script' | 'frame-script';

/** Which sender may send which kinds: checked once, before any handler runs. */
export const MAY_SEND: Record<SenderKind, ReadonlyArray<Request['kind']>> = {
  guard: ['guard.view', 'guard.proceed', 'guard.redirected'],
  popup: ['status', 'link.check', 'incident.report'],
  check: ['link.check'],
  options: ['status', 'policy.import', 'policy.clearLocal', 'log.export', 'log.exported'],
  'content-script': [CONTENT_POLICY_REQUEST, SCHEDULE_CHECK, 'media.request', 'media.proceed', 'media.used', LOOKALIKE_PASSWORD, 'data.config', 'data.check', 'data.proceed'],
  'frame-script': ['data.config', 'data.check', 'data.proceed'],
};

/** The parts of `runtime.MessageSender` that are checked. */
export interface Sender {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { id?: number };
  frameId?: number;
}

const PAGES: Record<string, SenderKind> = { '/guard.html': 'guard', '/popup.html': 'popup', '/check.html': 'check', '/options.html': 'options' };

/**
 * Who sent a message, or null for anyone else. `extensionOrigins` are the origins the
 * extension's pages can have (`chrome-extension://<id>`, and on Firefox the
 * `moz-extension://<uuid>` of `runtime.getURL`).
 */
export function senderKind(sender: Sender, extensionId: string, extensionOrigins: readonly string[]): SenderKind | null {
  if (!extensionId || sender.id !== extensionId || typeof sender.url !== 'string') return null;
  const origin = extensionOrigins.find((o) => sender.url!.startsWith(o + '/'));
  if (origin !== undefined) {
    if (sender.origin !== undefined && sender.origin !== origin) return null;
    const path = sender.url.slice(origin.length).replace(/[?#].*$/s, '');
    return PAGES[path] ?? null;
  }
  if (sender.tab?.id !== undefined && /^https?:\/\//i.test(sender.url)) return 'content-script';
  if (sender.tab?.id !== undefined && /^about:(?:blank|srcdoc)$/i.test(sender.url) && /^https?:\/\/[^/]+$/i.test(sender.origin ?? '')) return 'frame-script';
  return null;
}

export function maySend(kind: SenderKind, request: unknown): request is Request {
  const k = (request as { kind?: unknown } | null)?.kind;
  return typeof k === 'string' && (MAY_SEND[kind] as readonly string[]).includes(k);
}

/** What the guard page gets. The view's `reference` identifies the recorded event, for the service desk. */
export type GuardViewResponse = { show: 'nothing' } | { show: 'go'; navigate: boolean } | { show: 'page'; view: GuardView; mayContinue: boolean; lesson?: LessonText | null };

export type Response<K extends Request['kind']> = {
  'guard.view': GuardViewResponse;
  'guard.proceed': { ok: true } | { ok: false; error: string };
  'guard.redirected': { ok: true };
  status: { status: PolicyStatus; tab: TabVerdict | null };
  'policy.import': { ok: true } | { ok: false; problems: string[] };
  'policy.clearLocal': { ok: true };
  /** `organization`: the policy's organisation name, for the next step's wording. */
  'link.check': { analysis: LinkAnalysis; organization: string } | { error: string };
  'log.export': { text: string; fileName: string };
  'log.exported': { ok: true };
  'incident.report': IncidentReceipt | { ok: false; error: string };
  [CONTENT_POLICY_REQUEST]: unknown;
  [SCHEDULE_CHECK]: { findings: Finding[] } | { error: string };
  'media.request': MediaRequestAnswer;
  'media.proceed': { ok: true } | { ok: false; error: string };
  'media.used': { ok: true };
  [LOOKALIKE_PASSWORD]: LookalikePasswordAnswer;
  'data.config': DataConfigAnswer;
  'data.check': DataCheckAnswer;
  'data.proceed': DataProceedAnswer;
}[K];

/** Send a request to the background and get its typed answer. */
export async function ask<R extends Request>(request: R): Promise<Response<R['kind']>> {
  const answer = (await browser.runtime.sendMessage(request)) as Response<R['kind']> | { error: string } | undefined;
  if (answer === undefined) throw new Error('The Telehealth Guard background did not answer.');
  return answer as Response<R['kind']>;
}
