/**
 * Messages from the extension's own pages (guard, popup, options) to the background.
 * The background is the only writer of the log and the only holder of the policy in
 * force; pages ask it. Each request kind has one response type.
 */
import type { ClassifyResult } from '../core/classify.ts';
import type { GuardView } from '../core/explain.ts';
import type { LinkAnalysis } from '../core/meetings/analyse.ts';
import type { IncidentKind } from '../core/events/types.ts';
import type { Policy, PolicySource } from '../core/policy/schema.ts';
import type { EventFilter } from './events/store.ts';

export interface PolicyStatus {
  source: PolicySource;
  policyVersion: string;
  organization: string;
  managedPresent: boolean;
  fromLastValid: boolean;
  /** A managed policy was in force and is now gone or unreadable; the last one is kept (fail closed). */
  managedMissing: boolean;
  /** `path: message` lines per source whose current content is invalid. */
  problems: Partial<Record<'managed' | 'local', string[]>>;
  limitProblems: string[];
  localImported: boolean;
  ruleCount: number;
  /** The sign-in restrictions whose headers the browser sets; null when the policy has none. */
  tenantRestrictions: Policy['tenantRestrictions'] | null;
}

export interface TabVerdict {
  url: string;
  classification: ClassifyResult;
  bypassExpiresAt: number | null;
}

export type Request =
  | { kind: 'guard.view'; url: string }
  | { kind: 'guard.proceed'; url: string; reason: string }
  | { kind: 'guard.redirected'; url: string; to: string }
  | { kind: 'status'; tabUrl?: string }
  | { kind: 'policy.import'; text: string }
  | { kind: 'policy.clearLocal' }
  | { kind: 'link.check'; url: string }
  | { kind: 'log.export'; format: 'ndjson' | 'csv'; filter?: EventFilter }
  | { kind: 'log.exported'; format: 'ndjson' | 'csv'; count: number; filtered: boolean }
  | { kind: 'incident.report'; incident: IncidentKind; note: string; tabUrl?: string };

/** What the popup shows once an incident is recorded: the reference and whom to call. */
export interface IncidentReceipt {
  ok: true;
  reference: string;
  incidentResponse: Policy['incidentResponse'] | null;
  organization: Policy['organization'];
}

export type Response<K extends Request['kind']> = {
  'guard.view': { view: GuardView | null };
  'guard.proceed': { ok: true } | { ok: false; error: string };
  'guard.redirected': { ok: true };
  status: { status: PolicyStatus; tab: TabVerdict | null };
  'policy.import': { ok: true } | { ok: false; problems: string[] };
  'policy.clearLocal': { ok: true };
  'link.check': { analysis: LinkAnalysis } | { error: string };
  'log.export': { text: string; fileName: string };
  'log.exported': { ok: true };
  'incident.report': IncidentReceipt | { ok: false; error: string };
}[K];

/** Send a request to the background and get its typed answer. */
export async function ask<R extends Request>(request: R): Promise<Response<R['kind']>> {
  const answer = (await browser.runtime.sendMessage(request)) as Response<R['kind']> | { error: string } | undefined;
  if (answer === undefined) throw new Error('The Telehealth Guard background did not answer.');
  return answer as Response<R['kind']>;
}
