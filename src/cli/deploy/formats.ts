/**
 * The files `telehealth-guard deploy` writes, one pure function per format, so tests
 * (and the extension's browser tests, which need a real `/etc/chromium/policies/managed`
 * file) can reuse them.
 *
 * Every function takes the policy **as IT wrote it** (the parsed JSON object, not the
 * defaults-filled Policy), so a later change to a default is not frozen into the push.
 * Chrome and Edge keep extension policy as top-level keys of managed storage
 * (docs/policy-format.md, "Where a policy comes from"), so each top-level policy key becomes one
 * policy value in every format.
 */
import { createHash } from 'node:crypto';
import type { PolicyProblem } from '../../core/policy/parse.ts';
import { formatPath } from '../../core/policy/parse.ts';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type PolicyObject = { [key: string]: Json };

export interface ForceInstall {
  /** Chrome/Edge update manifest URL (`ExtensionInstallForcelist` entry `<id>;<url>`). */
  updateUrl?: string;
  /** Edge's extension id where it differs from Chrome's (store builds); Chrome's id otherwise. */
  edgeExtensionId?: string;
  /** Browser policies written beside the extension's (hardening.ts), e.g. incognito off. */
  browserPolicies?: PolicyObject;
}

// ---------------------------------------------------------------------------
// Linux managed-policy JSON (Chrome, Chromium, Edge)
// ---------------------------------------------------------------------------

/**
 * A file for `/etc/opt/chrome/policies/managed/`, `/etc/chromium/policies/managed/` or
 * `/etc/opt/edge/policies/managed/`: `{"3rdparty":{"extensions":{"<id>":{…policy…}}}}`.
 *
 * Force-install uses `ExtensionInstallForcelist` (`"<id>;<update url>"`) rather than
 * `ExtensionSettings`: Chrome does not merge one policy set in two files, and an
 * organisation's `ExtensionSettings` (often a `"*"` block-list) is the more likely one
 * to exist already. The legacy forcelist and `ExtensionSettings` are both honoured.
 */
export function chromeManagedJson(policy: PolicyObject, extensionId: string, opts: ForceInstall = {}): string {
  const doc: { [key: string]: Json } = {};
  Object.assign(doc, opts.browserPolicies);
  if (opts.updateUrl !== undefined) doc.ExtensionInstallForcelist = [`${extensionId};${opts.updateUrl}`];
  doc['3rdparty'] = { extensions: { [extensionId]: policy } };
  return JSON.stringify(doc, null, 2) + '\n';
}

// ---------------------------------------------------------------------------
// Google Admin console
// ---------------------------------------------------------------------------

/**
 * What the Admin console's "Policy for extensions" box (Devices → Chrome → Apps &
 * extensions → the extension) takes: each top-level policy key mapped to `{"Value": …}`
 * (chromium.org, "Configuring Apps and Extensions by Policy"). The extension id is not
 * in the file: it is chosen in the console.
 */
export function googleAdminJson(policy: PolicyObject): string {
  const doc: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(policy)) doc[key] = { Value: value };
  return JSON.stringify(doc, null, 2) + '\n';
}

// ---------------------------------------------------------------------------
// Firefox
// ---------------------------------------------------------------------------

export interface FirefoxInstall {
  /** Where Firefox downloads the signed .xpi (`ExtensionSettings` force-install). */
  installUrl?: string;
  /** Browser policies written beside the add-on's (hardening.ts), e.g. private browsing off. */
  browserPolicies?: PolicyObject;
  /** Extra `ExtensionSettings` fields for the force-installed add-on, e.g. `private_browsing`. */
  installSettings?: PolicyObject;
}

/** `policies.json`: `policies.3rdparty.Extensions.<add-on id>`, plus `ExtensionSettings` when installing. */
export function firefoxPoliciesJson(policy: PolicyObject, geckoId: string, opts: FirefoxInstall = {}): string {
  const policies: { [key: string]: Json } = { ...opts.browserPolicies };
  if (opts.installUrl !== undefined) {
    policies.ExtensionSettings = { [geckoId]: { installation_mode: 'force_installed', install_url: opts.installUrl, ...opts.installSettings } };
  }
  policies['3rdparty'] = { Extensions: { [geckoId]: policy } };
  return JSON.stringify({ policies }, null, 2) + '\n';
}

// ---------------------------------------------------------------------------
// Windows .reg
// ---------------------------------------------------------------------------

export const REG_CHROME_ROOT = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome';
export const REG_EDGE_ROOT = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Edge';
/**
 * The forcelist value name we use. Chrome reads any numerically-named value of the
 * `ExtensionInstallForcelist` key as a list item, so an unusual number leaves an
 * organisation's own entries (usually 1, 2, …) alone.
 */
