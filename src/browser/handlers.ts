/**
 * What the background answers. Web pages cannot reach it at all (no
 * externally_connectable). Content scripts may only ask for the policy (without the
 * collector token) and record link.checked / schedule.checked; everything else must come
 * from the extension's own pages, and changing the policy from its options page only.
 */
import { classifyUrl, isError } from '../core/classify.ts';
import { formatReference, type GuardReference, meetingView, navigationView, reasonAccepted } from '../core/explain.ts';
import { INCIDENT_KINDS, INCIDENT_NOTE_MAX } from '../core/events/types.ts';
import { hostOfUrl } from '../core/hosts.ts';
import { analyseLink, PLATFORM_NAMES } from '../core/meetings/analyse.ts';
import { formatProblem, parsePolicyText } from '../core/policy/parse.ts';
import { activeBypass, addBypass, addPass } from './bypass.ts';
import { engine, LOCAL_POLICY_KEY, reloadEngine, type EngineState } from './engine.ts';
import type { PolicyStatus, Request, Response, TabVerdict } from './protocol.ts';
import { contentPolicy, CONTENT_POLICY_REQUEST } from './content/policy-client.ts';
import { acceptRecordRequest, REASON_MAX_LENGTH, RECORD_EVENT_MESSAGE } from './events/messages.ts';
import { exportFileName } from './events/store.ts';
import { eventStore, record, reportNow, scheduleReport } from './recorder.ts';

/** Longest reason kept: enough for a sentence, not a paste of patient notes. */
const MAX_REASON = REASON_MAX_LENGTH;

export interface Sender {
  id?: string;
  url?: string;
  tab?: { id?: number };
}

export function fromOwnPage(sender: Sender): boolean {
  return sender.id === browser.runtime.id && typeof sender.url === 'string' && sender.url.startsWith(browser.runtime.getURL('/'));
}

/**
 * Every runtime message: content scripts may only ask for the policy and record
 * link.checked / schedule.checked (validated in events/messages.ts); everything else is
 * for the extension's own pages.
 */
export async function handleMessage(message: unknown, sender: Sender): Promise<unknown> {
  const kind = (message as { kind?: unknown } | null)?.kind;
  if (kind === CONTENT_POLICY_REQUEST) {
    if (sender.id !== browser.runtime.id) return { error: 'not allowed' };
    return { policy: contentPolicy((await engine()).resolved.policy) };
  }
  if (kind === RECORD_EVENT_MESSAGE) {
    const state = await engine();
    const draft = acceptRecordRequest(message, sender, browser.runtime.id, browser.runtime.getURL(''), {
      policyVersion: state.resolved.policy.policyVersion,
      policySource: state.resolved.source,
      extensionVersion: browser.runtime.getManifest().version,
      recordFullUrls: state.resolved.policy.logging.recordFullUrls,
    });
    if ('error' in draft) return draft;
    await (await eventStore()).append(draft);
    scheduleReport();
    return { ok: true };
  }
  return handleRequest(message as Request, sender);
}

export async function handleRequest(request: Request, sender: Sender): Promise<Response<Request['kind']> | { error: string }> {
  if (!fromOwnPage(sender)) return { error: 'not allowed' };
  const state = await engine();
  switch (request.kind) {
    case 'guard.view':
      return guardView(request.url, state, sender.tab?.id);
    case 'guard.proceed':
      return proceed(request.url, request.reason, state, sender.tab?.id);
    case 'guard.redirected': {
      const c = classifyUrl(state.compiled, request.url);
      await record({ type: 'navigation.redirected', url: request.url, service: isError(c) ? null : c.service, action: isError(c) ? null : c.action }, state);
      return { ok: true };
    }
    case 'status':
      return { status: status(state), tab: request.tabUrl ? await tabVerdict(request.tabUrl, state) : null };
    case 'policy.import':
      return importLocal(request.text, state, sender);
    case 'policy.clearLocal':
      if (!fromOptionsPage(sender)) return { error: 'not allowed' };
      await browser.storage.local.remove(LOCAL_POLICY_KEY);
      await reloadEngine();
      return { ok: true };
    case 'link.check': {
      if (hostOfUrl(request.url) === null) return { error: 'That is not a link: paste a whole address starting with https://' };
      const analysis = analyseLink(request.url, state.resolved.policy);
      if (analysis.platform !== null) {
        await record({ type: 'link.checked', url: request.url, service: analysis.platform, action: verdictAction(analysis.verdict), findings: analysis.findings.map((f) => f.code) }, state);
      }
      return { analysis };
    }
    case 'log.export': {
      const store = await eventStore();
      const chunks: string[] = [];
      for await (const chunk of store.export(request.format, request.filter)) chunks.push(chunk);
      return { text: chunks.join(''), fileName: exportFileName(request.format, await store.installId()) };
    }
    case 'log.exported':
      // The options page exports by reading the store itself; the record is written here,
      // by the log's one writer.
      await record({ type: 'log.exported' }, state);
      return { ok: true };
    case 'incident.report':
      return reportIncident(request, state, sender);
    default:
      return { error: `unknown request ${JSON.stringify((request as { kind?: unknown }).kind)}` };
  }
}

