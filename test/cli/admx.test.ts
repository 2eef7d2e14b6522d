/**
 * `deploy --target admx` and `--edge-extension-id`. The ADMX/ADML are checked against the
 * rules of Microsoft's ADMX schema (PolicyDefinitions.xsd) that can be checked without
 * Windows: well-formed XML in the schema's namespace, the required structure, and every
 * reference resolving ($(string.…), $(presentation.…), categories, supportedOn, refId).
 */
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/main.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { GP_NAMESPACE, settingsFromSchema } from '../../src/cli/deploy/admx.ts';
import { EXTENSION_ID } from '../../src/core/identity.ts';
import { generateManagedSchema } from '../../src/core/policy/managed-schema.ts';
import { checkSeal } from '../../src/core/policy/seal.ts';
import { preparePush } from '../../src/cli/deploy/prepare.ts';

const A = 'abcdefghijklmnopabcdefghijklmnop';
const B = 'ponmlkjihgfedcbaponmlkjihgfedcba';
const strict = readFileSync('policies/examples/strict-hospital.json', 'utf8');

const run = async (argv: string[], files: Record<string, string> = {}) => {
  const io = memoryIO(files);
  const code = await runCommand(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n'), files: io.files };
};

const ARRAYS = new Set(['policy', 'category', 'definition', 'string', 'presentation', 'text', 'decimal', 'boolean', 'enum', 'textBox', 'decimalTextBox', 'checkBox', 'target', 'using']);
/**
 * Well-formed XML 1.0 with namespaces, by a conformant parser (saxes, jsdom's): the Group
 * Policy editor and Intune refuse a file that is not. fast-xml-parser's validator is lenient
 * (it accepts "--" inside a comment, which broke the header comment once), so it only reads
 * the structure afterwards.
 */
export function xmlProblem(xml: string): string | null {
  const parser = new SaxesParser({ xmlns: true });
  let problem: string | null = null;
  parser.on('error', (e) => {
    problem ??= e.message;
  });
  parser.write(xml).close();
  return problem;
}
const parse = (xml: string) => {
  expect(xmlProblem(xml), 'well-formed XML').toBeNull();
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ARRAYS.has(name), textNodeName: '#text' }).parse(xml);
};
const refs = (value: string, kind: 'string' | 'presentation') => {
  const m = new RegExp(`^\\$\\(${kind}\\.([A-Za-z0-9_]+)\\)$`).exec(value);
  expect(m, `${value} is a $(${kind}.id) reference`).toBeTruthy();
  return m![1]!;
};

