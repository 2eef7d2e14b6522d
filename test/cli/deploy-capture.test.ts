/**
 * The hard floor for capture that `deploy` writes (src/cli/deploy/capture.ts): the browsers'
 * own camera, microphone and screen-capture policies, under media.action warn and block, left
 * out by --no-hardening. The real browsers read them in test/e2e/media-deploy.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { captureFloor, CAPTURE_LIST_POLICIES } from '../../src/cli/deploy/capture.ts';
import { REG_CHROME_ROOT, REG_EDGE_ROOT, REG_LIST_FIRST, REG_LIST_SLOTS } from '../../src/cli/deploy/formats.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { runCommand } from '../../src/cli/main.ts';
import { PLATFORM_CAPTURE_HOSTS, sanctionedCaptureSites } from '../../src/core/media/sites.ts';
import { policySchema } from '../../src/core/policy/schema.ts';
import { importReg, parseReg, regList, type Registry } from './reg-file.ts';

const policy = (action: string) => ({
  schemaVersion: 1,
  sanctionedPlatforms: [{ name: 'Example Health Video', url: 'https://video.examplehealth.org/' }],
  meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] } } },
  media: { action, allowedSites: ['10.1.2.3'] },
});

async function deploy(target: string, file: string, action: string | object, extra: string[] = []) {
  const io = memoryIO({ 'p.json': JSON.stringify(typeof action === 'string' ? policy(action) : action) });
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

const ROOTS = [REG_CHROME_ROOT, REG_EDGE_ROOT] as const;
const URLS = ['https://[*.]video.examplehealth.org', 'https://[*.]zoom.us', 'https://[*.]zoomgov.com', 'https://[*.]zoom-x.de', 'https://10.1.2.3'];

/** A machine that already has the organisation's own capture list entries and other policies. */
function managedMachine(): Registry {
  const r: Registry = new Map();
  for (const root of ROOTS) {
    r.set(root, new Map([['HomepageLocation', { type: 'sz', data: 'https://intranet.example.org/' }]]));
    r.set(`${root}\\VideoCaptureAllowedUrls`, new Map([['1', { type: 'sz', data: 'https://[*.]dictation.example.org' }], ['2', { type: 'sz', data: 'https://scanner.example.org' }]]));
  }
  return r;
}
const ORG = ['https://[*.]dictation.example.org', 'https://scanner.example.org'];
const regDword = (r: Registry, root: string, name: string) => {
  const v = r.get(root)?.get(name);
  return v?.type === 'dword' ? v.data : v;
};

