/**
 * Record requests from other extension contexts to the background (events.md: "A page
 * cannot write or read the log: only the extension's own contexts can").
 *
 * Who may send what:
 *   - extension pages (warning / block page, popup, options page: `sender.url` under the
 *     extension's origin): `navigation.warned`, `navigation.blocked`, `navigation.proceeded`,
 *     `navigation.redirected`, `link.checked`, `schedule.checked`, `log.exported`;
 *   - content scripts (`sender.tab` set, `sender.url` a web page): only `link.checked` and
 *     `schedule.checked`;
 *   - `policy.applied`, `policy.invalid`, `log.pruned` come from the background itself only;
 *   - anything whose `sender.id` is not this extension (web pages through
 *     externally_connectable, other extensions) is refused.
 *
 * A sender only describes what happened. The background stamps what it knows better: `ts`,
 * `policyVersion`, `policySource`, `extensionVersion`, and it redacts the URL itself
 * (`logging.recordFullUrls`), so a page can never put a path or passcode into the log.
 */
import { z } from 'zod';
import { ACTIONS } from '../../core/actions.ts';
import { redactUrl } from '../../core/events/redact.ts';
import type { EventDraft } from '../../core/events/types.ts';

// The request's shape lives in record-request.ts, which has no dependencies, so content
// scripts can build requests without bundling the validator (and zod).
export {
  CONTENT_SCRIPT_RECORDABLE_TYPES,
  FINDINGS_MAX,
  PAGE_RECORDABLE_TYPES,
  REASON_MAX_LENGTH,
  RECORD_EVENT_MESSAGE,
  recordEventRequest,
  URL_MAX_LENGTH,
  type RecordableType,
  type RecordContext,
  type RecordEventRequest,
  type RecordSender,
} from './record-request.ts';
import {
  CONTENT_SCRIPT_RECORDABLE_TYPES,
  FINDINGS_MAX,
  PAGE_RECORDABLE_TYPES,
  REASON_MAX_LENGTH,
  RECORD_EVENT_MESSAGE,
  URL_MAX_LENGTH,
  type RecordContext,
  type RecordSender,
} from './record-request.ts';

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const eventSchema = z.strictObject({
  type: z.enum(PAGE_RECORDABLE_TYPES),
  url: z.string().min(1).max(URL_MAX_LENGTH).optional(),
  host: z.string().min(1).max(253).optional(),
  service: z.string().regex(ID).nullable().optional(),
  action: z.enum(ACTIONS).nullable().optional(),
  reason: z
    .string()
    .max(REASON_MAX_LENGTH)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters')
    .optional(),
  findings: z.array(z.string().regex(ID)).max(FINDINGS_MAX).optional(),
});

const messageSchema = z.strictObject({
  kind: z.literal(RECORD_EVENT_MESSAGE),
  event: eventSchema,
});

function withSlash(origin: string): string {
  return origin.endsWith('/') ? origin : origin + '/';
}

type SenderKind = 'extension-page' | 'content-script';

function classify(sender: RecordSender, extensionId: string, extensionOrigin: string): SenderKind | { error: string } {
  if (typeof extensionId !== 'string' || extensionId === '' || sender.id !== extensionId) return { error: 'sender is not this extension' };
  if (typeof sender.url !== 'string') return { error: 'sender has no URL' };
  const base = withSlash(extensionOrigin);
  if (sender.url.startsWith(base)) {
    if (sender.origin !== undefined && withSlash(sender.origin) !== base) return { error: 'sender origin does not match its URL' };
    return 'extension-page';
  }
  if (sender.tab !== undefined && sender.tab !== null && /^https?:\/\//i.test(sender.url)) return 'content-script';
  return { error: 'sender is neither an extension page nor a content script' };
}

/**
 * Validate a record request and build the draft the background appends, or say why not.
 * `extensionOrigin` is e.g. `chrome-extension://<id>` (`new URL(runtime.getURL('/')).origin`
 * is "null" for such URLs outside Chromium, so pass `runtime.getURL('')`).
 */
export function acceptRecordRequest(
  message: unknown,
  sender: RecordSender,
  extensionId: string,
  extensionOrigin: string,
  context: RecordContext,
): EventDraft | { error: string } {
  const kind = classify(sender ?? {}, extensionId, extensionOrigin);
  if (typeof kind === 'object') return kind;

  const parsed = messageSchema.safeParse(message);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (!issue) return { error: 'invalid record request' };
    if (issue.code === 'unrecognized_keys') return { error: `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}` };
    const path = issue.path.map(String).join('.');
    return { error: path ? `field "${path}": ${issue.message}` : issue.message };
  }
  const e = parsed.data.event;

  const allowed: readonly string[] = kind === 'content-script' ? CONTENT_SCRIPT_RECORDABLE_TYPES : PAGE_RECORDABLE_TYPES;
  if (!allowed.includes(e.type)) return { error: `a ${kind} may not record ${e.type}` };

  const withFindings = e.type === 'link.checked' || e.type === 'schedule.checked';
  if (withFindings && e.findings === undefined) return { error: `${e.type} needs "findings"` };
  if (!withFindings && e.findings !== undefined) return { error: `"findings" does not apply to ${e.type}` };
  if (e.reason !== undefined && e.type !== 'navigation.proceeded') return { error: `"reason" does not apply to ${e.type}` };
  if (e.url !== undefined && e.host !== undefined) return { error: 'give "url" or "host", not both' };

  let host: string | null = null;
  let url: string | undefined;
  if (e.url !== undefined) {
    const r = redactUrl(e.url, context.recordFullUrls);
    host = r.host;
    if (r.url !== undefined) url = r.url;
  } else if (e.host !== undefined) {
    const r = redactUrl(`https://${e.host}/`, false);
    if (r.host === null || r.host !== e.host.toLowerCase().replace(/\.$/, '')) return { error: 'field "host": not a host name' };
    host = r.host;
  }

  const draft: EventDraft = {
    ts: (context.now ?? new Date()).toISOString(),
    type: e.type,
    host,
    service: e.service ?? null,
    action: e.action ?? null,
    policyVersion: context.policyVersion,
    policySource: context.policySource,
    extensionVersion: context.extensionVersion,
  };
  if (url !== undefined) draft.url = url;
  if (e.reason !== undefined) draft.reason = e.reason.trim();
  if (e.findings !== undefined) draft.findings = [...e.findings];
  return draft;
}
