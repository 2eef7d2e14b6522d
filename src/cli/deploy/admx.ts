/**
 * ADMX/ADML administrative templates for Group Policy and Intune (imported ADMX), generated
 * from the extension's managed schema (src/core/policy/managed-schema.ts), so they cannot
 * drift from the policy format. They write the extension's policy where Chrome and Edge
 * read it on Windows:
 *   HKLM\Software\Policies\Google\Chrome\3rdparty\extensions\<Chrome id>\policy
 *   HKLM\Software\Policies\Microsoft\Edge\3rdparty\extensions\<Edge id>\policy
 * one category per browser, one Group Policy setting per top-level policy key.
 *
 * How each key is written, as Chrome's registry loader reads it against the schema
 * (the same conversions as the .reg target, formats.ts):
 * - a string → a text box (REG_SZ); an integer → a number box (REG_DWORD);
 *   a boolean → a check box (REG_DWORD 0/1);
 * - an object or a list → a text box holding the value as JSON, which Chrome parses
 *   ("Dictionaries may be encoded as JSON strings"), the same form the .reg target writes.
 *   (Objects used to be a box per field under a subkey; but an Enabled setting writes every
 *   box, an empty one as empty text, so `services` wrote ~80 empty actions and
 *   `organization` an empty supportUrl, both refused, and no field could be left out.
 *   As JSON the setting writes exactly the value typed, which is also what a seal needs.)
 *
 * Given a policy (`deploy policy.json --target admx`), each setting's box opens filled in with
 * that policy's value, the seal included (docs/policy-format.md 1.2): enable the settings the
 * policy has, keep the values, and the browser receives exactly what was sealed.
 * `schemaVersion` is its own setting, "Policy format", which must be enabled: without it
 * the extension refuses the managed policy (docs/policy-format.md).
 *
 * The templates are self-contained (no `using` of Windows.admx), so Intune's custom ADMX
 * import takes them without other files first. See docs/admin-guide.md, "Windows".
 */
import type { ChromeSchema } from '../../core/policy/managed-schema.ts';
import { xmlText } from './formats.ts';

export const ADMX_FILE = 'telehealth-guard.admx';
export const ADML_FILE = 'en-US/telehealth-guard.adml';
export const ADMX_NAMESPACE = 'TelehealthGuard.Policies.TelehealthGuard';
export const GP_NAMESPACE = 'http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions';
const TEXT_MAX = 32767;
const DWORD_MAX = 2147483647;

export interface AdmxOptions {
  chromeExtensionId: string;
  edgeExtensionId: string;
}

type Scalar = 'string' | 'integer' | 'boolean';
type Field = { name: string; type: Scalar | 'json' };
type Setting = { key: string; fields: Field[] };
/** The policy whose values the boxes open with (top-level key → value). */
export type AdmxValues = Record<string, unknown>;

const isScalar = (t: string): t is Scalar => t === 'string' || t === 'integer' || t === 'boolean';

/** One Group Policy setting per top-level key of the managed schema. */
export function settingsFromSchema(schema: ChromeSchema): Setting[] {
  return Object.entries(schema.properties ?? {})
    .filter(([key]) => key !== 'schemaVersion')
    .map(([key, s]) => {
      if (isScalar(s.type)) return { key, fields: [{ name: key, type: s.type }] };
      return { key, fields: [{ name: key, type: 'json' as const }] };
    });
}

const BROWSERS = [
  { prefix: 'Chrome', label: 'Google Chrome', root: 'Software\\Policies\\Google\\Chrome', id: (o: AdmxOptions) => o.chromeExtensionId },
  { prefix: 'Edge', label: 'Microsoft Edge', root: 'Software\\Policies\\Microsoft\\Edge', id: (o: AdmxOptions) => o.edgeExtensionId },
] as const;

