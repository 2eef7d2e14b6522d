/**
 * Scheduling pages (docs/meeting-links.md, "Scheduling pages"): what the settings a platform's
 * scheduling form shows mean under the policy. The one place that decides it: the content
 * script reads the form (src/browser/content/zoom-schedule.ts) and uses this to decide whether
 * to stop a save; the background, which alone writes the log, decides again with this from
 * the same reading and records `schedule.checked`.
 *
 * Pure: no DOM, no browser APIs.
 */
import type { Action } from '../actions.ts';
import { canonicalHost, hostUnder } from '../hosts.ts';
import type { Policy } from '../policy/schema.ts';
import { withPolicySeverity } from './judge.ts';
import { PLATFORM_DOMAINS, verdictAction, verdictOf, type Finding, type SettingState, type Verdict } from './types.ts';

/** `/meeting/schedule` or `/meeting/<id>/edit` on a Zoom host (zoom.us, zoomgov.com, zoom-x.de, subdomains). */
/**
 * The content script's match patterns, from Zoom's platform domains: every Zoom host's
 * `/meeting/…` pages (a pattern cannot say more; `isZoomSchedulePage` then checks exactly).
 * A Zoom domain added to PLATFORM_DOMAINS is covered without a second list to keep.
 */
export const ZOOM_SCHEDULE_MATCHES: string[] = PLATFORM_DOMAINS.zoom.flatMap((d) => [`*://${d}/meeting/*`, `*://*.${d}/meeting/*`]);

export function isZoomSchedulePage(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  const host = canonicalHost(u.hostname);
  if (!PLATFORM_DOMAINS.zoom.some((d) => hostUnder(host, d))) return false;
  const path = u.pathname.replace(/\/+$/, '').toLowerCase();
  return path === '/meeting/schedule' || /^\/meeting\/[^/]+\/edit$/.test(path);
}

export type ScheduleGeneration = 'current' | 'legacy' | 'unknown';

/** What a scheduling page shows; `unknown` for anything the reader could not read for sure. */
export interface ScheduleReading {
  generation: ScheduleGeneration;
  passcode: SettingState;
  waitingRoom: SettingState;
  usePersonalMeetingId: SettingState;
  joinBeforeHost: SettingState;
}

export interface ScheduleCheck {
  findings: Finding[];
  verdict: Verdict;
  /** The verdict as an event's action (`ok` → `allow`). */
  action: Action;
}

export const UNKNOWN_READING: ScheduleReading = {
  generation: 'unknown',
  passcode: 'unknown',
  waitingRoom: 'unknown',
  usePersonalMeetingId: 'unknown',
  joinBeforeHost: 'unknown',
};

/**
 * `passcode-off` / `waiting-room-off` when a required setting is off. A setting the page
 * reader could not read (`unknown`) gives nothing here. Severities as the policy sets them.
 */
export function scheduleFindings(form: { passcode: SettingState; waitingRoom: SettingState }, policy: Policy): Finding[] {
  const findings: Finding[] = [];
  if (policy.meetings.requirePasscode && form.passcode === 'off') {
    findings.push({
      code: 'passcode-off',
      severity: 'warn',
      message: 'This meeting has no passcode; turn on "Passcode" before saving, as your organisation requires one.',
    });
  }
  if (policy.meetings.requireWaitingRoom && form.waitingRoom === 'off') {
    findings.push({
      code: 'waiting-room-off',
      severity: 'warn',
      message: 'The waiting room is off; turn on "Waiting Room" before saving, as your organisation requires one.',
    });
  }
  return withPolicySeverity(findings, policy);
}

/** Every finding for a reading: `scheduleFindings` plus `personal-room`, and the verdict. */
export function checkSchedule(reading: ScheduleReading, policy: Policy): ScheduleCheck {
  const findings = scheduleFindings(reading, policy);
  // personal-room when the room is personal, allowPersonalRooms is false and the waiting room
  // is not on (a standing room behind a waiting room is not the risk).
  if (reading.usePersonalMeetingId === 'on' && !policy.meetings.allowPersonalRooms && reading.waitingRoom !== 'on') {
    findings.push(
      ...withPolicySeverity(
        [
          {
            code: 'personal-room',
            severity: 'warn',
            message:
              'This meeting uses your Personal Meeting ID, which stays the same for every meeting; choose "Generate Automatically" under "Meeting ID" (or turn on "Waiting Room") before saving.',
          },
        ],
        policy,
      ),
    );
  }
  const verdict = verdictOf(findings);
  return { findings, verdict, action: verdictAction(verdict) };
}

const STATES: readonly string[] = ['on', 'off', 'unknown'];
const GENERATIONS: readonly string[] = ['current', 'legacy', 'unknown'];

/**
 * A reading as sent by a content script (untrusted): the reading, or a message naming the
 * first field that is wrong. Unknown fields are refused.
 */
export function parseScheduleReading(value: unknown): ScheduleReading | { error: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'reading: expected an object' };
  const v = value as Record<string, unknown>;
  const keys = Object.keys(UNKNOWN_READING);
  for (const k of Object.keys(v)) if (!keys.includes(k)) return { error: `reading.${k}: unknown field` };
  if (!GENERATIONS.includes(v.generation as string)) return { error: 'reading.generation: expected current, legacy or unknown' };
  for (const k of ['passcode', 'waitingRoom', 'usePersonalMeetingId', 'joinBeforeHost']) {
    if (!STATES.includes(v[k] as string)) return { error: `reading.${k}: expected on, off or unknown` };
  }
  return v as unknown as ScheduleReading;
}

/** What the content script on a scheduling page sends the background: what it read, nothing else. */
export const SCHEDULE_CHECK = 'schedule.check' as const;
export interface ScheduleCheckRequest {
  kind: typeof SCHEDULE_CHECK;
  reading: ScheduleReading;
  /** Whether the page's save was stopped (the content script's own call, with the same rules). */
  prevented: boolean;
}

/** The `schedule.checked` event the background records for a request (it alone writes the log). */
export interface ScheduleCheckedEvent {
  type: 'schedule.checked';
  url: string;
  service: 'zoom';
  action: Action;
  findings: string[];
}

/**
 * The background's decision on a content script's `schedule.check`: the page's URL comes from
 * the browser (the sender's URL), never from the message; the findings are decided here again
 * from the reading with the policy in force. A message that is not a well-formed reading from a
 * Zoom scheduling page is refused with a message naming what is wrong.
 */
export function decideScheduleCheck(
  message: unknown,
  senderUrl: string | undefined,
  policy: Policy,
): { event: ScheduleCheckedEvent; check: ScheduleCheck } | { error: string } {
  if (typeof senderUrl !== 'string' || !isZoomSchedulePage(senderUrl)) return { error: 'schedule.check: only from a Zoom scheduling page' };
  if (typeof message !== 'object' || message === null) return { error: 'schedule.check: expected an object' };
  const m = message as Record<string, unknown>;
  for (const k of Object.keys(m)) if (!['kind', 'reading', 'prevented'].includes(k)) return { error: `schedule.check.${k}: unknown field` };
  if (typeof m.prevented !== 'boolean') return { error: 'schedule.check.prevented: expected true or false' };
  const reading = parseScheduleReading(m.reading);
  if ('error' in reading) return { error: `schedule.check.${reading.error}` };
  const check = checkSchedule(reading, policy);
  return {
    event: { type: 'schedule.checked', url: senderUrl, service: 'zoom', action: check.action, findings: check.findings.map((f) => f.code) },
    check,
  };
}
