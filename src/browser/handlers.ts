/**
 * What the background answers. Who may send what is decided once, in protocol.ts
 * (`senderKind`, `MAY_SEND`); the guard's decisions are the core's (src/core/guard.ts).
 * Here they are only carried out.
 */
import { formatReference } from '../core/explain.ts';
import { INCIDENT_KINDS, INCIDENT_NOTE_MAX } from '../core/events/types.ts';
import { answerGuardPage, decideNavigation, decideProceed, verdictAction, type GuardSender } from '../core/guard.ts';
import { GUARD_PAGE_PATH } from '../core/identity.ts';
import { projectTab } from '../core/verdict.ts';
import { hostOfUrl } from '../core/hosts.ts';
import { analyseLink } from '../core/meetings/analyse.ts';
import { decideScheduleCheck, SCHEDULE_CHECK } from '../core/meetings/schedule.ts';
import { LOOKALIKE_PASSWORD, passwordEvent, passwordGuardFor } from '../core/lookalike/password.ts';
import { formatProblem, parsePolicyText } from '../core/policy/parse.ts';
import { incognitoGap } from '../core/side-doors.ts';
import { checkSeal, SEAL_CHANGED } from '../core/policy/seal.ts';
import { addAllowance } from './allowances.ts';
import { takeLesson } from './awareness.ts';
import { frameSentFor, grantFramePass, grantPass, sentSeq } from './tab-ledger.ts';
import { policySummary } from '../core/policy/summary.ts';
import { t } from './i18n.ts';
import { contentPolicy, CONTENT_POLICY_REQUEST } from './content/policy-client.ts';
import { engine, LOCAL_POLICY_KEY, reloadEngine, type EngineState } from './engine.ts';
import { exportFileName } from './events/store.ts';
import { extensionOrigins, guardContext, sentFor } from './navigation-watch.ts';
import { maySend, senderKind, type GuardRequest, type OptionsRequest, type PolicyStatus, type Request, type Response, type Sender, type TabVerdict } from './protocol.ts';
import { eventStore, record, reportNow, scheduleReport } from './recorder.ts';
import { handleMediaMessage } from './media.ts';
import { handleDataMessage } from './data-protection.ts';

/** Every runtime message: the sender is classified, its request checked against what it may send, then handled. */
export async function handleMessage(message: unknown, sender: Sender): Promise<unknown> {
  const kind = senderKind(sender, browser.runtime.id, extensionOrigins());
  if (kind === null || !maySend(kind, message)) return { error: 'not allowed' };
  const request = message;
  switch (request.kind) {
    case 'guard.view':
    case 'guard.proceed':
    case 'guard.redirected':
      return handleGuard(request, sender);
    case 'status': {
      const state = await engine();
      const tabUrl = 'tabUrl' in request ? request.tabUrl : undefined;
      const tabId = 'tabId' in request && typeof request.tabId === 'number' ? request.tabId : null;
      return { status: status(state), tab: typeof tabUrl === 'string' ? await tabVerdict(tabUrl, tabId) : null } satisfies Response<'status'>;
    }
    case 'link.check':
      return checkLink(request.url, await engine());
    case 'incident.report':
      return reportIncident(request, await engine());
    case 'policy.import':
    case 'policy.clearLocal':
    case 'log.export':
    case 'log.exported':
      return handleOptions(request);
    case CONTENT_POLICY_REQUEST:
      return { policy: contentPolicy((await engine()).resolved.policy) };
    case SCHEDULE_CHECK:
      return checkSchedulePage(message, sender);
    case 'media.request':
    case 'media.proceed':
    case 'media.used':
      return handleMediaMessage(request, sender);
    case LOOKALIKE_PASSWORD:
      return passwordDisabled(sender);
    case 'data.config':
    case 'data.check':
    case 'data.proceed':
      return handleDataMessage(request, sender);
  }
}

/**
 * The guard page asks about the URL after its own '#', never one it names: what it shows
 * is bound to its address. It may act (continue, be let through, have its choice
 * recorded) only as the top-level page of a tab the extension sent there for that URL.
 */