/** An identifier for ADMX names and ids: letters, digits and underscores. */
const ident = (s: string) => s.replace(/[^A-Za-z0-9]/g, '_');
const attr = (s: string) => xmlText(s).replace(/"/g, '&quot;');

function explain(setting: Setting): string {
  const head = `Sets "${setting.key}" in the Telehealth Guard policy (docs/policy-format.md describes every field and its default).`;
  const how = setting.fields.map((f) =>
    f.type === 'json' ? `Enter the value as JSON, exactly as it appears in a policy file (validate the file first with: npx telehealth-guard validate).` : '',
  );
  const seal =
    setting.key === 'seal'
      ? ['The seal of the whole policy (docs/policy-format.md, "Sealed pushes"): templates made with "telehealth-guard deploy <policy.json> --target admx" open every setting with that policy\'s values and this box with its seal. Change a value and the extension refuses the push as not what was sealed: edit the policy file and make the templates again.']
      : [];
  return [head, ...how.filter(Boolean), ...seal, 'Not configured or Disabled: the field is left out and the extension uses its default. The extension refuses the whole managed policy if "Policy format" is not enabled or a value is invalid, and keeps the last valid one.'].join('\n\n');
}

/** What a box opens with: the policy's value (JSON for objects and lists), or nothing. */
function boxValue(f: Field, values: AdmxValues | undefined): string | undefined {
  const v = values?.[f.name];
  if (v === undefined) return undefined;
  return f.type === 'json' ? JSON.stringify(v) : String(v);
}

/**
 * What these templates cannot carry of a policy: a value longer than a Group Policy text box
 * holds. Checked before anything is written.
 */
export function admxProblems(schema: ChromeSchema, values: AdmxValues): Array<{ path: string; message: string }> {
  return settingsFromSchema(schema).flatMap((s) =>
    s.fields.flatMap((f) => {
      const v = boxValue(f, values);
      return v !== undefined && v.length > TEXT_MAX
        ? [{ path: f.name, message: `is ${v.length.toLocaleString('en-US')} characters as JSON, more than a Group Policy text box holds (${TEXT_MAX.toLocaleString('en-US')}): push this policy with --target windows-reg` }]
        : [];
    }),
  );
}

/**
 * An XML comment. XML forbids "--" inside one (and a trailing "-"), and the Group Policy
 * editor refuses the whole file for it: a command line's "--target" once slipped in.
 */
export function xmlComment(text: string): string {
  if (text.includes('--') || text.endsWith('-')) throw new RangeError(`an XML comment cannot hold "--" or end in "-": ${text}`);
  return `<!-- ${text} -->`;
}

export function admxTemplates(schema: ChromeSchema, o: AdmxOptions, values?: AdmxValues): { admx: string; adml: string } {
  const settings = settingsFromSchema(schema);
  const policies: string[] = [];
  const strings: Array<[string, string]> = [
    ['SUPPORTED_CHROMIUM', 'Google Chrome and Microsoft Edge with the Telehealth Guard extension'],
    ['Cat_TelehealthGuard', 'Telehealth Guard'],
  ];
  const presentations: string[] = [];

  for (const b of BROWSERS) {
    const id = b.id(o);
    const policyKey = `${b.root}\\3rdparty\\extensions\\${id}\\policy`;
    const cat = `Cat_${b.prefix}`;
    strings.push([cat, `${b.label} (extension ${id})`]);

    // "Policy format": writes schemaVersion = 1.
    const fmt = `${b.prefix}_schemaVersion`;
    policies.push(
      [
        `    <policy name="${fmt}" class="Machine" displayName="$(string.${fmt})" explainText="$(string.${fmt}_Explain)" key="${attr(policyKey)}" valueName="schemaVersion">`,
        `      <parentCategory ref="${cat}"/>`,
        `      <supportedOn ref="SUPPORTED_CHROMIUM"/>`,
        `      <enabledValue><decimal value="1"/></enabledValue>`,
        `    </policy>`,
      ].join('\n'),
    );
    strings.push([fmt, 'Policy format (required: enable this)'], [`${fmt}_Explain`, 'Writes schemaVersion = 1, which every Telehealth Guard policy must carry. Enable it together with the settings you configure; without it the extension refuses the managed policy and keeps its last valid one (or its built-in default).']);

    for (const s of settings) {
      const name = `${b.prefix}_${ident(s.key)}`;
      const key = policyKey;
      const elements = s.fields.map((f) => {
        const eid = ident(f.name);
        if (f.type === 'boolean') return `        <boolean id="${eid}" valueName="${attr(f.name)}"><trueValue><decimal value="1"/></trueValue><falseValue><decimal value="0"/></falseValue></boolean>`;
        if (f.type === 'integer') return `        <decimal id="${eid}" valueName="${attr(f.name)}" minValue="0" maxValue="${DWORD_MAX}"/>`;
        return `        <text id="${eid}" valueName="${attr(f.name)}" maxLength="${TEXT_MAX}"/>`;
      });
      policies.push(
        [
          `    <policy name="${name}" class="Machine" displayName="$(string.${name})" explainText="$(string.${name}_Explain)" presentation="$(presentation.${name})" key="${attr(key)}">`,
          `      <parentCategory ref="${cat}"/>`,
          `      <supportedOn ref="SUPPORTED_CHROMIUM"/>`,
          `      <elements>`,
          ...elements,
          `      </elements>`,
          `    </policy>`,
        ].join('\n'),
      );
      strings.push([name, s.key], [`${name}_Explain`, explain(s)]);
      const controls = s.fields.map((f) => {
        const eid = ident(f.name);
        const label = f.type === 'json' ? `${f.name} (JSON)` : f.name;
        const given = boxValue(f, values);
        if (f.type === 'boolean') return `          <checkBox refId="${eid}"${given === undefined ? '' : ` defaultChecked="${given === 'true'}"`}>${xmlText(label)}</checkBox>`;
        if (f.type === 'integer') return `          <decimalTextBox refId="${eid}"${given === undefined ? '' : ` defaultValue="${attr(given)}"`}>${xmlText(label)}</decimalTextBox>`;
        return `          <textBox refId="${eid}"><label>${xmlText(label)}</label>${given === undefined ? '' : `<defaultValue>${xmlText(given)}</defaultValue>`}</textBox>`;
      });
      presentations.push([`        <presentation id="${name}">`, ...controls, `        </presentation>`].join('\n'));
    }
  }

  const admx = [
    '<?xml version="1.0" encoding="utf-8"?>',
    xmlComment(`Telehealth Guard administrative template, generated from the policy schema by the telehealth-guard command (deploy, target admx). Chrome extension id ${o.chromeExtensionId}, Edge extension id ${o.edgeExtensionId}.`),
    `<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="${GP_NAMESPACE}">`,
    '  <policyNamespaces>',
    `    <target prefix="telehealthguard" namespace="${ADMX_NAMESPACE}"/>`,
    '  </policyNamespaces>',
    '  <resources minRequiredRevision="1.0"/>',
    '  <supportedOn>',
    '    <definitions>',
    '      <definition name="SUPPORTED_CHROMIUM" displayName="$(string.SUPPORTED_CHROMIUM)"/>',
    '    </definitions>',
    '  </supportedOn>',
    '  <categories>',
    '    <category name="Cat_TelehealthGuard" displayName="$(string.Cat_TelehealthGuard)"/>',
    ...BROWSERS.map((b) => `    <category name="Cat_${b.prefix}" displayName="$(string.Cat_${b.prefix})"><parentCategory ref="Cat_TelehealthGuard"/></category>`),
    '  </categories>',
    '  <policies>',
    ...policies,
    '  </policies>',
    '</policyDefinitions>',
    '',
  ].join('\n');

  const adml = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="${GP_NAMESPACE}">`,
    '  <displayName>Telehealth Guard</displayName>',
    '  <description>Managed policy for the Telehealth Guard browser extension in Google Chrome and Microsoft Edge.</description>',
    '  <resources>',
    '    <stringTable>',
    ...strings.map(([id, text]) => `      <string id="${id}">${xmlText(text)}</string>`),
    '    </stringTable>',
    '    <presentationTable>',
    ...presentations,
    '    </presentationTable>',
    '  </resources>',
    '</policyDefinitionResources>',
    '',
  ].join('\n');
  return { admx, adml };
}