describe('capture floor in the Windows .reg (list policies as numbered values of their subkeys)', () => {
  it('block: the switches off and the lists as Chrome and Edge read them, beside the organisation\'s own entries and values', async () => {
    const machine = managedMachine();
    const { text, out } = await deploy('windows-reg', 'telehealth-guard.reg', 'block');
    const reg = importReg(text, machine);
    for (const root of ROOTS) {
      for (const name of ['VideoCaptureAllowed', 'AudioCaptureAllowed', 'ScreenCaptureAllowed']) expect(regDword(machine, root, name), `${root} ${name}`).toBe(0);
      expect(regList(machine, root, 'VideoCaptureAllowedUrls')).toEqual([...ORG, ...URLS].sort());
      expect(regList(machine, root, 'AudioCaptureAllowedUrls')).toEqual([...URLS].sort());
      expect(regList(machine, root, 'ScreenCaptureAllowedByOrigins')).toEqual([...URLS].sort());
      // The organisation's other policies are untouched; no browser key is deleted.
      expect(machine.get(root)!.get('HomepageLocation')).toEqual({ type: 'sz', data: 'https://intranet.example.org/' });
      // Our items take our own numbers.
      expect([...machine.get(`${root}\\AudioCaptureAllowedUrls`)!.keys()]).toEqual(URLS.map((_, i) => String(REG_LIST_FIRST + i)));
    }
    for (const d of reg.deleted) expect(d).toMatch(/\\3rdparty\\extensions\\/);
    // Only our slots are ever deleted.
    for (const [, names] of reg.deletedValues) for (const n of names) expect(Number(n)).toBeGreaterThanOrEqual(REG_LIST_FIRST);
    expect(out).toContain('Camera and microphone (media.action block): VideoCaptureAllowedUrls, AudioCaptureAllowedUrls, VideoCaptureAllowed');
  });

  it('a shorter list, then allow: no item of an earlier import is left; the organisation\'s stay; the switches are named for deletion', async () => {
    const machine = managedMachine();
    importReg((await deploy('windows-reg', 'telehealth-guard.reg', 'block')).text, machine);
    const fewer = { ...policy('warn'), media: { action: 'warn' } };
    const warn = await deploy('windows-reg', 'telehealth-guard.reg', fewer);
    importReg(warn.text, machine);
    const four = URLS.filter((u) => u !== 'https://10.1.2.3').sort();
    for (const root of ROOTS) {
      expect(regList(machine, root, 'VideoCaptureAllowedUrls')).toEqual([...ORG, ...four].sort());
      expect(regList(machine, root, 'AudioCaptureAllowedUrls')).toEqual(four);
      expect(regList(machine, root, 'ScreenCaptureAllowedByOrigins') ?? []).toEqual([]);
    }
    // The .reg never deletes a value it cannot know is its own: the switches, with the command to remove them.
    expect(regDword(machine, REG_CHROME_ROOT, 'VideoCaptureAllowed')).toBe(0);
    expect(warn.out).toContain('reg delete "HKLM\\SOFTWARE\\Policies\\Google\\Chrome" /v VideoCaptureAllowed /f');
    expect(warn.out).toContain('reg delete "HKLM\\SOFTWARE\\Policies\\Microsoft\\Edge" /v ScreenCaptureAllowed /f');
    importReg((await deploy('windows-reg', 'telehealth-guard.reg', 'allow')).text, machine);
    for (const root of ROOTS) {
      expect(regList(machine, root, 'VideoCaptureAllowedUrls')).toEqual(ORG);
      for (const name of CAPTURE_LIST_POLICIES.slice(1)) expect(regList(machine, root, name) ?? [], name).toEqual([]);
    }
    // Under block there is nothing to undo.
    expect((await deploy('windows-reg', 'telehealth-guard.reg', 'block')).out).not.toContain('reg delete');
  });

  it('--no-hardening: no capture policy at all', async () => {
    const reg = parseReg((await deploy('windows-reg', 'telehealth-guard.reg', 'block', ['--no-hardening'])).text);
    expect([...reg.keys.keys()].filter((k) => /Capture/.test(k))).toEqual([]);
    expect(reg.keys.has(REG_CHROME_ROOT)).toBe(false);
  });

  it('the slot range holds the longest capture list a valid policy can give', () => {
    const longest = policySchema.parse({
      schemaVersion: 1,
      sanctionedPlatforms: Array.from({ length: 10 }, (_, i) => ({ name: `P${i}`, url: `https://p${i}.example.org/` })),
      meetings: {
        sanctioned: {
          ...Object.fromEntries(Object.keys(PLATFORM_CAPTURE_HOSTS).map((p) => [p, { allowed: true }])),
          zoom: { accounts: ['x'] },
          teams: { tenantIds: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] },
          webex: { sites: ['x'] },
        },
      },
      media: { action: 'block', allowedSites: Array.from({ length: 200 }, (_, i) => `s${i}.example.net`) },
    });
    const n = sanctionedCaptureSites(longest).length;
    expect(n).toBe(10 + Object.values(PLATFORM_CAPTURE_HOSTS).flat().length + 200);
    expect(n).toBeLessThanOrEqual(REG_LIST_SLOTS);
  });
});

describe('capture floor in the other consoles', () => {
  it('macOS profile: in the com.google.Chrome and com.microsoft.Edge payloads, as arrays and booleans', async () => {
    const { text } = await deploy('macos-mobileconfig', 'telehealth-guard.mobileconfig', 'block');
    for (const domain of ['com.google.Chrome', 'com.microsoft.Edge']) {
      const payload = text.split('<dict>').find((d) => d.includes(`<string>${domain}</string>`))!;
      expect(payload, domain).toBeDefined();
      expect(payload).toMatch(/<key>VideoCaptureAllowed<\/key>\s*<false\/>/);
      expect(payload).toMatch(/<key>ScreenCaptureAllowed<\/key>\s*<false\/>/);
      const list = /<key>VideoCaptureAllowedUrls<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(payload)!;
      expect([...list[1]!.matchAll(/<string>([^<]*)<\/string>/g)].map((m) => m[1]!.replace('&amp;', '&'))).toEqual(URLS);
    }
    const open = await deploy('macos-mobileconfig', 'telehealth-guard.mobileconfig', 'block', ['--no-hardening']);
    expect(open.text).not.toContain('CaptureAllowed');
  });

  it.each([
    ['google-admin', 'google-admin.json'],
    ['admx', 'telehealth-guard.admx'],
  ])('%s (extension policy only) names each browser policy and its value', async (target, file) => {
    const { text, out } = await deploy(target, file, 'block');
    expect(text).not.toContain('VideoCaptureAllowed');
    expect(out).toContain(`VideoCaptureAllowedUrls = ${URLS.join(', ')}`);
    expect(out).toContain('VideoCaptureAllowed = false (Disabled)');
    expect(out).toContain(`ScreenCaptureAllowedByOrigins = ${URLS.join(', ')}`);
    expect((await deploy(target, file, 'allow')).out).not.toContain('Camera and microphone');
    expect((await deploy(target, file, 'block', ['--no-hardening'])).out).not.toContain('Camera and microphone');
  });
});