describe('deploy --target admx', () => {
  it('the strict parser refuses what the Group Policy editor refuses', () => {
    expect(xmlProblem('<?xml version="1.0"?><!-- deploy --target admx --><a/>')).toMatch(/malformed comment/);
    expect(xmlProblem('<a xmlns:p="urn:x"><p:b/></a>')).toBeNull();
    expect(xmlProblem('<a><q:b/></a>')).toMatch(/prefix/);
  });

  it('prints the SYSVOL path with its backslashes', async () => {
    const r = await run(['deploy', '--target', 'admx', '--out', 'out']);
    expect(r.out).toContain('\\\\<domain>\\SYSVOL\\<domain>\\Policies\\PolicyDefinitions\\');
    expect(r.out).toContain('into its en-US\\ folder');
  });

  it('writes an ADMX and an en-US ADML in the schema namespace whose every reference resolves', async () => {
    const r = await run(['deploy', '--target', 'admx', '--extension-id', A, '--edge-extension-id', B, '--out', 'out']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Wrote out/telehealth-guard.admx and out/en-US/telehealth-guard.adml');
    const admx = parse(r.files['out/telehealth-guard.admx']!).policyDefinitions;
    const adml = parse(r.files['out/en-US/telehealth-guard.adml']!).policyDefinitionResources;

    for (const root of [admx, adml]) {
      expect(root.xmlns).toBe(GP_NAMESPACE);
      expect(root.revision).toMatch(/^\d+\.\d+$/);
      expect(root.schemaVersion).toMatch(/^\d+\.\d+$/);
    }
    expect(admx.policyNamespaces.target).toHaveLength(1);
    expect(admx.policyNamespaces.target[0].prefix).toMatch(/^[A-Za-z_][\w.-]*$/);
    expect(admx.policyNamespaces.using ?? [], 'self-contained: no other ADMX needed (Intune import)').toEqual([]);
    expect(admx.resources.minRequiredRevision).toBe(adml.revision);

    const strings = new Map<string, string>();
    for (const s of adml.resources.stringTable.string) {
      expect(strings.has(s.id), `string id ${s.id} unique`).toBe(false);
      strings.set(s.id, s['#text']);
    }
    const presentations = new Map<string, Record<string, Array<{ refId: string }>>>();
    for (const p of adml.resources.presentationTable.presentation) {
      expect(presentations.has(p.id), `presentation id ${p.id} unique`).toBe(false);
      presentations.set(p.id, p);
    }
    const str = (ref: string) => expect(strings.get(refs(ref, 'string')), `${ref} resolves`).toBeTruthy();

    const supported = new Set<string>(admx.supportedOn.definitions.definition.map((d: { name: string; displayName: string }) => (str(d.displayName), d.name)));
    const categories = new Set<string>();
    for (const c of admx.categories.category) {
      str(c.displayName);
      categories.add(c.name);
    }
    for (const c of admx.categories.category) if (c.parentCategory) expect(categories.has(c.parentCategory.ref)).toBe(true);

    const names = new Set<string>();
    const keys = new Set<string>();
    for (const p of admx.policies.policy) {
      expect(names.has(p.name), `policy name ${p.name} unique`).toBe(false);
      names.add(p.name);
      expect(p.name).toMatch(/^[A-Za-z0-9_]+$/);
      expect(['Machine', 'User', 'Both']).toContain(p.class);
      str(p.displayName);
      str(p.explainText);
      expect(categories.has(p.parentCategory.ref)).toBe(true);
      expect(supported.has(p.supportedOn.ref)).toBe(true);
      expect(p.key, 'a key without its hive').toMatch(/^Software\\Policies\\(Google\\Chrome|Microsoft\\Edge)\\3rdparty\\extensions\\[a-p]{32}\\policy(\\[\w-]+)?$/);
      keys.add(p.key);
      const elements = Object.entries<Array<{ id: string; valueName: string; minValue?: string; maxValue?: string }>>(p.elements ?? {}).flatMap(([type, list]) => list.map((e) => ({ type, ...e })));
      const ids = elements.map((e) => e.id);
      expect(new Set(ids).size, `element ids unique in ${p.name}`).toBe(ids.length);
      for (const e of elements) if (e.type === 'decimal') expect(Number(e.minValue)).toBeLessThanOrEqual(Number(e.maxValue));
      if (elements.length === 0) {
        expect(p.valueName, `${p.name} without elements writes its own value`).toBeTruthy();
        continue;
      }
      const pres = presentations.get(refs(p.presentation, 'presentation'));
      expect(pres, `${p.presentation} resolves`).toBeTruthy();
      const controls = Object.entries(pres!).filter(([k]) => k !== 'id').flatMap(([, v]) => v);
      expect(controls.map((c) => c.refId).sort(), `${p.name}: one control per element`).toEqual([...ids].sort());
    }

    // Both browsers, each under its own id; every top-level policy key is settable, and schemaVersion has its own setting.
    expect([...keys].some((k) => k.startsWith(`Software\\Policies\\Google\\Chrome\\3rdparty\\extensions\\${A}\\policy`))).toBe(true);
    expect([...keys].some((k) => k.startsWith(`Software\\Policies\\Microsoft\\Edge\\3rdparty\\extensions\\${B}\\policy`))).toBe(true);
    expect([...keys].some((k) => k.includes(A) && k.includes('Edge'))).toBe(false);
    const topKeys = Object.keys(generateManagedSchema().properties ?? {});
    for (const prefix of ['Chrome', 'Edge']) for (const k of topKeys) expect(names.has(`${prefix}_${k.replace(/[^A-Za-z0-9]/g, '_')}`), `${prefix} setting for ${k}`).toBe(true);
    const fmt = admx.policies.policy.find((p: { name: string }) => p.name === 'Chrome_schemaVersion');
    expect(fmt.valueName).toBe('schemaVersion');
    expect(fmt.enabledValue.decimal[0].value).toBe('1');
  });

  it('maps each policy key to the registry form Chrome reads: scalars as values, objects and lists as JSON', () => {
    const settings = new Map(settingsFromSchema(generateManagedSchema()).map((s) => [s.key, s]));
    expect(settings.get('defaultAction')).toEqual({ key: 'defaultAction', fields: [{ name: 'defaultAction', type: 'string' }] });
    expect(settings.get('seal')).toEqual({ key: 'seal', fields: [{ name: 'seal', type: 'string' }] });
    // An Enabled setting writes every box it has (an empty one as empty text): objects as one
    // JSON box write exactly the value, never ~80 empty service actions.
    for (const k of ['organization', 'warn', 'services', 'categories', 'rules', 'meetings', 'sideDoors']) expect(settings.get(k)!.fields, k).toEqual([{ name: k, type: 'json' }]);
    expect(settings.has('schemaVersion')).toBe(false);
  });

  it('without a policy the templates carry no values', async () => {
    const r = await run(['deploy', '--target', 'admx', '--out', 'o']);
    expect(r.out).toContain('carry no values');
    expect(r.files['o/en-US/telehealth-guard.adml']).not.toContain('defaultValue');
  });

  it('with a policy, every setting opens with its value and the seal; enabled as they open, Group Policy writes exactly what was sealed', async () => {
    const ok = await run(['deploy', 'p.json', '--target', 'admx', '--out', 'o'], { 'p.json': strict });
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain("each opens filled in with this policy's value");
    expect(ok.out).toMatch(/Sealed sha256:[0-9a-f]{64}/);
    expect(ok.files['o/telehealth-guard.admx']).toContain(EXTENSION_ID);
    const admx = parse(ok.files['o/telehealth-guard.admx']!).policyDefinitions;
    const adml = parse(ok.files['o/en-US/telehealth-guard.adml']!).policyDefinitionResources;
    // What Group Policy writes for Chrome with each setting the instructions name Enabled as it
    // opens, read back the way Chrome's registry loader reads it (JSON boxes parsed).
    const pres = new Map<string, Record<string, unknown>>(adml.resources.presentationTable.presentation.map((p: { id: string }) => [p.id, p]));
    const written: Record<string, unknown> = {};
    const enabled = /exactly these settings, keeping their values: (.*)\.$/m.exec(ok.out)![1]!.split(', ');
    for (const p of admx.policies.policy as Array<{ name: string; presentation?: string; valueName?: string; elements?: Record<string, Array<{ valueName: string }>> }>) {
      if (!p.name.startsWith('Chrome_')) continue;
      if (p.name === 'Chrome_schemaVersion') {
        written.schemaVersion = 1;
        continue;
      }
      const setting = p.name.slice('Chrome_'.length);
      const text = p.elements?.text?.[0];
      if (!text || !enabled.map((k) => k.replace(/[^A-Za-z0-9]/g, '_')).includes(setting)) continue;
      const box = (pres.get(refs(p.presentation!, 'presentation'))!.textBox as Array<{ defaultValue?: string; label: string }>)[0]!;
      expect(box.defaultValue, setting).toBeDefined();
      written[text.valueName] = box.label.endsWith('(JSON)') ? JSON.parse(String(box.defaultValue)) : String(box.defaultValue);
    }
    const sealed = preparePush(JSON.parse(strict), { incognitoOff: false, seal: true }).policy;
    expect(written).toEqual(sealed);
    expect(await checkSeal(written)).toBe('valid');
    // sideDoors are not written into it: these templates do not turn incognito off.
    expect(written.sideDoors).toBeUndefined();

    const bad = await run(['deploy', 'p.json', '--target', 'admx', '--out', 'o2'], { 'p.json': '{"schemaVersion":1,"defaultAction":"maybe"}' });
    expect(bad.code).toBe(1);
    expect(bad.files['o2/telehealth-guard.admx']).toBeUndefined();
  });

  it('a value longer than a Group Policy text box is refused before anything is written', async () => {
    const rules = Array.from({ length: 1200 }, (_, i) => ({ match: `chat${i}.example-consumer.com`, action: 'block' }));
    const r = await run(['deploy', 'p.json', '--target', 'admx', '--out', 'o'], { 'p.json': JSON.stringify({ schemaVersion: 1, rules }) });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^rules: is [\d,]+ characters as JSON, more than a Group Policy text box holds \(32,767\): push this policy with --target windows-reg$/);
    expect(r.files['o/telehealth-guard.admx']).toBeUndefined();
  });
});

