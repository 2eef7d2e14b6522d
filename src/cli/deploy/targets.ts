/**
 * The `deploy` targets: which file each writes, and the short, exact instructions for
 * where that file must go. The file contents come from the pure functions in formats.ts.
 */
import { generateManagedSchema } from '../../core/policy/managed-schema.ts';
import { ADML_FILE, ADMX_FILE, admxTemplates } from './admx.ts';
import {
  chromeManagedJson,
  firefoxPoliciesJson,
  googleAdminJson,
  mobileconfig,
  regPolicyKey,
  REG_CHROME_ROOT,
  REG_EDGE_ROOT,
  REG_FORCELIST_VALUE,
  windowsReg,
  type PolicyObject,
} from './formats.ts';
import {
  CHROME_SIDE_DOORS,
  EDGE_SIDE_DOORS,
  FIREFOX_PRIVATE_BROWSING,
  FIREFOX_SIDE_DOORS,
  sideDoorPolicies,
  sideDoorSummary,
  type SideDoor,
} from './hardening.ts';
import { CAPTURE_LIST_POLICIES, captureFloor, captureFloorAdvice, captureFloorLine, captureRelaxLines, type FloorBrowser } from './capture.ts';
import { toolbarPinElsewhere, toolbarPinLine, toolbarPinPolicies, type PinBrowser } from './toolbar-pin.ts';

export interface TargetOptions {
  /** Chrome/Edge extension id, or the Firefox add-on id for `firefox`. */
  extensionId: string;
  /** Edge's id where it differs from Chrome's (store builds): windows-reg, macos-mobileconfig, admx. */
  edgeExtensionId?: string;
  updateUrl?: string;
  installUrl?: string;
  /** Write the side-door browser policies too (hardening.ts); false with --no-hardening. */
  hardening?: boolean;
}

/** The side-door policies for a browser when hardening is on, else none. */
function doors(o: TargetOptions, list: readonly SideDoor[]): PolicyObject | undefined {
  return o.hardening === false ? undefined : sideDoorPolicies(list);
}

/** The side doors and the capture floor (capture.ts) for a browser when hardening is on, else none. */
function hardened(o: TargetOptions, list: readonly SideDoor[], policy: PolicyObject, browser: FloorBrowser): PolicyObject | undefined {
  return o.hardening === false ? undefined : { ...sideDoorPolicies(list), ...captureFloor(policy, browser) };
}

function doorsLine(o: TargetOptions, browser: string, list: readonly SideDoor[]): string[] {
  return o.hardening === false ? ['Side doors left open (--no-hardening): incognito/private windows and guest profiles escape the extension.'] : [sideDoorSummary(browser, list)];
}

/** For formats that carry only the extension's policy: where to close the side doors instead. */
const ADMIN_CONSOLE_DOORS = [
  'Side doors: this file carries only the extension policy. In the same organisational unit set',
  '  "Incognito mode" to "Disallow incognito mode", "Browser guest mode" to "Prevent guest mode" and "Network prediction"',
  '  to "Do not predict network actions" (policies IncognitoModeAvailability=1, BrowserGuestModeEnabled=false,',
  '  NetworkPredictionOptions=2), and force-install the extension. Then add "sideDoors": {"incognito": "disabled"} to the policy.',
];

export interface Target {
  file: string;
  /** One line for --help. */
  summary: string;
  /** Which id --extension-id names for this target. */
  idKind: 'chrome' | 'gecko';
  /** The force-install option this target takes, if any. */
  forceInstall: '--update-url' | '--install-url' | null;
  /** Written as XML, which cannot carry some control characters. */
  xml: boolean;
  build(policy: PolicyObject, o: TargetOptions): string;
  /** Targets that write more than one file (admx): path under --out → content. Replaces `build`. */
  files?(o: TargetOptions, policy?: PolicyObject): Record<string, string>;
  /** Writes for Chrome and Edge, so takes --edge-extension-id. */
  edgeId?: boolean;
  /** Targets that carry no policy values (admx): the policy file is optional. */
  policyOptional?: boolean;
  /**
   * With hardening, the file also turns incognito/private windows off, so deploy writes
   * `sideDoors.incognito: "disabled"` into the policy (prepare.ts). Formats that carry only
   * the extension's policy (google-admin, admx) say where to turn them off instead.
   */
  closesIncognito?: boolean;
  /** What to do with the written file at `path` (`policy`: the policy written, when there is one). */
  instructions(path: string, o: TargetOptions, policy?: PolicyObject): string[];
}

