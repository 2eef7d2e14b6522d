import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/main.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { chromeManagedJson, contentUuid, type Json, type PolicyObject } from '../../src/cli/deploy/formats.ts';
import { TARGET_NAMES, TARGETS } from '../../src/cli/deploy/targets.ts';
import { CHROME_SIDE_DOORS, sideDoorPolicies } from '../../src/cli/deploy/hardening.ts';
import { toolbarPinPolicies } from '../../src/cli/deploy/toolbar-pin.ts';
import { EXTENSION_ID, GECKO_ID } from '../../src/core/identity.ts';
import { generateManagedSchema } from '../../src/core/policy/managed-schema.ts';
import { parsePolicy } from '../../src/core/policy/parse.ts';
import { checkSeal } from '../../src/core/policy/seal.ts';
import { preparePush, sealOf } from '../../src/cli/deploy/prepare.ts';
import { parseReg, type RegValue } from './reg-file.ts';

const run = async (argv: string[], files: Record<string, string> = {}) => {
  const io = memoryIO(files);
  const code = await runCommand(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n'), files: io.files };
};

const strict = readFileSync('policies/examples/strict-hospital.json', 'utf8');
const small = readFileSync('policies/examples/small-practice.json', 'utf8');
// Everything that needs escaping somewhere: JSON and .reg quotes and backslashes, XML
// markup, non-ASCII in and beyond the BMP. (Line breaks, tabs and other control
// characters are refused by validation before any format sees them.)
const HOSTILE = 'St "Ex" \\ C:\\x\\ <b>&amp;</b> ]]> a b c d e; É 日本 🏥 \'q\' %s ${x}';
const hostilePolicy = JSON.stringify({
  ...JSON.parse(strict),
  policyVersion: 'v1 "\\ é 🏥',
  organization: { name: HOSTILE, supportContact: '<x> & "y" \\z' },
});
const minimal = '{"schemaVersion":1}';
const POLICIES: Record<string, string> = { strict, small, hostile: hostilePolicy, minimal };

const schema = generateManagedSchema();
const topType = (key: string): string => {
  const t = schema.properties?.[key]?.type;
  if (!t) throw new Error(`no managed schema for ${key}`);
  return t;
};

const FILE: Record<string, string> = {
  'chrome-linux': 'telehealth-guard-chrome.json',
  'chromium-linux': 'telehealth-guard-chromium.json',
  'edge-linux': 'telehealth-guard-edge.json',
  'windows-reg': 'telehealth-guard.reg',
  'macos-mobileconfig': 'telehealth-guard.mobileconfig',
  'google-admin': 'google-admin.json',
  firefox: 'policies.json',
};

async function deploy(target: string, policyText: string, extra: string[] = []) {
  const r = await run(['deploy', 'p.json', '--target', target, '--out', 'out', ...extra], { 'p.json': policyText });
  expect(r.code, r.err + r.out).toBe(0);
  const content = r.files[`out/${FILE[target]}`];
  expect(content, `out/${FILE[target]} written`).toBeTypeOf('string');
  return { ...r, content: content! };
}

// ---------------------------------------------------------------------------
// Readers, written independently of the writers
// ---------------------------------------------------------------------------

/** Registry values to policy JSON, the way Chrome's registry_dict.cc converts them against the schema. */
function regToPolicy(values: Map<string, RegValue>): PolicyObject {
  const out: PolicyObject = {};
  for (const [name, v] of values) {
    const type = topType(name);
    if (type === 'integer') out[name] = v.type === 'dword' ? v.data : parseInt(v.data, 10);
    else if (type === 'boolean') out[name] = v.type === 'dword' ? v.data !== 0 : parseInt(v.data, 10) !== 0;
    else if (type === 'number') out[name] = v.type === 'dword' ? v.data : Number(v.data);
    else {
      expect(v.type, name).toBe('sz');
      out[name] = type === 'string' ? v.data : (JSON.parse(v.data as string) as Json);
    }
  }
  return out;
}

interface XNode {
  name: string;
  children: XNode[];
  text: string;
}

/** A strict little XML reader: well-formed nesting, only the five entities and character references. */
function parseXml(source: string): XNode {
  const src = source.replace(/\r\n?/g, '\n'); // what every XML processor does first
  expect(src).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
  const doc: XNode = { name: '#document', children: [], text: '' };
  const stack = [doc];
  let i = 0;
  while (i < src.length) {
    const top = stack[stack.length - 1]!;
    if (src.startsWith('<?xml', i)) {
      expect(i).toBe(0);
      i = src.indexOf('?>', i) + 2;
    } else if (src.startsWith('<!DOCTYPE', i)) {
      i = src.indexOf('>', i) + 1;
    } else if (src.startsWith('</', i)) {
      const m = /^<\/([A-Za-z]+)>/.exec(src.slice(i));
      expect(m, `bad end tag at ${i}`).not.toBeNull();
      expect(stack.pop()!.name).toBe(m![1]);
      i += m![0].length;
    } else if (src[i] === '<') {
      const m = /^<([A-Za-z]+)(?: version="1\.0")?(\/?)>/.exec(src.slice(i));
      expect(m, `bad start tag at ${i}: ${src.slice(i, i + 30)}`).not.toBeNull();
      const node: XNode = { name: m![1]!, children: [], text: '' };
      top.children.push(node);
      if (!m![2]) stack.push(node);
      i += m![0].length;
    } else {
      const end = src.indexOf('<', i);
      const raw = src.slice(i, end === -1 ? src.length : end);
      expect(raw.replace(/&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, '')).not.toMatch(/[&>]/);
      top.text += raw.replace(/&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
        e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)),
      );
      i += raw.length;
    }
  }
  expect(stack.length, 'every element closed').toBe(1);
  return doc;
}

