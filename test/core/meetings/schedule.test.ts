import { describe, expect, it } from 'vitest';
import { checkSchedule, decideScheduleCheck, isZoomSchedulePage, UNKNOWN_READING, ZOOM_SCHEDULE_MATCHES, type ScheduleReading } from '../../../src/core/meetings/schedule.ts';
import { PLATFORM_DOMAINS } from '../../../src/core/meetings/types.ts';
import { policySchema } from '../../../src/core/policy/schema.ts';

const policy = policySchema.parse({ schemaVersion: 1 });
const PAGE = 'https://examplehealth.zoom.us/meeting/schedule';
const reading: ScheduleReading = { generation: 'current', passcode: 'on', waitingRoom: 'off', usePersonalMeetingId: 'off', joinBeforeHost: 'off' };

describe('the background decides a scheduling page check (schedule.check)', () => {
  it('records schedule.checked from the reading, with the page URL the browser gives', () => {
    const r = decideScheduleCheck({ kind: 'schedule.check', reading, prevented: true }, PAGE, policy);
    expect(r).toMatchObject({ event: { type: 'schedule.checked', url: PAGE, service: 'zoom', action: 'warn', findings: ['waiting-room-off'] } });
  });

  it('decides again with the policy in force (findingActions), whatever the page claimed', () => {
    const strict = policySchema.parse({ schemaVersion: 1, meetings: { findingActions: { 'waiting-room-off': 'block' } } });
    const r = decideScheduleCheck({ kind: 'schedule.check', reading, prevented: false }, PAGE, strict);
    expect('event' in r && r.event.action).toBe('block');
    expect(checkSchedule({ ...reading, waitingRoom: 'on' }, strict).action).toBe('allow');
  });

  it('refuses anything but a well-formed reading from a Zoom scheduling page, naming what is wrong', () => {
    expect(decideScheduleCheck({ kind: 'schedule.check', reading, prevented: true }, 'https://evil.example/meeting/schedule', policy)).toEqual({ error: 'schedule.check: only from a Zoom scheduling page' });
    expect(decideScheduleCheck({ kind: 'schedule.check', reading, prevented: true }, undefined, policy)).toHaveProperty('error');
    expect(decideScheduleCheck({ kind: 'schedule.check', reading: { ...reading, waitingRoom: 'maybe' }, prevented: true }, PAGE, policy)).toEqual({ error: 'schedule.check.reading.waitingRoom: expected on, off or unknown' });
    expect(decideScheduleCheck({ kind: 'schedule.check', reading: { ...reading, host: 'x' }, prevented: true }, PAGE, policy)).toEqual({ error: 'schedule.check.reading.host: unknown field' });
    expect(decideScheduleCheck({ kind: 'schedule.check', reading, prevented: true, findings: ['x'] }, PAGE, policy)).toEqual({ error: 'schedule.check.findings: unknown field' });
    expect(decideScheduleCheck({ kind: 'schedule.check', reading }, PAGE, policy)).toEqual({ error: 'schedule.check.prevented: expected true or false' });
    expect(decideScheduleCheck(null, PAGE, policy)).toHaveProperty('error');
  });

  it('an unreadable page gives no finding and action allow', () => {
    const r = decideScheduleCheck({ kind: 'schedule.check', reading: UNKNOWN_READING, prevented: false }, PAGE, policy);
    expect(r).toMatchObject({ event: { action: 'allow', findings: [] } });
  });

  it('knows Zoom scheduling pages on every Zoom host, and nothing else', () => {
    for (const u of [PAGE, 'https://zoom.us/meeting/4925550101/edit', 'https://tum-conf.zoom-x.de/meeting/schedule', 'https://agency.zoomgov.com/meeting/schedule/']) expect(isZoomSchedulePage(u), u).toBe(true);
    for (const u of ['https://zoom.us/meeting', 'https://evilzoom.us/meeting/schedule', 'https://zoom.us.evil.example/meeting/schedule', 'ftp://zoom.us/meeting/schedule']) expect(isZoomSchedulePage(u), u).toBe(false);
  });

  it('the content script is sent to every scheduling page isZoomSchedulePage knows, on each Zoom domain (matches from PLATFORM_DOMAINS)', () => {
    // A match pattern as the browser reads it: scheme, host (`*.` = any subdomain or none), path glob.
    const matches = (pattern: string, url: string): boolean => {
      const [, host, path] = /^\*:\/\/([^/]+)(\/.*)$/.exec(pattern)!;
      const u = new URL(url);
      const hostOk = host!.startsWith('*.') ? u.hostname === host!.slice(2) || u.hostname.endsWith(host!.slice(1)) : u.hostname === host;
      return hostOk && new RegExp(`^${path!.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(u.pathname);
    };
    for (const domain of PLATFORM_DOMAINS.zoom) {
      for (const u of [`https://${domain}/meeting/schedule`, `https://clinic.${domain}/meeting/123/edit`]) {
        expect(isZoomSchedulePage(u), u).toBe(true);
        expect(ZOOM_SCHEDULE_MATCHES.some((p) => matches(p, u)), u).toBe(true);
      }
    }
  });
});