export const REG_FORCELIST_VALUE = '7001';

export function regPolicyKey(root: string, extensionId: string): string {
  return `${root}\\3rdparty\\extensions\\${extensionId}\\policy`;
}

/**
 * One .reg file for Chrome and Edge: the policy under
 * `HKLM\SOFTWARE\Policies\{Google\Chrome,Microsoft\Edge}\3rdparty\extensions\<id>\policy`.
 *
 * Encoding: the file is pure ASCII with CRLF lines under the
 * `Windows Registry Editor Version 5.00` header, which regedit and `reg import` read
 * the same way whatever code page the machine uses. (UTF-16 LE would also do, but the
 * CLI writes text files as UTF-8; ASCII sidesteps the question.) Non-ASCII survives
 * exactly: inside JSON as `\uXXXX` escapes, and in a plain string value as `hex(1):`
 * (REG_SZ given as its UTF-16 LE bytes).
 *
 * Values, as Chrome's registry policy loader (components/policy/core/common/
 * registry_dict.cc) converts them against the extension's managed schema:
 * - an object or array → REG_SZ holding JSON ("Dictionaries may be encoded as JSON
 *   strings"; lists fall through to the same). One value per top-level key is simpler
 *   and exact, where expanding into numbered subkeys would lose list order (Chrome
 *   sorts subkey names as strings: 10 before 2);
 * - an integer → REG_DWORD (read as int); a boolean → REG_DWORD 0/1;
 * - any other number → REG_SZ (Chrome parses the string as a double);
 * - a string → REG_SZ.
 *
 * The policy key is deleted first (`[-…]`) so a setting IT removed from the policy
 * does not linger from an earlier import.
 */
export interface RegHardening {
  /**
   * Browser policies per root (REG_CHROME_ROOT, REG_EDGE_ROOT): a scalar or an object as a value
   * of the root key itself; a list as a subkey of its name with one numbered value per item
   * (regListKey).
   */
  browserPoliciesByRoot?: Record<string, PolicyObject>;
  /**
   * List policies whose numbered values REG_LIST_FIRST… (REG_LIST_SLOTS of them) this file owns
   * in both roots: the items it sets take the first slots and every other slot of the range is
   * deleted, so a list IT shortened or emptied (or a policy relaxed) leaves no item behind from
   * an earlier import. The key's other values (the organisation's "1", "2", …) are never touched.
   */
  ownedLists?: readonly string[];
}

/**
 * Chrome and Edge read a list policy from the subkey of its name (`…\Chrome\VideoCaptureAllowedUrls`),
 * one item per value whose name is a number, in any order, with gaps (components/policy/core/
 * common/registry_dict.cc: "non-numerical keys are ignored"). Organisations number their own
 * items from 1, so ours start far above, as the forcelist's value does.
 */
export const REG_LIST_FIRST = 7101;
/** Slots the file owns per list: enough for the longest list deploy can write (test/cli/deploy-capture.test.ts checks). */
export const REG_LIST_SLOTS = 300;

export function windowsReg(policy: PolicyObject, extensionId: string, opts: ForceInstall & RegHardening = {}): string {
  const lines: string[] = [
    'Windows Registry Editor Version 5.00',
    '',
    '; Telehealth Guard managed policy for Google Chrome and Microsoft Edge.',
    `; Extension id ${extensionId}${opts.edgeExtensionId && opts.edgeExtensionId !== extensionId ? ` (Chrome), ${opts.edgeExtensionId} (Edge)` : ''}. Import as Administrator: reg import telehealth-guard.reg`,
  ];
  for (const [root, id] of [[REG_CHROME_ROOT, extensionId], [REG_EDGE_ROOT, opts.edgeExtensionId ?? extensionId]] as const) {
    const key = regPolicyKey(root, id);
    lines.push('', `[-${key}]`, '', `[${key}]`);
    for (const [name, value] of Object.entries(policy)) lines.push(regValue(name, value));
    const browserPolicies = opts.browserPoliciesByRoot?.[root] ?? {};
    const scalars = Object.entries(browserPolicies).filter(([, v]) => !Array.isArray(v));
    if (scalars.length > 0) {
      // Set value by value, never deleting the key: it holds the organisation's other policies.
      lines.push('', '; Browser policies (README, "Side doors", "Camera and microphone"); leave them out with deploy --no-hardening.', `[${root}]`);
      for (const [name, value] of scalars) lines.push(regValue(name, value));
    }
    const lists = new Set([...(opts.ownedLists ?? []), ...Object.keys(browserPolicies).filter((k) => Array.isArray(browserPolicies[k]))]);
    for (const name of lists) lines.push('', ...regListKey(root, name, (browserPolicies[name] as Json[] | undefined) ?? []));
    if (opts.updateUrl !== undefined) {
      lines.push(
        '',
        `; Force-install. Value name ${REG_FORCELIST_VALUE} is ours; if your forcelist already uses it, pick another unused number.`,
        `[${root}\\ExtensionInstallForcelist]`,
        `${regQuote(REG_FORCELIST_VALUE)}=${regQuote(`${id};${opts.updateUrl}`)}`,
      );
    }
  }
  return lines.join('\r\n') + '\r\n';
}