function plistToJson(n: XNode): Json {
  switch (n.name) {
    case 'string':
      return n.text;
    case 'integer':
      expect(n.text).toMatch(/^-?\d+$/);
      return parseInt(n.text, 10);
    case 'real':
      return Number(n.text);
    case 'true':
      return true;
    case 'false':
      return false;
    case 'array':
      expect(n.text.trim()).toBe('');
      return n.children.map(plistToJson);
    case 'dict': {
      expect(n.text.trim()).toBe('');
      expect(n.children.length % 2).toBe(0);
      const out: { [k: string]: Json } = {};
      for (let k = 0; k < n.children.length; k += 2) {
        expect(n.children[k]!.name).toBe('key');
        out[n.children[k]!.text] = plistToJson(n.children[k + 1]!);
      }
      return out;
    }
    default:
      throw new Error(`unexpected plist element <${n.name}>`);
  }
}

function dictEntries(n: XNode): Map<string, XNode> {
  const m = new Map<string, XNode>();
  for (let k = 0; k < n.children.length; k += 2) m.set(n.children[k]!.text, n.children[k + 1]!);
  return m;
}

const PLIST_ELEMENT: Record<string, string[]> = { integer: ['integer'], number: ['integer', 'real'], string: ['string'], boolean: ['true', 'false'], object: ['dict'], array: ['array'] };

/** The policy for `browser` out of a profile, checking element types against the managed schema. */
function mobileconfigPolicies(xml: string): Record<string, { policy: PolicyObject; meta: Record<string, Json> }> {
  const doc = parseXml(xml);
  const plist = doc.children.find((c) => c.name === 'plist')!;
  const top = dictEntries(plist.children[0]!);
  expect(plistToJson(top.get('PayloadType')!)).toBe('Configuration');
  const out: Record<string, { policy: PolicyObject; meta: Record<string, Json> }> = {};
  for (const payload of top.get('PayloadContent')!.children) {
    const entries = dictEntries(payload);
    const policy: PolicyObject = {};
    const meta: Record<string, Json> = {};
    const isExtension = /\.extensions\./.test(plistToJson(entries.get('PayloadType')!) as string);
    for (const [key, node] of entries) {
      if (key.startsWith('Payload')) meta[key] = plistToJson(node);
      else {
        // The extension's payloads against its managed schema; the browsers' own (side doors) as they are.
        if (isExtension) expect(PLIST_ELEMENT[topType(key)], key).toContain(node.name);
        policy[key] = plistToJson(node);
      }
    }
    out[meta.PayloadType as string] = { policy, meta };
  }
  return out;
}

