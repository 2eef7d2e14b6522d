import { describe, expect, it } from 'vitest';
import { analyseLink, parseError } from '../../../src/core/meetings/analyse.ts';
import { describeAnalysis, formatAnalysis, formatParseError } from '../../../src/core/meetings/format.ts';
import { policySchema } from '../../../src/core/policy/schema.ts';

const EXAMPLE = policySchema.parse({
  schemaVersion: 1,
  categories: { 'consumer-video': 'block', 'consumer-messaging': 'warn' },
  services: { telegram: 'block' },
  meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] }, teams: { tenantIds: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] } } },
});

describe('formatAnalysis', () => {
  it('prints a summary line and one indented line per finding', () => {
    const url = 'https://us05web.zoom.us/j/6045550199';
    const lines = formatAnalysis(analyseLink(url, EXAMPLE), url);
    expect(lines).toEqual([
      'WARN   https://us05web.zoom.us/j/6045550199 — Zoom meeting 6045550199 · personal room · passcode unknown · waiting room unknown · tenant unknown · sanctioned unknown',
      "  info      tenant-unverified: The link does not show which Zoom account the meeting belongs to, so it cannot be confirmed as your organisation's.",
      '  warn      personal-room: This is a personal meeting room that stays the same for every meeting, so anyone who was ever given the link can walk in.',
      '  info      passcode-unverified: The link does not show whether the meeting has a passcode; check this in the meeting settings.',
      '  info      waiting-room-unverified: The link does not show whether the meeting has a waiting room; check this in the meeting settings.',
    ]);
  });

  it('without a URL the summary is the verdict and the facts', () => {
    const r = analyseLink('https://examplehealth.zoom.us/j/81234567890?pwd=x', EXAMPLE);
    expect(formatAnalysis(r)[0]).toBe(
      'OK     Zoom meeting 81234567890 · passcode embedded · waiting room unknown · tenant examplehealth · sanctioned yes',
    );
  });

  it('marks consumer services and block verdicts', () => {
    const lines = formatAnalysis(analyseLink('https://facetime.apple.com/join#v=1', EXAMPLE));
    expect(lines[0]).toBe('BLOCK  FaceTime (consumer) meeting · passcode unknown · waiting room unknown · tenant unknown · sanctioned unknown');
    expect(lines[1]).toMatch(/^ {2}critical {2}consumer-platform: FaceTime is a consumer service/);
  });

  it('says when a link is not a meeting link, with no finding lines', () => {
    expect(formatAnalysis(analyseLink('https://example.org/', EXAMPLE), 'https://example.org/')).toEqual([
      'OK     https://example.org/ — not a meeting link',
    ]);
    expect(describeAnalysis(analyseLink('https://otherclinic.zoom.us/j/81234567890', EXAMPLE))).toContain('sanctioned no');
  });

  it('formats a parse error', () => {
    const error = parseError('zoom.us/j/1');
    expect(error).not.toBeNull();
    expect(formatParseError('zoom.us/j/1', error!)).toBe(`ERROR  zoom.us/j/1 — ${error}`);
  });
});
