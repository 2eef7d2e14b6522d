import { execFile } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/main.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { CHROMIUM_SETS_HEADER } from '../../src/core/tenant-restrictions.ts';
import { PUBLIC_1_1 } from '../core/meetings/fixtures.ts';

const run = async (argv: string[], files: Record<string, string> = {}) => {
  const io = memoryIO(files);
  const code = await runCommand(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
};
const example = readFileSync('policies/examples/strict-hospital.json', 'utf8');

describe('telehealth-guard validate', () => {
  it('exits 0 with a summary for a valid policy', async () => {
    const r = await run(['validate', 'p.json'], { 'p.json': example });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^p\.json: valid policy \(schemaVersion 1, policyVersion "2026-11-strict-a"\)/);
    expect(r.out).toMatch(/rules: +4 \(2 block, 2 warn, 0 allow\)/);
    expect(r.out).toMatch(/sanctioned meetings: +Zoom \(examplehealth\); Teams \(1 tenant\)/);
    expect(r.out).toMatch(/meeting findings: +Account could not be checked \(tenant-unverified\) → block, Personal room reused for every meeting \(personal-room\) → block/);
    expect(r.out).toMatch(/categories: +Consumer video calling \(consumer-video\) → block, Consumer messaging \(consumer-messaging\) → block/);
  });

  it('shows each tenant-restriction header as the browser will send it, and where', async () => {
    const strict = await run(['validate', 'p.json'], { 'p.json': example });
    expect(strict.out).toContain(
      [
        '  tenant restrictions:  sign-in headers set by the browser (the vendor must be configured too; see README):',
        '                        Microsoft, on login.microsoftonline.com, login.microsoft.com, login.windows.net, login.microsoftonline.us, login-us.microsoftonline.com, login.partner.microsoftonline.cn, login.chinacloudapi.cn:',
        '                          Restrict-Access-To-Tenants: examplehealth.onmicrosoft.com,72f988bf-86f1-41af-91ab-2d7cd011db47',
        '                          Restrict-Access-Context: 72f988bf-86f1-41af-91ab-2d7cd011db47',
        '                        Microsoft, on login.live.com:',
        '                          sec-Restrict-Tenant-Access-Policy: restrict-msa',
        '                        Chromium and Firefox let an extension set each of these headers (tested on Chromium 156 and Firefox ESR 153).',
      ].join('\n'),
    );
    const webex = JSON.stringify({ schemaVersion: 1, tenantRestrictions: { webex: { allowedDomains: ['examplehealth.org'] } } });
    expect((await run(['validate', 'w.json'], { 'w.json': webex })).out).toContain(
      'Webex, on identity.webex.com, identity-eu.webex.com, identity-ca.webex.com, atlas-a.wbx2.com, idbroker*.webex.com:\n                          CiscoSpark-Allowed-Domains: examplehealth.org\n',
    );
    expect((await run(['validate', 'n.json'], { 'n.json': '{"schemaVersion":1}' })).out).toMatch(/tenant restrictions: +none$/m);
  });

  it('prints what will be detected: each built-in with its rule, each organisation pattern with a sample and its false-positive count', async () => {
    const p = JSON.stringify({
      schemaVersion: 1,
      dataProtection: { action: 'block', identifiers: ['us-ssn', 'nhs-number'], patterns: [{ name: 'Epic MRN', regex: 'MRN[- ]?\\d{7}' }, { name: 'Bare', regex: '\\d{7}', minMatches: 3 }, { name: 'Never', regex: '\\d\\b\\d{5}' }] },
    });
    const r = await run(['validate', 'p.json'], { 'p.json': p });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/patient data: +block in consumer apps: 2 built-in detectors, 3 organisation patterns/);
    expect(r.out).toMatch(/data detectors: +refused when pasted, dropped, uploaded or sent/);
    expect(r.out).toMatch(/^ +us-ssn: US Social Security number: AAA-GG-SSSS/m);
    expect(r.out).toMatch(/^ +nhs-number: NHS number: ten digits/m);
    expect(r.out).not.toMatch(/payment-card/);
    expect(r.out).toContain('pattern "Epic MRN": MRN[- ]?\\d{7}\n                          matches e.g. "MRN-1234567"\n                          matched 0 of 10,000 lines of ordinary clinical text');
    expect(r.out).toMatch(/pattern "Bare": \\d\{7\} \(counts from 3 different matches in one text\)\n +matches e\.g\. "1234567"\n +matched [1-9]\d* of 10,000 lines .*consider/);
    expect(r.out).toContain('NO SAMPLE: no text of its shape could be made to match');
    expect((await run(['validate', 'a.json'], { 'a.json': JSON.stringify({ schemaVersion: 1, dataProtection: { action: 'allow' } }) })).out).toMatch(/patient data: +not checked \(allow\)/);
  });

  it('refuses an organisation pattern a backtracking engine could stall on, naming where', async () => {
    const p = JSON.stringify({ schemaVersion: 1, dataProtection: { patterns: [{ name: 'MRN', regex: '(?<=MRN)\\d+' }] } });
    const r = await run(['validate', 'p.json'], { 'p.json': p });
    expect(r.code).toBe(1);
    expect(r.out).toContain('dataProtection.patterns[0].regex: character 1: look-behind (?<=…) is not allowed (RE2 has no look-around)');
  });

  it('says plainly when Chromium would not let the extension set a header', async () => {
    CHROMIUM_SETS_HEADER['sec-Restrict-Tenant-Access-Policy'] = false;
    try {
      const p = JSON.stringify({ schemaVersion: 1, tenantRestrictions: { microsoft: { blockConsumerAccounts: true } } });
      expect((await run(['validate', 'p.json'], { 'p.json': p })).out).toContain(
        "NOT SET: Chromium does not let an extension set sec-Restrict-Tenant-Access-Policy; use the vendor's proxy or device method for it.",
      );
    } finally {
      CHROMIUM_SETS_HEADER['sec-Restrict-Tenant-Access-Policy'] = true;
    }
  });

  it('exits 1 with one "<path>: <message>" line per problem', async () => {
    const bad = JSON.stringify({ schemaVersion: 1, rules: [{ match: 'a.example', action: 'block' }, { match: 'b.example:8080', action: 'deny' }], categories: { 'consumer-video': 'nope' } });
    const r = await run(['validate', 'bad.json'], { 'bad.json': bad });
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toEqual([
      'categories.consumer-video: must be one of "allow", "warn", "block", not "nope"',
      'rules[1].match: must not contain a port',
      'rules[1].action: must be one of "allow", "warn", "block", not "deny"',
    ]);
    expect(r.err).toContain('bad.json: invalid policy, 3 problems');
  });

  it('names line and column of invalid JSON', async () => {
    const r = await run(['validate', 'x.json'], { 'x.json': '{\n  "schemaVersion": 1,\n}' });
    expect(r.code).toBe(1);
    expect(r.out).toBe('invalid JSON at line 2, column 21: trailing comma before "}" is not allowed in JSON');
  });

  it('exits 1 for a missing file and 2 for usage errors', async () => {
    expect((await run(['validate', 'missing.json'])).code).toBe(1);
    expect((await run(['validate'])).code).toBe(2);
    expect((await run(['validate', '--nope', 'x'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run([])).code).toBe(2);
  });
});

describe('telehealth-guard validate: look-alike warnings', () => {
  it('warns (exit 0) about a rule allowing a Cyrillic look-alike of a catalog host, and mixed scripts', async () => {
    const r = await run(['validate', 'p.json'], { 'p.json': JSON.stringify({ schemaVersion: 1, rules: [{ match: 'whatsаpp.com', action: 'allow' }] }) });
    expect(r.code).toBe(0);
    expect(r.out).toContain('warning: rules[0].match: "whatsаpp" mixes Latin and Cyrillic letters in one name');
    expect(r.out).toContain('warning: rules[0].match: "whatsаpp.com (xn--whatspp-6fg.com)" looks like WhatsApp (a confusable spelling)');
    const clean = await run(['validate', 'p.json'], { 'p.json': JSON.stringify({ schemaVersion: 1, rules: [{ match: 'whatsapp.com', action: 'allow' }] }) });
    expect(clean.out).not.toContain('warning:');
  });
});

describe('telehealth-guard classify', () => {
  it('--json prints exactly the contract fields, one object per line', async () => {
    const r = await run(['classify', '--json', 'https://web.whatsapp.com/chat?patient=Jane', 'https://intranet.example.org/']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { url: 'https://web.whatsapp.com/chat?patient=Jane', host: 'web.whatsapp.com', action: 'warn', service: 'whatsapp', category: 'consumer-messaging', source: 'category', label: 'WhatsApp' },
      { url: 'https://intranet.example.org/', host: 'intranet.example.org', action: 'allow', service: null, category: null, source: 'default', label: null },
    ]);
    expect(Object.keys(lines[0])).toEqual(['url', 'host', 'action', 'service', 'category', 'source', 'label']);
  });

  it('uses --policy and reports rule decisions with their label', async () => {
    const r = await run(['classify', '--json', '--policy', 'p.json', 'https://business.whatsapp.com/', 'https://t.me/x'], { 'p.json': example });
    const [a, b] = r.out.split('\n').map((l) => JSON.parse(l));
    expect(a).toMatchObject({ action: 'warn', source: 'rule', service: null, category: null, label: 'WhatsApp Business' });
    expect(b).toMatchObject({ action: 'block', source: 'category', service: 'telegram' });
  });

  it('prints {url, error} for a URL that does not parse and exits 1 after the rest', async () => {
    const r = await run(['classify', '--json', 'not a url', 'https://t.me/']);
    expect(r.code).toBe(1);
    const [a, b] = r.out.split('\n').map((l) => JSON.parse(l));
    expect(a).toEqual({ url: 'not a url', error: 'not a valid absolute URL' });
    expect(b).toMatchObject({ host: 't.me', action: 'warn' });
  });

  it('names a look-alike and gives it detection.lookalikes (docs/lookalikes.md)', async () => {
    const r = await run(['classify', '--json', 'https://www.whatsаpp.com/', 'https://zооm.us/j/1', 'https://zoom.us/j/1']);
    const [a, b, c] = r.out.split('\n').map((l) => JSON.parse(l));
    expect(a).toMatchObject({ host: 'www.xn--whatspp-6fg.com', action: 'warn', source: 'lookalike', label: 'WhatsApp' });
    expect(b).toMatchObject({ host: 'xn--zm-fmca.us', action: 'warn', source: 'lookalike', label: 'Zoom' });
    expect(c).toMatchObject({ host: 'zoom.us', action: 'allow', source: 'default' });
    const text = await run(['classify', 'https://microsoftonIine.com/']);
    expect(text.out).toContain('look-alike: this is not Microsoft (one typing slip)');
  });

  it('refuses an invalid --policy, naming its problems', async () => {
    const r = await run(['classify', '--policy', 'p.json', 'https://t.me/'], { 'p.json': '{"schemaVersion":1,"defaultAction":"deny"}' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('defaultAction: must be one of');
  });
});

describe('the installed command', () => {
  it('runs through the package bin', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/telehealth-guard.mjs', 'classify', '--json', 'https://facetime.apple.com/join'], { timeout: 30_000 });
    expect(JSON.parse(stdout)).toMatchObject({ host: 'facetime.apple.com', action: 'warn', service: 'facetime' });
    const bad = await promisify(execFile)(process.execPath, ['bin/telehealth-guard.mjs', 'validate', 'package.json']).catch((e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('schemaVersion: is required');
  });

  it('runs compiled, from a bundle made from the current sources, and npx finds it', async () => {
    await promisify(execFile)(process.execPath, ['bin/telehealth-guard.mjs', 'validate', 'policies/default.json'], { timeout: 30_000 });
    const { inputs } = JSON.parse(readFileSync('.output/cli/inputs.json', 'utf8')) as { inputs: string[] };
    expect(inputs).toContain('src/cli/main.ts');
    expect(inputs).toContain('src/core/classify.ts');
    const builtAt = statSync('.output/cli/telehealth-guard.mjs').mtimeMs;
    for (const p of inputs) expect(statSync(p).mtimeMs, p).toBeLessThanOrEqual(builtAt);
    expect(realpathSync('node_modules/.bin/telehealth-guard')).toBe(realpathSync('bin/telehealth-guard.mjs'));
  });
});

describe('telehealth-guard check-link', () => {
  const SPEC_POLICY = JSON.stringify({
    schemaVersion: 1,
    categories: { 'consumer-video': 'block', 'consumer-messaging': 'warn' },
    services: { telegram: 'block' },
    meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] }, teams: { tenantIds: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] } } },
  });

  it('--json gives url and every field of the result table, for the spec examples', async () => {
    const urls = [
      'https://examplehealth.zoom.us/j/81234567890?pwd=Q2xpbmljLjE',
      'https://us05web.zoom.us/j/6045550199',
      'https://zoom.us/s/81234567890?zak=abc',
      'https://facetime.apple.com/join#v=1&p=abc&k=def',
    ];
    const r = await run(['check-link', '--json', '--policy', 'p.json', ...urls], { 'p.json': SPEC_POLICY });
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').map((l) => JSON.parse(l));
    expect(Object.keys(rows[0])).toEqual(['url', 'platform', 'consumer', 'meetingId', 'personalRoom', 'passcode', 'waitingRoom', 'tenant', 'sanctioned', 'findings', 'verdict']);
    const pick = (x: any) => [x.platform, x.meetingId, x.personalRoom, x.passcode, x.tenant, x.sanctioned, x.verdict];
    expect(rows.map(pick)).toEqual([
      ['zoom', '81234567890', false, 'embedded', 'examplehealth', true, 'ok'],
      ['zoom', '6045550199', true, 'unknown', null, null, 'warn'],
      ['zoom', '81234567890', false, 'unknown', null, null, 'block'],
      ['facetime', null, false, 'unknown', null, null, 'block'],
    ]);
    expect(rows[2].findings.map((f: any) => f.code)).toContain('start-link');
  });

  it('prints a readable verdict and findings without --json, and {url,error} for bad URLs', async () => {
    const r = await run(['check-link', 'https://zoom.us/s/81234567890?zak=abc']);
    expect(r.out).toMatch(/^BLOCK +https:\/\/zoom\.us\/s\/81234567890\?zak=abc — Zoom meeting 81234567890/);
    expect(r.out).toMatch(/critical +start-link: /);
    const bad = await run(['check-link', '--json', 'zoom dot us', 'https://meet.google.com/abc-defg-hij']);
    expect(bad.code).toBe(1);
    const [a, b] = bad.out.split('\n').map((l) => JSON.parse(l));
    expect(a.url).toBe('zoom dot us');
    expect(typeof a.error).toBe('string');
    expect(b).toMatchObject({ platform: 'meet', meetingId: 'abc-defg-hij' });
  });

  it('--json handles every 1.1 case of the public corpus (wrappers, shapes, platforms, look-alikes)', async () => {
    const urls = [...PUBLIC_1_1.links.map((l) => l.url), ...PUBLIC_1_1.lookalikes.map((l) => l.url)];
    const r = await run(['check-link', '--json', ...urls]);
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(urls.length);
    PUBLIC_1_1.links.forEach((l, i) => {
      const { codes, ...fields } = l.expect;
      expect(rows[i], l.url).toMatchObject({ url: l.url, ...fields });
      for (const c of codes ?? []) expect(rows[i].findings.map((f: any) => f.code), `${l.url} ${c}`).toContain(c);
    });
    for (const row of rows.slice(PUBLIC_1_1.links.length)) expect(row, row.url).toMatchObject({ platform: null, findings: [], verdict: 'ok' });
  });

  it('with the strict example policy, a personal room on a generic Zoom host is blocked, not just warned', async () => {
    const r = await run(['check-link', '--json', '--policy', 'strict.json', 'https://us05web.zoom.us/j/6045550199', 'https://examplehealth.zoom.us/j/81234567890'], { 'strict.json': example });
    const [room, own] = r.out.split('\n').map((l) => JSON.parse(l));
    expect(room.verdict).toBe('block');
    expect(room.findings.filter((f: any) => f.severity === 'critical').map((f: any) => f.code).sort()).toEqual(['personal-room', 'tenant-unverified']);
    expect(own.findings.filter((f: any) => f.severity !== 'info')).toEqual([]);
  });
});