/**
 * What the guard page shows for a URL: the site policy first (warn/block), then, for a
 * meeting link, its analysis. When neither stops it, the tab gets a one-time pass
 * through the meeting-link gate and the page goes on to the URL.
 */
async function guardView(url: string, state: EngineState, tabId: number | undefined): Promise<Response<'guard.view'>> {
  const { policy } = state.resolved;
  const c = classifyUrl(state.compiled, url);
  if (isError(c) || !/^https?:$/.test(new URL(url).protocol)) return { view: null };
  // The warned or blocked event is written before the page is answered: its seq is the
  // reference the page shows for the service desk.
  if (c.action === 'block' || (c.action === 'warn' && !(await activeBypass(c.host)))) {
    const reference = await referenceOf(record({ type: c.action === 'block' ? 'navigation.blocked' : 'navigation.warned', url, service: c.service, action: c.action }, state));
    return { view: { ...navigationView(c, c.host, policy), ...reference } };
  }
  const meeting = policy.meetings.checkNavigation ? analyseLink(url, policy) : null;
  if (meeting && meeting.platform !== null) {
    recordSoon({ type: 'link.checked', url, service: meeting.platform, action: verdictAction(meeting.verdict), findings: meeting.findings.map((f) => f.code) }, state);
    if (meeting.verdict !== 'ok') {
      const reference = await referenceOf(record({ type: meeting.verdict === 'block' ? 'navigation.blocked' : 'navigation.warned', url, service: meeting.platform, action: meeting.verdict }, state));
      return { view: { ...meetingView(meeting.verdict, c.host, PLATFORM_NAMES[meeting.platform], meeting.findings, policy, meeting.platform), ...reference } };
    }
  }
  if (tabId !== undefined) await addPass(tabId, c.host);
  return { view: null };
}

async function proceed(url: string, rawReason: string, state: EngineState, tabId: number | undefined): Promise<Response<'guard.proceed'>> {
  const { policy } = state.resolved;
  const c = classifyUrl(state.compiled, url);
  if (isError(c) || !/^https?:$/.test(new URL(url).protocol)) return { ok: false, error: 'This address could not be read.' };
  const blocked = `${policy.organization.name} blocks this; it cannot be opened.`;
  if (c.action === 'block') return { ok: false, error: blocked };
  // A meeting link whose verdict is block has no way through either.
  const meeting = policy.meetings.checkNavigation ? analyseLink(url, policy) : null;
  if (c.action === 'allow' && meeting?.verdict === 'block') return { ok: false, error: blocked };
  const reason = rawReason.trim().slice(0, MAX_REASON);
  if (!reasonAccepted(reason, policy)) return { ok: false, error: 'Please type a reason of at least 3 characters.' };
  // A warned site is allowed for a while; a warned meeting link is let through once.
  if (c.action === 'warn') await addBypass(c.host, policy.warn.bypassMinutes);
  const service = c.action === 'warn' ? c.service : (meeting?.platform ?? null);
  await record({ type: 'navigation.proceeded', url, service, action: 'warn', ...(reason ? { reason } : {}) }, state);
  if (tabId !== undefined) await addPass(tabId, c.host);
  return { ok: true };
}

/**
 * A clinician's incident report from the popup (events.md 1.1): recorded with the current
 * tab's host only, and sent to the collector at once rather than with the next batch.
 */
