/**
 * The hard floor for capture that `deploy` writes (src/cli/deploy/capture.ts): the browsers'
 * own camera, microphone and screen-capture policies, under media.action warn and block, left
 * out by --no-hardening. The real browsers read them in test/e2e/media-deploy.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { captureFloor } from '../../src/cli/deploy/capture.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { runCommand } from '../../src/cli/main.ts';

const policy = (action: string) => ({
  schemaVersion: 1,
  sanctionedPlatforms: [{ name: 'Example Health Video', url: 'https://video.examplehealth.org/' }],
  meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] } } },
  media: { action, allowedSites: ['10.1.2.3'] },
});

async function deploy(target: string, file: string, action: string, extra: string[] = []) {
  const io = memoryIO({ 'p.json': JSON.stringify(policy(action)) });
  const code = await runCommand(['deploy', 'p.json', '--target', target, '--out', 'out', ...extra], io);
  expect(code, io.stderr.join('\n')).toBe(0);
  return { text: io.files[`out/${file}`]!, out: io.stdout.join('\n') };
}

describe('capture floor', () => {
  it('block, Chrome and Edge: the lists and the switches', () => {
    const urls = ['https://video.examplehealth.org'.replace('https://', 'https://[*.]'), 'https://[*.]zoom.us', 'https://[*.]zoomgov.com', 'https://[*.]zoom-x.de', 'https://10.1.2.3'];
    expect(captureFloor(policy('block'), 'chrome')).toEqual({
      VideoCaptureAllowedUrls: urls,
      AudioCaptureAllowedUrls: urls,
      VideoCaptureAllowed: false,
      AudioCaptureAllowed: false,
      ScreenCaptureAllowed: false,
      ScreenCaptureAllowedByOrigins: urls,
    });
    expect(captureFloor(policy('block'), 'edge')).toEqual(captureFloor(policy('block'), 'chrome'));
  });
  it('warn: only the sanctioned lists (the extension asks the person); allow: nothing', () => {
    expect(Object.keys(captureFloor(policy('warn'), 'chrome'))).toEqual(['VideoCaptureAllowedUrls', 'AudioCaptureAllowedUrls']);
    expect(captureFloor(policy('allow'), 'chrome')).toEqual({});
    expect(captureFloor(policy('allow'), 'firefox')).toEqual({});
    expect(captureFloor({ schemaVersion: 1 }, 'chrome')).toEqual({});
  });
  it('Firefox: Permissions with exact origins, locked under block', () => {
    const floor = captureFloor(policy('block'), 'firefox') as { Permissions: Record<string, unknown> };
    const entry = { Allow: ['https://video.examplehealth.org', 'https://zoom.us', 'https://zoomgov.com', 'https://zoom-x.de', 'https://10.1.2.3'], BlockNewRequests: true, Locked: true };
    expect(floor).toEqual({ Permissions: { Camera: entry, Microphone: entry } });
  });

  it.each([
    ['chromium-linux', 'telehealth-guard-chromium.json', (j: Record<string, unknown>) => j],
    ['edge-linux', 'telehealth-guard-edge.json', (j: Record<string, unknown>) => j],
    ['firefox', 'policies.json', (j: Record<string, unknown>) => j.policies as Record<string, unknown>],
  ] as const)('%s writes it beside the extension policy, names it, and --no-hardening leaves it out', async (target, file, top) => {
    const { text, out } = await deploy(target, file, 'block');
    const written = top(JSON.parse(text) as Record<string, unknown>);
    if (target === 'firefox') expect(written.Permissions).toBeDefined();
    else expect(written.VideoCaptureAllowed).toBe(false);
    expect(out).toContain('Camera and microphone (media.action block)');
    const open = await deploy(target, file, 'block', ['--no-hardening']);
    const bare = top(JSON.parse(open.text) as Record<string, unknown>);
    expect(bare.Permissions ?? bare.VideoCaptureAllowed ?? bare.VideoCaptureAllowedUrls).toBeUndefined();
    expect(open.out).not.toContain('Camera and microphone');
  });
});