/** Read the policy back out of a target's file, independently of the writer. */
function readBack(target: string, content: string, id = target === 'firefox' ? GECKO_ID : EXTENSION_ID): PolicyObject[] {
  switch (target) {
    case 'chrome-linux':
    case 'chromium-linux':
    case 'edge-linux': {
      const doc = JSON.parse(content);
      expect(Object.keys(doc['3rdparty'].extensions)).toEqual([id]);
      return [doc['3rdparty'].extensions[id]];
    }
    case 'google-admin': {
      const doc = JSON.parse(content) as Record<string, { Value: Json }>;
      const out: PolicyObject = {};
      for (const [k, v] of Object.entries(doc)) {
        expect(Object.keys(v)).toEqual(['Value']);
        out[k] = v.Value;
      }
      return [out];
    }
    case 'firefox': {
      const doc = JSON.parse(content);
      expect(Object.keys(doc.policies['3rdparty'].Extensions)).toEqual([id]);
      return [doc.policies['3rdparty'].Extensions[id]];
    }
    case 'windows-reg': {
      const reg = parseReg(content);
      return ['Google\\Chrome', 'Microsoft\\Edge'].map((b) => {
        const key = `HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\${b}\\3rdparty\\extensions\\${id}\\policy`;
        expect(reg.deleted).toContain(key);
        expect(reg.keys.has(key), key).toBe(true);
        return regToPolicy(reg.keys.get(key)!);
      });
    }
    case 'macos-mobileconfig': {
      const p = mobileconfigPolicies(content);
      const extension = Object.keys(p).filter((k) => k.includes('.extensions.'));
      expect(extension.sort()).toEqual([`com.google.Chrome.extensions.${id}`, `com.microsoft.Edge.extensions.${id}`]);
      return extension.map((k) => p[k]!.policy);
    }
  }
  throw new Error(target);
}

// ---------------------------------------------------------------------------

describe('telehealth-guard deploy: every target round-trips the policy as written', () => {
  it('covers every target', () => {
    // Targets of several files carry no policy values (admx): test/cli/admx.test.ts.
    expect(TARGET_NAMES.filter((t) => !TARGETS[t]!.files).sort()).toEqual(Object.keys(FILE).sort());
  });

  for (const target of Object.keys(FILE)) {
    for (const [name, text] of Object.entries(POLICIES)) {
      it(`${target}: ${name}`, async () => {
        const { content, out } = await deploy(target, text);
        const input = JSON.parse(text) as PolicyObject;
        // As IT wrote it, plus what deploy adds: sideDoors.incognito where this file also turns
        // incognito off, and the seal, last.
        const incognitoOff = TARGETS[target]!.closesIncognito === true;
        const expected = preparePush(input, { incognitoOff, seal: true }).policy;
        expect(expected.seal).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(Object.keys(expected).slice(0, Object.keys(input).length)).toEqual(Object.keys(input).filter((k) => k !== 'seal'));
        const back = readBack(target, content);
        expect(back.length).toBeGreaterThan(0);
        for (const p of back) {
          expect(p).toEqual(expected);
          // Key order too: IT's file, not a re-sorted one.
          expect(Object.keys(p)).toEqual(Object.keys(expected));
          expect(parsePolicy(p).ok).toBe(true);
          // What the browser reads out of this format matches the seal, as the extension checks it.
          expect(await checkSeal(p)).toBe('valid');
          expect((p.sideDoors as { incognito?: string } | undefined)?.incognito).toBe(incognitoOff ? 'disabled' : (input.sideDoors as { incognito?: string } | undefined)?.incognito);
        }
        if (name === 'hostile') {
          expect(back[0]!.organization).toEqual({ name: HOSTILE, supportContact: '<x> & "y" \\z' });
        }
        expect(out).toContain(`Wrote out/${FILE[target]}`);
      });
    }
  }

  it('targets never share a file name, so one folder holds every target', async () => {
    const names = TARGET_NAMES.flatMap((t) => Object.keys(TARGETS[t]!.files?.({ extensionId: EXTENSION_ID }) ?? { [TARGETS[t]!.file]: '' }));
    expect(new Set(names).size, names.join(', ')).toBe(names.length);
    // Chrome, then Edge, into one folder: both files stay, each for its own browser.
    const io = memoryIO({ 'p.json': strict });
    expect(await runCommand(['deploy', 'p.json', '--target', 'chrome-linux', '--out', 'out'], io)).toBe(0);
    expect(await runCommand(['deploy', 'p.json', '--target', 'edge-linux', '--out', 'out'], io)).toBe(0);
    expect(JSON.parse(io.files['out/telehealth-guard-chrome.json']!)).toHaveProperty('IncognitoModeAvailability', 1);
    expect(JSON.parse(io.files['out/telehealth-guard-edge.json']!)).toHaveProperty('InPrivateModeAvailability', 1);
  });

  it('writes the policy without filling in defaults', async () => {
    const { content } = await deploy('chromium-linux', minimal, ['--no-hardening', '--no-seal']);
    expect(JSON.parse(content)).toEqual({ '3rdparty': { extensions: { [EXTENSION_ID]: { schemaVersion: 1 } } } });
    const sealed = await deploy('chromium-linux', minimal, ['--no-hardening']);
    expect(JSON.parse(sealed.content)['3rdparty'].extensions[EXTENSION_ID]).toEqual({ schemaVersion: 1, seal: sealOf({ schemaVersion: 1 }) });
  });

  it('chromeManagedJson of the prepared push is the chromium-linux file', async () => {
    const { content } = await deploy('chromium-linux', strict);
    expect(content).toBe(chromeManagedJson(preparePush(JSON.parse(strict), { incognitoOff: true, seal: true }).policy, EXTENSION_ID, { browserPolicies: { ...sideDoorPolicies(CHROME_SIDE_DOORS), ...toolbarPinPolicies('chrome', EXTENSION_ID, true) } }));
    const plain = await deploy('chromium-linux', strict, ['--no-hardening']);
    expect(plain.content).toBe(chromeManagedJson(preparePush(JSON.parse(strict), { incognitoOff: false, seal: true }).policy, EXTENSION_ID));
  });

  it('uses --extension-id where the id goes', async () => {
    const other = 'abcdefghijklmnopabcdefghijklmnop';
    for (const target of ['chrome-linux', 'windows-reg', 'macos-mobileconfig']) {
      const { content } = await deploy(target, small, ['--extension-id', other]);
      expect(content).not.toContain(EXTENSION_ID);
      for (const p of readBack(target, content, other)) expect(p).toEqual(preparePush(JSON.parse(small), { incognitoOff: true, seal: true }).policy);
    }
    const ff = await deploy('firefox', small, ['--extension-id', 'other@example.org']);
    expect(readBack('firefox', ff.content, 'other@example.org')[0]).toEqual(preparePush(JSON.parse(small), { incognitoOff: true, seal: true }).policy);
  });
});