/**
 * Each Linux target writes a file named for its browser (telehealth-guard-chrome.json, …), so
 * deploying for Chrome and then Edge into one folder keeps both; in the browser's folder it
 * is installed as telehealth-guard.json.
 */
function linuxTarget(browser: string, file: string, dir: string, policyPage: string, sideDoors: readonly SideDoor[], pin: PinBrowser): Target {
  return {
    file,
    summary: `JSON for ${dir}`,
    idKind: 'chrome',
    forceInstall: '--update-url',
    xml: false,
    closesIncognito: true,
    build: (policy, o) => chromeManagedJson(policy, o.extensionId, { updateUrl: o.updateUrl, browserPolicies: { ...hardened(o, sideDoors, policy, pin), ...toolbarPinPolicies(pin, o.extensionId, o.hardening) } }),
    instructions: (path, o, policy) => [
      `${browser} on Linux reads it from ${dir}. As root:`,
      `  install -D -m 644 ${path} ${dir}telehealth-guard.json`,
      `The change arrives within seconds, no restart needed; check ${policyPage}.`,
      o.updateUrl !== undefined
        ? `Force-install: ExtensionInstallForcelist "${o.extensionId};${o.updateUrl}" is in the file. Chrome uses only one file's value of a policy: if another file in ${dir} sets ExtensionInstallForcelist, add this entry there instead.`
        : 'Not force-installed: only the 3rdparty extension policy was written. Add --update-url <url> to install the extension by policy too.',
      ...doorsLine(o, browser, sideDoors),
      ...toolbarPinLine(browser, o.hardening),
      ...(o.hardening === false || !policy ? [] : captureFloorLine(policy, pin)),
    ],
  };
}