/**
 * A list policy as its subkey: items in slots REG_LIST_FIRST…, every other slot of the range
 * deleted (`"n"=-`), the key itself and its other values left alone.
 */
function regListKey(root: string, name: string, items: Json[]): string[] {
  if (items.length > REG_LIST_SLOTS) throw new Error(`${name}: ${items.length} items, more than the ${REG_LIST_SLOTS} a .reg list slot range holds`);
  const last = REG_LIST_FIRST + REG_LIST_SLOTS - 1;
  const out = [
    `; ${name}: values ${REG_LIST_FIRST}-${last} are Telehealth Guard's (set below, the rest of the range cleared); the key's other values are left as they are.`,
    `[${root}\\${name}]`,
  ];
  items.forEach((item, i) => out.push(regValue(String(REG_LIST_FIRST + i), item)));
  for (let n = REG_LIST_FIRST + items.length; n <= last; n++) out.push(`${regQuote(String(n))}=-`);
  return out;
}

function regValue(name: string, value: Json): string {
  const lhs = regQuote(name) + '=';
  if (typeof value === 'boolean') return lhs + dword(value ? 1 : 0);
  if (typeof value === 'number' && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff) return lhs + dword(value);
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : asciiJson(value);
  if (/^[\x20-\x7e]*$/.test(text)) return lhs + regQuote(text);
  return regHexSz(lhs, text);
}

function dword(n: number): string {
  return 'dword:' + (n >>> 0).toString(16).padStart(8, '0');
}