describe('telehealth-guard deploy: formats', () => {
  it('windows-reg is pure ASCII, sets integers as DWORD, objects as JSON strings, non-ASCII strings as hex(1)', async () => {
    const { content } = await deploy('windows-reg', hostilePolicy);
    expect(content).toMatch(/^[\x20-\x7e\r\n]*$/);
    const reg = parseReg(content);
    const values = reg.keys.get(`HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome\\3rdparty\\extensions\\${EXTENSION_ID}\\policy`)!;
    expect(values.get('schemaVersion')).toEqual({ type: 'dword', data: 1 });
    expect(content).toMatch(/^"policyVersion"=hex\(1\):/m);
    expect(values.get('policyVersion')).toEqual({ type: 'sz', data: 'v1 "\\ é 🏥' });
    expect(JSON.parse((values.get('organization') as { data: string }).data).name).toBe(HOSTILE);
    // Deletions come before the key is written again, so an import replaces, not merges.
    const del = content.indexOf('[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google');
    const set = content.indexOf('[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google');
    expect(del).toBeGreaterThan(0);
    expect(del).toBeLessThan(set);
  });

  it('--update-url force-installs on Linux and Windows, and says so; without it the summary says it does not', async () => {
    const url = 'https://updates.example.org/telehealth-guard/update.xml?a=1&b="2"';
    const linux = await deploy('edge-linux', small, ['--update-url', url]);
    expect(JSON.parse(linux.content).ExtensionInstallForcelist).toEqual([`${EXTENSION_ID};${url}`]);
    expect(linux.out).toContain('/etc/opt/edge/policies/managed/');
    expect(linux.out).toMatch(/Force-install/);

    const win = await deploy('windows-reg', small, ['--update-url', url]);
    const reg = parseReg(win.content);
    for (const b of ['Google\\Chrome', 'Microsoft\\Edge']) {
      const list = reg.keys.get(`HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\${b}\\ExtensionInstallForcelist`)!;
      expect([...list.values()]).toEqual([{ type: 'sz', data: `${EXTENSION_ID};${url}` }]);
      expect([...list.keys()][0]).toMatch(/^\d+$/); // Chrome reads only numerically named list values
    }
    expect(win.out).toContain('reg import out/telehealth-guard.reg');

    const plain = await deploy('chrome-linux', small);
    expect(JSON.parse(plain.content).ExtensionInstallForcelist).toBeUndefined();
    expect(plain.out).toMatch(/Not force-installed/);
    expect(plain.out).toContain('install -D -m 644 out/telehealth-guard-chrome.json /etc/opt/chrome/policies/managed/telehealth-guard.json');
  });

  it('firefox: --install-url adds an ExtensionSettings force-install entry', async () => {
    const url = 'https://addons.example.org/telehealth-guard-1.0.xpi';
    const { content, out } = await deploy('firefox', small, ['--install-url', url]);
    const doc = JSON.parse(content);
    expect(doc.policies.ExtensionSettings).toEqual({ [GECKO_ID]: { installation_mode: 'force_installed', install_url: url, private_browsing: true } });
    const open = await deploy('firefox', small, ['--install-url', url, '--no-hardening']);
    expect(JSON.parse(open.content).policies.ExtensionSettings).toEqual({ [GECKO_ID]: { installation_mode: 'force_installed', install_url: url } });
    expect(out).toContain('policies.json');
    const plain = await deploy('firefox', small);
    expect(JSON.parse(plain.content).policies.ExtensionSettings).toBeUndefined();
    expect(plain.out).toMatch(/Not force-installed/);
  });

  it('google-admin wraps each top-level key as {"Value": …}', async () => {
    const { content } = await deploy('google-admin', small);
    const doc = JSON.parse(content);
    expect(doc.schemaVersion).toEqual({ Value: 1 });
    expect(doc.organization.Value.name).toBe('Riverside Family Practice');
  });

  it('macos-mobileconfig: stable, content-derived PayloadUUIDs and fixed identifiers', async () => {
    const a = await deploy('macos-mobileconfig', strict);
    const b = await deploy('macos-mobileconfig', strict);
    expect(a.content).toBe(b.content);
    const c = await deploy('macos-mobileconfig', small);
    const uuids = (x: string) => [...x.matchAll(/<key>PayloadUUID<\/key>\s*<string>([^<]+)<\/string>/g)].map((m) => m[1]!);
    // The profile, two extension payloads and two browser (side-door) payloads.
    expect(uuids(a.content)).toHaveLength(5);
    expect(new Set(uuids(a.content)).size).toBe(5);
    for (const u of uuids(a.content)) expect(u).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-8[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    // A different policy, different UUIDs; the side-door payloads hold the same content either way.
    const doorUuids = Object.values(mobileconfigPolicies(c.content)).filter((x) => !String(x.meta.PayloadType).includes('.extensions.')).map((x) => x.meta.PayloadUUID);
    for (const u of uuids(c.content).filter((u) => !doorUuids.includes(u))) expect(uuids(a.content)).not.toContain(u);
    const ids = (x: string) => [...x.matchAll(/<key>PayloadIdentifier<\/key>\s*<string>([^<]+)<\/string>/g)].map((m) => m[1]);
    expect(ids(a.content)).toEqual(ids(c.content));
    expect(contentUuid('x')).toBe(contentUuid('x'));
    const meta = mobileconfigPolicies(a.content);
    for (const { meta: m } of Object.values(meta)) expect(m.PayloadVersion).toBe(1);
  });

  const python = (() => {
    try {
      execFileSync('python3', ['-c', 'import plistlib'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.runIf(python)('macos-mobileconfig is a property list Python\'s plistlib reads back to the same policy', async () => {
    const { content } = await deploy('macos-mobileconfig', hostilePolicy);
    const json = execFileSync('python3', ['-c', 'import plistlib,sys,json; p=plistlib.loads(sys.stdin.buffer.read()); print(json.dumps([{k:v for k,v in d.items() if not k.startswith("Payload")} for d in p["PayloadContent"] if ".extensions." in d["PayloadType"]]))'], { input: content });
    for (const p of JSON.parse(json.toString())) {
      expect(p).toEqual(preparePush(JSON.parse(hostilePolicy), { incognitoOff: true, seal: true }).policy);
      expect(await checkSeal(p)).toBe('valid');
    }
  });
});

describe('telehealth-guard deploy: side doors (README, "Side doors")', () => {
  const CHROME = { IncognitoModeAvailability: 1, BrowserGuestModeEnabled: false, NetworkPredictionOptions: 2 };
  const EDGE = { InPrivateModeAvailability: 1, BrowserGuestModeEnabled: false, NetworkPredictionOptions: 2 };
  const ours = (doc: Record<string, unknown>) => Object.fromEntries(Object.entries(doc).filter(([k]) => k !== '3rdparty' && k !== 'ExtensionSettings'));

  it('Linux JSON: incognito and guest mode off, by the browser\'s own policy names; --no-hardening leaves them out', async () => {
    for (const [target, expected] of [['chrome-linux', CHROME], ['chromium-linux', CHROME], ['edge-linux', EDGE]] as const) {
      const r = await deploy(target, small);
      expect(ours(JSON.parse(r.content)), target).toEqual(expected);
      for (const name of Object.keys(expected)) expect(r.out, target).toContain(name);
      const open = await deploy(target, small, ['--no-hardening']);
      expect(ours(JSON.parse(open.content)), target).toEqual({});
      expect(open.out).toMatch(/Side doors left open \(--no-hardening\)/);
    }
    // With --update-url the force-install entry sits beside them.
    const forced = await deploy('chrome-linux', small, ['--update-url', 'https://u.example/update.xml']);
    expect(ours(JSON.parse(forced.content))).toEqual({ ...CHROME, ExtensionInstallForcelist: [`${EXTENSION_ID};https://u.example/update.xml`] });
  });

  it('windows-reg: DWORDs on each browser\'s policy key, which is never deleted (it holds the organisation\'s other policies)', async () => {
    const { content } = await deploy('windows-reg', small);
    const reg = parseReg(content);
    const chrome = reg.keys.get('HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome')!;
    const edge = reg.keys.get('HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Edge')!;
    const doorsOnly = (m: Map<string, RegValue>) => Object.fromEntries([...m].filter(([k]) => k !== 'ExtensionSettings'));
    const prediction = { NetworkPredictionOptions: { type: 'dword', data: 2 } };
    expect(doorsOnly(chrome)).toEqual({ IncognitoModeAvailability: { type: 'dword', data: 1 }, BrowserGuestModeEnabled: { type: 'dword', data: 0 }, ...prediction });
    expect(doorsOnly(edge)).toEqual({ InPrivateModeAvailability: { type: 'dword', data: 1 }, BrowserGuestModeEnabled: { type: 'dword', data: 0 }, ...prediction });
    for (const d of reg.deleted) expect(d).toMatch(/\\3rdparty\\extensions\\/);
    const open = parseReg((await deploy('windows-reg', small, ['--no-hardening'])).content);
    expect(open.keys.has('HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome')).toBe(false);
  });

  it('macos-mobileconfig: com.google.Chrome and com.microsoft.Edge payloads beside the extension payloads', async () => {
    const p = mobileconfigPolicies((await deploy('macos-mobileconfig', small)).content);
    expect(ours(p['com.google.Chrome']!.policy)).toEqual(CHROME);
    expect(ours(p['com.microsoft.Edge']!.policy)).toEqual(EDGE);
    const open = mobileconfigPolicies((await deploy('macos-mobileconfig', small, ['--no-hardening'])).content);
    expect(Object.keys(open).sort()).toEqual([`com.google.Chrome.extensions.${EXTENSION_ID}`, `com.microsoft.Edge.extensions.${EXTENSION_ID}`]);
  });

  it('firefox: private browsing off; google-admin (extension policy only) says where to set them', async () => {
    const ff = await deploy('firefox', small);
    expect(Object.fromEntries(Object.entries(JSON.parse(ff.content).policies).filter(([k]) => k !== '3rdparty'))).toEqual({ DisablePrivateBrowsing: true, NetworkPrediction: false });
    const ffOpen = JSON.parse((await deploy('firefox', small, ['--no-hardening'])).content).policies;
    expect([ffOpen.DisablePrivateBrowsing, ffOpen.NetworkPrediction]).toEqual([undefined, undefined]);
    const admin = await deploy('google-admin', small);
    expect(admin.out).toMatch(/Disallow incognito mode/);
    expect(admin.out).toMatch(/Prevent guest mode/);
    expect(Object.keys(JSON.parse(admin.content))).not.toContain('IncognitoModeAvailability');
  });

  it('pins the toolbar button by default (Chrome toolbar_pin, Edge toolbar_state too); --no-hardening leaves it out', async () => {
    const chromePin = { [EXTENSION_ID]: { toolbar_pin: 'force_pinned' } };
    const edgePin = { [EXTENSION_ID]: { toolbar_pin: 'force_pinned', toolbar_state: 'force_shown' } };
    for (const [target, pin] of [['chrome-linux', chromePin], ['chromium-linux', chromePin], ['edge-linux', edgePin]] as const) {
      const r = await deploy(target, small);
      expect(JSON.parse(r.content).ExtensionSettings, target).toEqual(pin);
      expect(r.out).toMatch(/Toolbar: .* pins the extension's button/);
      const open = await deploy(target, small, ['--no-hardening']);
      expect(JSON.parse(open.content).ExtensionSettings, target).toBeUndefined();
      expect(open.out).toMatch(/not pinned \(--no-hardening\)/);
    }
    const other = 'abcdefghijklmnopabcdefghijklmnop';
    const reg = parseReg((await deploy('windows-reg', small, ['--edge-extension-id', other])).content);
    const sz = (root: string) => reg.keys.get(root)!.get('ExtensionSettings') as { type: 'sz'; data: string };
    expect(JSON.parse(sz('HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome').data)).toEqual(chromePin);
    expect(JSON.parse(sz('HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Edge').data)).toEqual({ [other]: edgePin[EXTENSION_ID] });
    const mac = mobileconfigPolicies((await deploy('macos-mobileconfig', small)).content);
    expect(mac['com.google.Chrome']!.policy.ExtensionSettings).toEqual(chromePin);
    expect(mac['com.microsoft.Edge']!.policy.ExtensionSettings).toEqual(edgePin);
    expect((await deploy('google-admin', small)).out).toMatch(/Pin to browser toolbar/);
    const admx = await run(['deploy', '--target', 'admx', '--out', 'out']);
    expect(admx.out).toContain('"toolbar_pin": "force_pinned"');
    expect((await run(['deploy', '--target', 'admx', '--out', 'out', '--no-hardening'])).out).not.toContain('toolbar_pin');
  });

  it('--help names the flag', async () => {
    expect((await run(['deploy', '--help'])).out).toContain('--no-hardening');
  });
});

describe('telehealth-guard deploy: errors', () => {
  it('an invalid policy exits 1 with one "<path>: <message>" line per problem and writes nothing', async () => {
    const bad = JSON.stringify({ schemaVersion: 1, rules: [{ match: 'b.example:8080', action: 'deny' }] });
    for (const target of Object.keys(FILE)) {
      const r = await run(['deploy', 'bad.json', '--target', target, '--out', 'out'], { 'bad.json': bad });
      expect(r.code).toBe(1);
      expect(r.out.split('\n')).toEqual(['rules[0].match: must not contain a port', 'rules[0].action: must be one of "allow", "warn", "block", not "deny"']);
      expect(r.err).toContain('nothing written');
      expect(Object.keys(r.files)).toEqual(['bad.json']);
    }
  });

  it('duplicate keys and JSON syntax errors are problems too', async () => {
    const dup = await run(['deploy', 'p.json', '--target', 'chrome-linux'], { 'p.json': '{"schemaVersion":1,"defaultAction":"block","defaultAction":"allow"}' });
    expect(dup.code).toBe(1);
    expect(Object.keys(dup.files)).toEqual(['p.json']);
    const syntax = await run(['deploy', 'p.json', '--target', 'chrome-linux'], { 'p.json': '{"schemaVersion":1,}' });
    expect(syntax.code).toBe(1);
    expect(syntax.out).toMatch(/invalid JSON at line 1/);
  });

  it('a control character in policy text is refused for every target, shown escaped', async () => {
    const text = JSON.stringify({ schemaVersion: 1, organization: { name: 'bell\u0007' } });
    for (const target of Object.keys(FILE)) {
      const r = await run(['deploy', 'p.json', '--target', target], { 'p.json': text });
      expect(r.code).toBe(1);
      expect(r.out).toBe('organization.name: must not contain control characters (found \\u0007 at character 5 of "bell\\u0007")');
      expect(Object.keys(r.files)).toEqual(['p.json']);
    }
  });

  it('an unpaired surrogate is refused everywhere', async () => {
    const r = await run(['deploy', 'p.json', '--target', 'chrome-linux'], { 'p.json': '{"schemaVersion":1,"policyVersion":"\\ud800"}' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^policyVersion: contains an unpaired UTF-16 surrogate/);
  });

  it('an unknown target exits 2 and lists the valid ones', async () => {
    const r = await run(['deploy', 'p.json', '--target', 'chrome-windows'], { 'p.json': small });
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown target "chrome-windows"; valid targets: chrome-linux, chromium-linux, edge-linux, windows-reg, macos-mobileconfig, google-admin, firefox');
    expect(Object.keys(r.files)).toEqual(['p.json']);
  });

  it('other usage errors exit 2', async () => {
    const cases: string[][] = [
      ['deploy', 'p.json'],
      ['deploy', '--target', 'firefox'],
      ['deploy', 'p.json', 'q.json', '--target', 'firefox'],
      ['deploy', 'p.json', '--target', 'firefox', '--update-url', 'https://u.example/'],
      ['deploy', 'p.json', '--target', 'chrome-linux', '--install-url', 'https://u.example/x.xpi'],
      ['deploy', 'p.json', '--target', 'chrome-linux', '--update-url', 'not a url'],
      ['deploy', 'p.json', '--target', 'chrome-linux', '--update-url', 'https://u.example/\n'],
      ['deploy', 'p.json', '--target', 'chrome-linux', '--extension-id', 'ABC'],
      ['deploy', 'p.json', '--target', 'firefox', '--extension-id', 'no id'],
      ['deploy', 'p.json', '--target', 'chrome-linux', '--bogus'],
    ];
    for (const argv of cases) {
      const r = await run(argv, { 'p.json': small });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(Object.keys(r.files)).toEqual(['p.json']);
    }
  });

  it('a missing policy file exits 1', async () => {
    const r = await run(['deploy', 'nope.json', '--target', 'firefox']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^nope\.json: cannot read/);
  });

  it('--help lists every target and exits 0', async () => {
    const r = await run(['deploy', '--help']);
    expect(r.code).toBe(0);
    for (const t of Object.keys(FILE)) expect(r.out).toContain(t);
    const top = await run(['--help']);
    expect(top.out).toMatch(/deploy +write the policy file/);
  });
});

describe('telehealth-guard deploy: what deploy adds to the policy (sideDoors, seal)', () => {
  const policyOf = (target: string, content: string) => readBack(target, content)[0]!;

  it('sideDoors.incognito "disabled" exactly where the same file turns incognito off', async () => {
    for (const target of Object.keys(FILE)) {
      const hardened = await deploy(target, small);
      const closes = TARGETS[target]!.closesIncognito === true;
      expect(policyOf(target, hardened.content).sideDoors, target).toEqual(closes ? { incognito: 'disabled' } : undefined);
      if (closes) expect(hardened.out, target).toContain('sideDoors.incognito set to "disabled"');
      // --no-hardening writes no browser policy: the policy says nothing it cannot know.
      const open = await deploy(target, small, ['--no-hardening']);
      expect(policyOf(target, open.content).sideDoors, target).toBeUndefined();
      expect(open.out, target).not.toContain('sideDoors');
    }
    // google-admin and admx carry only the extension's policy: IT turns incognito off in the console.
    expect(TARGET_NAMES.filter((t) => TARGETS[t]!.closesIncognito !== true).sort()).toEqual(['admx', 'google-admin']);
  });

  it('what IT wrote in sideDoors is kept, and replaced (said so) only where this file turns incognito off', async () => {
    const allowed = JSON.stringify({ schemaVersion: 1, sideDoors: { incognito: 'allowed' } });
    const r = await deploy('chromium-linux', allowed);
    expect(policyOf('chromium-linux', r.content).sideDoors).toEqual({ incognito: 'disabled' });
    expect(r.out).toContain('sideDoors.incognito set to "disabled" (was "allowed")');
    const admin = await deploy('google-admin', allowed);
    expect(policyOf('google-admin', admin.content).sideDoors).toEqual({ incognito: 'allowed' });
  });

  it('seals by default, says so, replaces a stale seal, and --no-seal leaves it out', async () => {
    const r = await deploy('chromium-linux', small);
    const p = policyOf('chromium-linux', r.content);
    expect(r.out).toContain(`Sealed ${String(p.seal)}: the extension refuses the push if the browser delivers anything else`);
    expect(await checkSeal(p)).toBe('valid');
    const stale = JSON.stringify({ ...JSON.parse(small), seal: `sha256:${'0'.repeat(64)}` });
    const again = await deploy('chromium-linux', stale);
    expect(again.out).toContain('seal replaced');
    expect(policyOf('chromium-linux', again.content)).toEqual(p);
    const unsealed = await deploy('chromium-linux', stale, ['--no-seal']);
    expect(policyOf('chromium-linux', unsealed.content).seal).toBeUndefined();
    expect(unsealed.out).toContain('Not sealed (--no-seal)');
    expect((await run(['deploy', '--help'])).out).toContain('--no-seal');
  });
});