export const TARGETS: Record<string, Target> = {
  'chrome-linux': linuxTarget('Google Chrome', 'telehealth-guard-chrome.json', '/etc/opt/chrome/policies/managed/', 'chrome://policy', CHROME_SIDE_DOORS, 'chrome'),
  'chromium-linux': linuxTarget('Chromium', 'telehealth-guard-chromium.json', '/etc/chromium/policies/managed/', 'chrome://policy', CHROME_SIDE_DOORS, 'chrome'),
  'edge-linux': linuxTarget('Microsoft Edge', 'telehealth-guard-edge.json', '/etc/opt/edge/policies/managed/', 'edge://policy', EDGE_SIDE_DOORS, 'edge'),
  'windows-reg': {
    file: 'telehealth-guard.reg',
    edgeId: true,
    summary: 'one .reg for the Chrome and Edge 3rdparty keys under HKLM\\SOFTWARE\\Policies',
    idKind: 'chrome',
    forceInstall: '--update-url',
    xml: false,
    closesIncognito: true,
    build: (policy, o) =>
      windowsReg(policy, o.extensionId, {
        updateUrl: o.updateUrl,
        edgeExtensionId: o.edgeExtensionId,
        ...(o.hardening === false
          ? {}
          : {
              browserPoliciesByRoot: {
                [REG_CHROME_ROOT]: { ...sideDoorPolicies(CHROME_SIDE_DOORS), ...toolbarPinPolicies('chrome', o.extensionId, o.hardening), ...captureFloor(policy, 'chrome') },
                [REG_EDGE_ROOT]: { ...sideDoorPolicies(EDGE_SIDE_DOORS), ...toolbarPinPolicies('edge', o.edgeExtensionId ?? o.extensionId, o.hardening), ...captureFloor(policy, 'edge') },
              },
              ownedLists: CAPTURE_LIST_POLICIES,
            }),
      }),
    instructions: (path, o, policy) => [
      `Import it as Administrator on each machine (or push the same keys with Group Policy Preferences or Intune):`,
      `  reg import ${path}`,
      `It sets ${regPolicyKey(REG_CHROME_ROOT, o.extensionId).replace('HKEY_LOCAL_MACHINE', 'HKLM')}`,
      `     and ${regPolicyKey(REG_EDGE_ROOT, o.edgeExtensionId ?? o.extensionId).replace('HKEY_LOCAL_MACHINE', 'HKLM')}`,
      'Check chrome://policy and edge://policy (Reload policies).',
      o.updateUrl !== undefined
        ? `Force-install: value "${REG_FORCELIST_VALUE}" of ExtensionInstallForcelist for both browsers. Windows machines install extensions from outside the Chrome Web Store / Edge Add-ons only when domain- or Entra-joined or cloud-managed.`
        : 'Not force-installed: only the 3rdparty extension policy was written. Add --update-url <url> to install the extension by policy too.',
      ...doorsLine(o, 'Chrome', CHROME_SIDE_DOORS),
      ...doorsLine(o, 'Edge', EDGE_SIDE_DOORS),
      ...toolbarPinLine('Chrome', o.hardening),
      ...toolbarPinLine('Edge', o.hardening),
      ...(o.hardening === false || !policy ? [] : [...captureFloorLine(policy, 'chrome'), ...captureRelaxLines(policy, [REG_CHROME_ROOT, REG_EDGE_ROOT])]),
    ],
  },
  'macos-mobileconfig': {
    file: 'telehealth-guard.mobileconfig',
    edgeId: true,
    summary: 'a configuration profile with a Chrome and an Edge payload',
    idKind: 'chrome',
    forceInstall: null,
    xml: true,
    closesIncognito: true,
    build: (policy, o) =>
      mobileconfig(policy, o.extensionId, o.edgeExtensionId, {
        chromePolicies: { ...hardened(o, CHROME_SIDE_DOORS, policy, 'chrome'), ...toolbarPinPolicies('chrome', o.extensionId, o.hardening) },
        edgePolicies: { ...hardened(o, EDGE_SIDE_DOORS, policy, 'edge'), ...toolbarPinPolicies('edge', o.edgeExtensionId ?? o.extensionId, o.hardening) },
      }),
    instructions: (path, o, policy) => [
      `Payloads com.google.Chrome.extensions.${o.extensionId} and com.microsoft.Edge.extensions.${o.edgeExtensionId ?? o.extensionId}.`,
      'Upload it to your MDM as a custom configuration profile for devices. To try it on one Mac:',
      `  open ${path}   then approve it in System Settings → General → Device Management.`,
      'Check chrome://policy and edge://policy.',
      "Not force-installed: install the extension with your MDM's Chrome/Edge ExtensionInstallForcelist.",
      ...doorsLine(o, 'Chrome (payload com.google.Chrome)', CHROME_SIDE_DOORS),
      ...doorsLine(o, 'Edge (payload com.microsoft.Edge)', EDGE_SIDE_DOORS),
      ...(o.hardening === false || !policy ? [] : captureFloorLine(policy, 'chrome')),
      ...toolbarPinLine('Chrome', o.hardening),
      ...toolbarPinLine('Edge', o.hardening),
    ],
  },
  'google-admin': {
    file: 'google-admin.json',
    summary: 'JSON for the Google Admin console\'s "Policy for extensions" box',
    idKind: 'chrome',
    forceInstall: null,
    xml: false,
    build: (policy) => googleAdminJson(policy),
    instructions: (path, o, policy) => [
      'Google Admin console → Devices → Chrome → Apps & extensions → Users & browsers:',
      `select the organisational unit, add the extension by id ${o.extensionId} (choose "Force install" there to install it),`,
      `then paste the contents of ${path} into "Policy for extensions" and save. Check chrome://policy.`,
      ...(o.hardening === false ? [] : ADMIN_CONSOLE_DOORS),
      ...toolbarPinElsewhere('in the same place: the extension\'s "Pin to browser toolbar" setting', o.hardening),
      ...(o.hardening === false || !policy ? [] : captureFloorAdvice(policy, 'In the same organisational unit (Users & browsers settings),')),
    ],
  },
  firefox: {
    file: 'policies.json',
    summary: 'policies.json with 3rdparty.Extensions (and ExtensionSettings with --install-url)',
    idKind: 'gecko',
    forceInstall: '--install-url',
    xml: false,
    closesIncognito: true,
    build: (policy, o) =>
      firefoxPoliciesJson(policy, o.extensionId, {
        installUrl: o.installUrl,
        ...(o.hardening === false ? {} : { browserPolicies: hardened(o, FIREFOX_SIDE_DOORS, policy, 'firefox'), installSettings: { ...FIREFOX_PRIVATE_BROWSING } }),
      }),
    instructions: (path, o, policy) => [
      `Firefox reads it as policies.json at:`,
      '  Linux    /etc/firefox/policies/policies.json (or <install dir>/distribution/policies.json)',
      '  Windows  C:\\Program Files\\Mozilla Firefox\\distribution\\policies.json',
      '  macOS    /Applications/Firefox.app/Contents/Resources/distribution/policies.json',
      `Firefox reads one policies.json, once at start: if one exists, merge "3rdparty", "ExtensionSettings" and the side-door policies from ${path} into it; restart Firefox; check about:policies.`,
      o.installUrl !== undefined
        ? `Force-install: ExtensionSettings."${o.extensionId}" installs from ${o.installUrl}.`
        : 'Not force-installed: only 3rdparty.Extensions was written. Add --install-url <url of the signed .xpi> to install the add-on by policy too.',
      ...doorsLine(o, 'Firefox', FIREFOX_SIDE_DOORS),
      ...(o.hardening === false || !policy ? [] : captureFloorLine(policy, 'firefox')),
      ...(o.hardening !== false && o.installUrl !== undefined ? ['The force-installed add-on is also allowed in private windows (ExtensionSettings private_browsing), should they be turned back on.'] : []),
    ],
  },
  admx: {
    file: ADMX_FILE,
    summary: `ADMX/ADML templates (${ADMX_FILE}, ${ADML_FILE}) for Group Policy and Intune`,
    idKind: 'chrome',
    forceInstall: null,
    xml: true,
    policyOptional: true,
    edgeId: true,
    build: () => '',
    files: (o, policy) => {
      const { admx, adml } = admxTemplates(generateManagedSchema(), { chromeExtensionId: o.extensionId, edgeExtensionId: o.edgeExtensionId ?? o.extensionId }, policy);
      return { [ADMX_FILE]: admx, [ADML_FILE]: adml };
    },
    instructions: (path, o, policy) => [
      policy
        ? `Settings under "Telehealth Guard" for Chrome (extension ${o.extensionId}) and Edge (extension ${o.edgeExtensionId ?? o.extensionId}); each opens filled in with this policy's value.`
        : `Settings under "Telehealth Guard" for Chrome (extension ${o.extensionId}) and Edge (extension ${o.edgeExtensionId ?? o.extensionId}); they carry no values: set them in the editor.`,
      'Group Policy: copy the .admx into \\\\<domain>\\SYSVOL\\<domain>\\Policies\\PolicyDefinitions\\ and the .adml into its en-US\\ folder,',
      policy
        ? `  then Computer Configuration → Administrative Templates → Telehealth Guard. Enable "Policy format" and exactly these settings, keeping their values: ${Object.keys(policy).filter((k) => k !== 'schemaVersion').join(', ')}.`
        : '  then Computer Configuration → Administrative Templates → Telehealth Guard. Enable "Policy format" and the settings you need.',
      ...(policy && typeof policy.seal === 'string' ? ['  A value changed in the editor, a setting left out or one added makes the push differ from its seal, and the extension refuses it: change the policy file and make the templates again.'] : []),
      `Intune: Devices → Configuration → Import ADMX: upload ${path} with the .adml, then create a profile from the imported template.`,
      'The ids are written into the templates: generate them again if an id changes. Check chrome://policy and edge://policy.',
      ...(o.hardening === false
        ? []
        : [
            "Side doors: these templates carry only the extension's settings. With Google's and Microsoft's own ADMX templates set",
            '  IncognitoModeAvailability = 1 (Chrome), InPrivateModeAvailability = 1 (Edge), BrowserGuestModeEnabled = false and NetworkPredictionOptions = 2 (both),',
            '  then add "sideDoors": {"incognito": "disabled"} to the policy; or use --target windows-reg, which writes them all.',
          ]),
      ...toolbarPinElsewhere(`with the vendors' ExtensionSettings policy ({"${o.extensionId}": {"toolbar_pin": "force_pinned"}}; Edge also "toolbar_state": "force_shown"), or use --target windows-reg`, o.hardening),
      ...(o.hardening === false || !policy ? [] : captureFloorAdvice(policy, "With Google's and Microsoft's own ADMX templates")),
    ],
  },
};

export const TARGET_NAMES: readonly string[] = Object.freeze(Object.keys(TARGETS));