async function guardSender(sender: Sender): Promise<GuardSender & { tabId: number | null; seq: Promise<number | null> }> {
  const url = sender.url!.slice(sender.url!.indexOf('#') + 1);
  const tabId = sender.tab?.id ?? null;
  const topLevel = sender.frameId === 0 && tabId !== null;
  if (!topLevel) {
    const frameSent = tabId !== null && typeof sender.frameId === 'number' ? await frameSentFor(tabId, sender.frameId, url) : false;
    return { url, topLevel, sent: frameSent, tabId, seq: Promise.resolve(null) };
  }
  const sent = await sentFor(tabId, url);
  return { url, topLevel, sent: sent !== null, tabId, seq: sent?.seq ?? Promise.resolve(null) };
}

async function handleGuard(request: GuardRequest, sender: Sender): Promise<unknown> {
  const who = await guardSender(sender);
  const ctx = await guardContext();
  switch (request.kind) {
    case 'guard.view': {
      const answer = answerGuardPage(who, ctx);
      if (answer.show === 'nothing') return { show: 'nothing' } satisfies Response<'guard.view'>;
      if (answer.show === 'go') {
        if (answer.pass && who.tabId !== null) await (who.topLevel ? grantPass(who.tabId, who.url) : grantFramePass(who.tabId, who.url));
        return { show: 'go', navigate: answer.navigate } satisfies Response<'guard.view'>;
      }
      // The event is usually written by now; the page is not held up for long if not.
      const seq = await Promise.race([who.seq, new Promise<null>((resolve) => setTimeout(() => resolve(null), 500))]);
      const view = seq !== null ? { ...answer.view, reference: { seq, installId: await (await eventStore()).installId() } } : answer.view;
      const lesson = await takeLesson(answer.lesson, await engine());
      return { show: 'page', view, mayContinue: answer.mayContinue, lesson } satisfies Response<'guard.view'>;
    }
    case 'guard.proceed': {
      const answer = decideProceed(who, request.reason, ctx);
      if (!answer.ok) return answer satisfies Response<'guard.proceed'>;
      if (answer.allowance) await addAllowance(answer.allowance);
      await record(answer.event, await engine());
      if (who.tabId !== null) await grantPass(who.tabId, who.url);
      return { ok: true } satisfies Response<'guard.proceed'>;
    }
    case 'guard.redirected': {
      // Chose a sanctioned platform instead: recorded only for a page that may act.
      if (!who.topLevel || !who.sent) return { ok: true } satisfies Response<'guard.redirected'>;
      const state = await engine();
      if (!state.resolved.policy.sanctionedPlatforms.some((p) => p.url === request.to)) return { ok: true };
      const d = decideNavigation(who.url, ctx);
      const c = d.kind === 'unreadable' ? null : d.classification;
      await record({ type: 'navigation.redirected', url: who.url, service: c?.service ?? null, action: c?.action ?? null }, state);
      return { ok: true } satisfies Response<'guard.redirected'>;
    }
  }
}

async function checkLink(url: string, state: EngineState): Promise<Response<'link.check'>> {
  if (hostOfUrl(url) === null) return { error: 'That is not a link: paste a whole address starting with https://' };
  const analysis = analyseLink(url, state.resolved.policy);
  if (analysis.platform !== null) {
    await record({ type: 'link.checked', url, service: analysis.platform, action: verdictAction(analysis.verdict), findings: analysis.findings.map((f) => f.code) }, state);
  }
  return { analysis, organization: state.resolved.policy.organization.name };
}

async function handleOptions(request: Exclude<OptionsRequest, { kind: 'status' }>): Promise<unknown> {
  const state = await engine();
  switch (request.kind) {
    case 'policy.import':
      return importLocal(request.text, state);
    case 'policy.clearLocal':
      await browser.storage.local.remove(LOCAL_POLICY_KEY);
      await reloadEngine();
      return { ok: true } satisfies Response<'policy.clearLocal'>;
    case 'log.export': {
      const store = await eventStore();
      const chunks: string[] = [];
      for await (const chunk of store.export(request.format, request.filter)) chunks.push(chunk);
      return { text: chunks.join(''), fileName: exportFileName(request.format, await store.installId()) } satisfies Response<'log.export'>;
    }
    case 'log.exported':
      // The options page exports by reading the store itself; the record is written here,
      // by the log's one writer.
      await record({ type: 'log.exported' }, state);
      return { ok: true } satisfies Response<'log.exported'>;
  }
}