/** A .reg quoted string: only `\` and `"` are escaped inside quotes. */
export function regQuote(s: string): string {
  return '"' + s.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

/** JSON with every character outside printable ASCII as a `\uXXXX` escape. */
export function asciiJson(value: Json): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** REG_SZ as `hex(1):` UTF-16 LE bytes with the terminating NUL, wrapped the way regedit exports. */
function regHexSz(lhs: string, text: string): string {
  const bytes: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    bytes.push(hex2(u & 0xff), hex2(u >> 8));
  }
  bytes.push('00', '00');
  let out = lhs + 'hex(1):';
  let line = out.length;
  bytes.forEach((b, i) => {
    const piece = b + (i < bytes.length - 1 ? ',' : '');
    if (i > 0 && line + piece.length > 77) {
      out += '\\\r\n  ';
      line = 2;
    }
    out += piece;
    line += piece.length;
  });
  return out;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

// ---------------------------------------------------------------------------
// macOS configuration profile
// ---------------------------------------------------------------------------

export const MOBILECONFIG_IDENTIFIER = 'org.telehealth-guard.policy';

/**
 * One configuration profile with two payloads, `com.google.Chrome.extensions.<id>` and
 * `com.microsoft.Edge.extensions.<id>`, each carrying the policy keys directly (the
 * managed-preferences domain Chrome and Edge read extension policy from).
 *
 * PayloadIdentifiers are fixed, so installing a newer profile replaces the older one;
 * PayloadUUIDs are derived from the content, so the same input gives the same file.
 */
export interface MobileconfigHardening {
  /** Browser policies for the `com.google.Chrome` and `com.microsoft.Edge` domains (hardening.ts). */
  chromePolicies?: PolicyObject;
  edgePolicies?: PolicyObject;
}

export function mobileconfig(policy: PolicyObject, extensionId: string, edgeExtensionId: string = extensionId, opts: MobileconfigHardening = {}): string {
  const browserPayloads = [
    { browser: 'Google Chrome', what: 'browser policies', type: 'com.google.Chrome', id: `${MOBILECONFIG_IDENTIFIER}.chrome-browser`, body: opts.chromePolicies },
    { browser: 'Microsoft Edge', what: 'browser policies', type: 'com.microsoft.Edge', id: `${MOBILECONFIG_IDENTIFIER}.edge-browser`, body: opts.edgePolicies },
  ].filter((p) => p.body && Object.keys(p.body).length > 0);
  const payloads = [
    { browser: 'Google Chrome', what: 'policy', type: `com.google.Chrome.extensions.${extensionId}`, id: `${MOBILECONFIG_IDENTIFIER}.chrome`, body: policy },
    { browser: 'Microsoft Edge', what: 'policy', type: `com.microsoft.Edge.extensions.${edgeExtensionId}`, id: `${MOBILECONFIG_IDENTIFIER}.edge`, body: policy },
    ...browserPayloads,
  ].map((p) => {
    const body = plistDictEntries(p.body!, 3);
    return [
      '    <dict>',
      plistEntry('PayloadDisplayName', `Telehealth Guard ${p.what} (${p.browser})`, 3),
      plistEntry('PayloadIdentifier', p.id, 3),
      plistEntry('PayloadType', p.type, 3),
      plistEntry('PayloadUUID', contentUuid(p.type + '\n' + body), 3),
      plistEntry('PayloadVersion', 1, 3),
      ...(body ? [body] : []),
      '    </dict>',
    ].join('\n');
  });
  const content = payloads.join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '  <key>PayloadContent</key>',
    '  <array>',
    content,
    '  </array>',
    plistEntry('PayloadDescription', `Telehealth Guard managed policy for Google Chrome and Microsoft Edge (extension ${extensionId}${edgeExtensionId !== extensionId ? `; Edge extension ${edgeExtensionId}` : ''}).`, 1),
    plistEntry('PayloadDisplayName', 'Telehealth Guard policy', 1),
    plistEntry('PayloadIdentifier', MOBILECONFIG_IDENTIFIER, 1),
    plistEntry('PayloadScope', 'System', 1),
    plistEntry('PayloadType', 'Configuration', 1),
    plistEntry('PayloadUUID', contentUuid('Configuration\n' + content), 1),
    plistEntry('PayloadVersion', 1, 1),
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

/** A name-based UUID (RFC 9562 version 8, from SHA-256), upper-case as Apple writes them. */
export function contentUuid(content: string): string {
  const b = createHash('sha256').update(content, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function plistDictEntries(obj: { [key: string]: Json }, depth: number): string {
  return Object.entries(obj).map(([k, v]) => plistEntry(k, v, depth)).join('\n');
}

function plistEntry(key: string, value: Json, depth: number): string {
  const pad = '  '.repeat(depth);
  return `${pad}<key>${xmlText(key)}</key>\n${plistValue(value, depth)}`;
}

function plistValue(value: Json, depth: number): string {
  const pad = '  '.repeat(depth);
  if (value === null) throw new Error('a property list cannot hold null');
  if (typeof value === 'string') return `${pad}<string>${xmlText(value)}</string>`;
  if (typeof value === 'boolean') return `${pad}<${value}/>`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`a property list cannot hold ${value}`);
    return Number.isInteger(value) ? `${pad}<integer>${value}</integer>` : `${pad}<real>${value}</real>`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return `${pad}<array/>`;
    return [`${pad}<array>`, ...value.map((v) => plistValue(v, depth + 1)), `${pad}</array>`].join('\n');
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return `${pad}<dict/>`;
  return [`${pad}<dict>`, plistDictEntries(value, depth + 1), `${pad}</dict>`].join('\n');
}

/**
 * XML character data. `\r` is written as a character reference because XML parsers
 * turn a literal CR (and CRLF) into LF. Characters XML 1.0 cannot carry at all are
 * refused beforehand by `unrepresentable`.
 */
export function xmlText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

// ---------------------------------------------------------------------------
// What a format cannot carry
// ---------------------------------------------------------------------------

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// XML 1.0 Char excludes C0 controls other than tab, LF and CR, and U+FFFE/U+FFFF.
const NOT_XML_CHAR = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/;

/**
 * Strings in the policy that a format cannot carry exactly: an unpaired surrogate (not
 * Unicode text, in any format), and for property lists the control characters XML 1.0
 * forbids even as character references. Reported as policy problems, before anything
 * is written.
 */
export function unrepresentable(policy: PolicyObject, xml: boolean): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const visit = (v: Json, path: Array<string | number>): void => {
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) problems.push({ path: formatPath(path), message: 'contains an unpaired UTF-16 surrogate, which no policy format can carry' });
      else if (xml && NOT_XML_CHAR.test(v)) problems.push({ path: formatPath(path), message: 'contains a control character that a macOS configuration profile (XML) cannot carry' });
    } else if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, i]));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (LONE_SURROGATE.test(k) || (xml && NOT_XML_CHAR.test(k))) problems.push({ path: formatPath([...path, k]), message: 'has a key this format cannot carry' });
        visit(x, [...path, k]);
      }
    }
  };
  visit(policy, []);
  return problems;
}
