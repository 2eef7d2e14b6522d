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
import type { Policy } from '../policy/schema.ts';
import { withPolicySeverity } from './judge.ts';
import { verdictAction, verdictOf, type Finding, type SettingState, type Verdict } from './types.ts';

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