/**
 * A scheduling page's reading from its content script: decided here again with the policy in
 * force, for the page the browser says sent it, and recorded by the background (docs/event-log.md:
 * a content script never adds an event itself).
 */
async function checkSchedulePage(message: unknown, sender: Sender): Promise<Response<typeof SCHEDULE_CHECK>> {
  const state = await engine();
  const decided = decideScheduleCheck(message, sender.url, state.resolved.policy);
  if ('error' in decided) return decided;
  await record(decided.event, state);
  return { findings: decided.check.findings };
}

/** Frames (tab, host) whose disabled password field is already recorded: once each, however often a page redraws its form. */
const passwordsRecorded = new Set<string>();

/**
 * A content script disabled a password field: decided again for the frame the browser says
 * sent it, recorded once per tab and host, and the imitated name sent back for its note.
 */
async function passwordDisabled(sender: Sender): Promise<Response<typeof LOOKALIKE_PASSWORD>> {
  const state = await engine();
  const lookalike = sender.url ? passwordGuardFor(sender.url, state.compiled) : null;
  if (!lookalike || !sender.url) return { name: null };
  const key = `${sender.tab?.id ?? -1} ${hostOfUrl(sender.url)}`;
  if (!passwordsRecorded.has(key)) {
    passwordsRecorded.add(key);
    if (passwordsRecorded.size > 1000) passwordsRecorded.clear();
    await record({ ...passwordEvent(sender.url, lookalike), ...(sender.frameId ? { frame: true } : {}) }, state);
  }
  return { name: lookalike.name };
}

/**
 * A clinician's incident report from the popup (docs/event-log.md 1.1): recorded with the current
 * tab's host only, and sent to the collector at once rather than with the next batch.
 */
async function reportIncident(request: Extract<Request, { kind: 'incident.report' }>, state: EngineState): Promise<Response<'incident.report'>> {
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
    delivery: policy.reporting?.url ? 'collector' : 'local',
    incidentResponse: policy.incidentResponse ?? null,
    organization: policy.organization,
  };
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
    unsealed: resolved.unsealed,
    incognitoAllowed: state.incognitoAllowed,
    incognitoGap: incognitoGap(resolved.policy, state.incognitoAllowed),
    problems,
    limitProblems: state.limitProblems,
    localImported: resolved.lastValid.local !== undefined,
    ruleCount: state.rules.length,
    tenantRestrictions: resolved.policy.tenantRestrictions ?? null,
    summary: policySummary(resolved.policy, t),
  };
}

/**
 * The active tab for the popup: the one decision's projection for its address — or, on the
 * guard page, for the address the page stopped, with the reference of the event that
 * recorded it (only for the tab the extension sent there, as on the page itself).
 */
async function tabVerdict(url: string, tabId: number | null): Promise<TabVerdict | null> {
  const guard = extensionOrigins().map((o) => `${o}${GUARD_PAGE_PATH}#`).find((prefix) => url.startsWith(prefix));
  const target = guard ? url.slice(guard.length) : url;
  const tab = projectTab(target, await guardContext());
  if (!tab) return null;
  const seq = guard && tabId !== null ? await sentSeq(tabId, target) : null;
  const reference = seq !== null ? formatReference({ seq, installId: await (await eventStore()).installId() }) : null;
  return { tab, stopped: guard !== undefined && tab.verdict !== 'allow', reference };
}

async function importLocal(text: string, state: EngineState): Promise<Response<'policy.import'>> {
  // Also while a vanished managed policy is kept in force (fail closed): only IT replaces it.
  if (state.resolved.managedPresent || state.resolved.source === 'managed') {
    return { ok: false, problems: ['Your organisation manages this browser: its policy is in force, and a local policy cannot replace it.'] };
  }
  const r = parsePolicyText(text);
  if (!r.ok) return { ok: false, problems: r.problems.map(formatProblem) };
  // A local import needs no seal; one it carries must match, as `validate` checks it.
  if ((await checkSeal(JSON.parse(text) as Record<string, unknown>)) === 'mismatch') return { ok: false, problems: [formatProblem({ path: 'seal', message: SEAL_CHANGED })] };
  await browser.storage.local.set({ [LOCAL_POLICY_KEY]: text });
  await reloadEngine();
  return { ok: true };
}