describe('deploy --edge-extension-id', () => {
  it('windows-reg writes the Chrome key under the Chrome id and the Edge key under the Edge id, force-install included', async () => {
    const r = await run(['deploy', 'p.json', '--target', 'windows-reg', '--extension-id', A, '--edge-extension-id', B, '--update-url', 'https://h.example/u.xml', '--out', 'o'], { 'p.json': strict });
    expect(r.code, r.err).toBe(0);
    const reg = r.files['o/telehealth-guard.reg']!;
    expect(reg).toContain(`[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome\\3rdparty\\extensions\\${A}\\policy]`);
    expect(reg).toContain(`[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Edge\\3rdparty\\extensions\\${B}\\policy]`);
    expect(reg).not.toContain(`Edge\\3rdparty\\extensions\\${A}`);
    expect(reg).not.toContain(`Chrome\\3rdparty\\extensions\\${B}`);
    expect(reg).toContain(`"${A};https://h.example/u.xml"`);
    expect(reg).toContain(`"${B};https://h.example/u.xml"`);
    expect(r.out).toContain(B);
  });

  it('macos-mobileconfig has a Chrome payload for one id and an Edge payload for the other', async () => {
    const r = await run(['deploy', 'p.json', '--target', 'macos-mobileconfig', '--extension-id', A, '--edge-extension-id', B, '--out', 'o'], { 'p.json': strict });
    expect(r.code, r.err).toBe(0);
    const xml = r.files['o/telehealth-guard.mobileconfig']!;
    expect(xml).toContain(`<string>com.google.Chrome.extensions.${A}</string>`);
    expect(xml).toContain(`<string>com.microsoft.Edge.extensions.${B}</string>`);
    expect(xml).not.toContain(`com.microsoft.Edge.extensions.${A}`);
  });

  it('without it, Edge uses the same id; elsewhere or malformed it is a usage error', async () => {
    const same = await run(['deploy', 'p.json', '--target', 'windows-reg', '--extension-id', A, '--out', 'o'], { 'p.json': strict });
    expect(same.files['o/telehealth-guard.reg']).toContain(`Edge\\3rdparty\\extensions\\${A}\\policy`);
    const linux = await run(['deploy', 'p.json', '--target', 'chrome-linux', '--edge-extension-id', B], { 'p.json': strict });
    expect(linux.code).toBe(2);
    expect(linux.err).toContain('--edge-extension-id applies only to windows-reg, macos-mobileconfig, admx');
    const bad = await run(['deploy', 'p.json', '--target', 'windows-reg', '--edge-extension-id', 'nope'], { 'p.json': strict });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--edge-extension-id "nope" is not a Chrome/Edge extension id');
  });
});