async function reportIncident(request: Extract<Request, { kind: 'incident.report' }>, state: EngineState, sender: Sender): Promise<Response<'incident.report'>> {
  if (!sender.url?.startsWith(browser.runtime.getURL('/popup.html'))) return { ok: false, error: 'Incidents are reported from the Telehealth Guard button.' };
  if (!(INCIDENT_KINDS as readonly string[]).includes(request.incident)) return { ok: false, error: `unknown incident kind ${JSON.stringify(request.incident)}` };
  if (typeof request.note !== 'string') return { ok: false, error: 'note must be text' };
  const note = request.note.trim().slice(0, INCIDENT_NOTE_MAX);
  const host = request.tabUrl && /^https?:/i.test(request.tabUrl) ? hostOfUrl(request.tabUrl) : null;
  const event = await record({ type: 'incident.reported', host, incident: request.incident, ...(note ? { note } : {}) }, state);
  void reportNow();
  const { policy } = state.resolved;
  return {
    ok: true,
    reference: formatReference({ seq: event.seq, installId: await (await eventStore()).installId() }),
    incidentResponse: policy.incidentResponse ?? null,
    organization: policy.organization,
  };
}

/**
 * The warned or blocked event's reference for the page (cli-and-ui.md 1.1). A failed write
 * is reported and the page still shows, without a reference.
 */
async function referenceOf(recorded: Promise<{ seq: number }>): Promise<{ reference?: GuardReference }> {
  try {
    const [event, installId] = await Promise.all([recorded, eventStore().then((s) => s.installId())]);
    return { reference: { seq: event.seq, installId } };
  } catch (e) {
    console.error(`Telehealth Guard could not record the guard event: ${(e as Error).message}`);
    return {};
  }
}

/** Record without holding up the answer; a failed write is reported, never silent. */
function recordSoon(input: Parameters<typeof record>[0], state: EngineState): void {
  record(input, state).catch((e: Error) => console.error(`Telehealth Guard could not record ${input.type}: ${e.message}`));
}

function verdictAction(verdict: 'ok' | 'warn' | 'block'): 'allow' | 'warn' | 'block' {
  return verdict === 'ok' ? 'allow' : verdict;
}

export function status(state: EngineState): PolicyStatus {
  const { resolved } = state;
  const problems: PolicyStatus['problems'] = {};
  for (const source of ['managed', 'local'] as const) {
    const list = resolved.problems[source];
    if (list) problems[source] = list.map(formatProblem);
  }
  return {
    source: resolved.source,
    policyVersion: resolved.policy.policyVersion,
    organization: resolved.policy.organization.name,
    managedPresent: resolved.managedPresent,
    fromLastValid: resolved.fromLastValid,
    managedMissing: resolved.managedMissing,
    problems,
    limitProblems: state.limitProblems,
    localImported: resolved.lastValid.local !== undefined,
    ruleCount: state.rules.length,
    tenantRestrictions: resolved.policy.tenantRestrictions ?? null,
  };
}

async function tabVerdict(url: string, state: EngineState): Promise<TabVerdict> {
  const classification = classifyUrl(state.compiled, url);
  const bypass = !isError(classification) ? await activeBypass(classification.host) : null;
  return { url, classification, bypassExpiresAt: bypass?.expiresAt ?? null };
}

function fromOptionsPage(sender: Sender): boolean {
  return sender.url?.startsWith(browser.runtime.getURL('/options.html')) ?? false;
}

async function importLocal(text: string, state: EngineState, sender: Sender): Promise<Response<'policy.import'>> {
  if (!fromOptionsPage(sender)) return { ok: false, problems: ['Policies can only be imported on the options page.'] };
  // Also while a vanished managed policy is kept in force (fail closed): only IT replaces it.
  if (state.resolved.managedPresent || state.resolved.source === 'managed') {
    return { ok: false, problems: ['Your organisation manages this browser: its policy is in force, and a local policy cannot replace it.'] };
  }
  const r = parsePolicyText(text);
  if (!r.ok) return { ok: false, problems: r.problems.map(formatProblem) };
  await browser.storage.local.set({ [LOCAL_POLICY_KEY]: text });
  await reloadEngine();
  return { ok: true };
}
