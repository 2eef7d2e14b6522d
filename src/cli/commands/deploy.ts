import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { EXTENSION_ID, GECKO_ID } from '../../core/identity.ts';
import { MAX_POLICY_BYTES, parseJson, tooLargeMessage } from '../../core/policy/json.ts';
import { parsePolicy, parsePolicyText, type PolicyProblem } from '../../core/policy/parse.ts';
import { escapeControls } from '../../core/printable.ts';
import { parseCommandArgs } from '../args.ts';
import { unrepresentable, type PolicyObject } from '../deploy/formats.ts';
import { preparePush } from '../deploy/prepare.ts';
import { admxProblems } from '../deploy/admx.ts';
import { generateManagedSchema } from '../../core/policy/managed-schema.ts';
import { TARGET_NAMES, TARGETS, type Target, type TargetOptions } from '../deploy/targets.ts';
import { EXIT_OK, EXIT_PROBLEM, FileTooLargeError, UsageError, type CliIO, type Command } from '../io.ts';
import { problemLine } from '../policy-option.ts';

const width = Math.max(...TARGET_NAMES.map((t) => t.length));

export const DEPLOY_HELP = `Usage: telehealth-guard deploy <policy.json> --target <target> [--out <dir>]
         [--extension-id <id>] [--edge-extension-id <id>] [--update-url <url>] [--install-url <url>]
         [--no-hardening] [--no-seal]

Validates the policy, then writes the file that enterprise browser management pushes.
The policy is written as you wrote it (defaults are not filled in, so the extension's
own defaults keep applying), sealed (a digest of the whole policy, so the extension
refuses a push the browser trimmed), and it prints where the file must go.

Targets:
${TARGET_NAMES.map((t) => `  ${t.padEnd(width)}  ${TARGETS[t]!.file}: ${TARGETS[t]!.summary}`).join('\n')}

Options:
  --out <dir>           directory to write to (default: the current directory)
  --extension-id <id>   the Chrome/Edge extension id (default ${EXTENSION_ID}),
                        or for --target firefox the add-on id (default ${GECKO_ID})
  --edge-extension-id <id>
                        windows-reg, macos-mobileconfig, admx: Edge's extension id
                        where it differs from Chrome's (store builds; default: the same)
  --update-url <url>    chrome-linux, chromium-linux, edge-linux, windows-reg: also
                        force-install the extension from this update manifest URL
                        (ExtensionInstallForcelist "<id>;<url>")
  --install-url <url>   firefox: also force-install the add-on from this .xpi URL
                        (ExtensionSettings, installation_mode "force_installed")
  --no-hardening        leave out the browser policies that close the side doors,
                        written by default: incognito/InPrivate/private windows off
                        (IncognitoModeAvailability=1, InPrivateModeAvailability=1,
                        DisablePrivateBrowsing) and guest mode off
                        (BrowserGuestModeEnabled=false), and the toolbar pin
                        (ExtensionSettings toolbar_pin=force_pinned); see README,
                        "Side doors". With them, the policy gets sideDoors.incognito
                        "disabled"
  --no-seal             write the policy without its "seal" (the extension then
                        applies it marked unsealed and cannot notice a value the
                        browser dropped); see README, "Sealed pushes"

Exit 0 when the file is written; exit 1 when the policy is invalid, with one line per
problem, "<path>: <message>", and nothing written; exit 2 on a usage error.`;

const CHROME_ID = /^[a-p]{32}$/;
// Firefox add-on ids: a GUID in braces, or an e-mail-like id.
const GECKO_ID_RE = /^(\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}|[A-Za-z0-9._+-]*@[A-Za-z0-9._-]+)$/;

export const deployCommand: Command = async (args, io) => {
  const { positionals, values } = parseCommandArgs(args, {
    target: { type: 'string', short: 't' },
    out: { type: 'string', short: 'o' },
    'extension-id': { type: 'string' },
    'edge-extension-id': { type: 'string' },
    'update-url': { type: 'string' },
    'install-url': { type: 'string' },
    'no-hardening': { type: 'boolean' },
    'no-seal': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(DEPLOY_HELP);
    return EXIT_OK;
  }
  const policyOptional = values.target !== undefined && Object.hasOwn(TARGETS, values.target) && TARGETS[values.target]!.policyOptional === true;
  if (positionals.length === 0 && !policyOptional) throw new UsageError('deploy needs a policy file');
  if (positionals.length > 1) throw new UsageError(`deploy takes one policy file, got ${positionals.length}`);
  const file = positionals[0];
  const targetName = values.target;
  if (targetName === undefined) throw new UsageError(`deploy needs --target, one of: ${TARGET_NAMES.join(', ')}`);
  const target = Object.hasOwn(TARGETS, targetName) ? TARGETS[targetName] : undefined;
  if (!target) throw new UsageError(`unknown target "${targetName}"; valid targets: ${TARGET_NAMES.join(', ')}`);

  const extensionId = values['extension-id'] ?? (target.idKind === 'gecko' ? GECKO_ID : EXTENSION_ID);
  if (target.idKind === 'chrome' && !CHROME_ID.test(extensionId)) {
    throw new UsageError(`--extension-id "${extensionId}" is not a Chrome/Edge extension id (32 letters a–p)`);
  }
  if (target.idKind === 'gecko' && !GECKO_ID_RE.test(extensionId)) {
    throw new UsageError(`--extension-id "${extensionId}" is not a Firefox add-on id (name@domain or {GUID})`);
  }
  const opts: TargetOptions = { extensionId, hardening: !values['no-hardening'] };
  const edgeId = values['edge-extension-id'];
  if (edgeId !== undefined) {
    const takers = TARGET_NAMES.filter((t) => TARGETS[t]!.edgeId === true);
    if (target.edgeId !== true) throw new UsageError(`--edge-extension-id applies only to ${takers.join(', ')}, not to ${targetName}`);
    if (!CHROME_ID.test(edgeId)) throw new UsageError(`--edge-extension-id "${edgeId}" is not a Chrome/Edge extension id (32 letters a–p)`);
    opts.edgeExtensionId = edgeId;
  }
  for (const [option, key, schemes] of [
    ['--update-url', 'update-url', ['https:', 'http:']],
    ['--install-url', 'install-url', ['https:', 'http:', 'file:']],
  ] as const) {
    const url = values[key];
    if (url === undefined) continue;
    if (target.forceInstall !== option) {
      const takers = TARGET_NAMES.filter((t) => TARGETS[t]!.forceInstall === option);
      throw new UsageError(`${option} applies only to ${takers.join(', ')}, not to ${targetName}`);
    }
    if (!isUrl(url, schemes)) throw new UsageError(`${option} "${url}" is not an absolute ${schemes.join(' or ')} URL`);
    if (option === '--update-url') opts.updateUrl = url;
    else opts.installUrl = url;
  }

  if (file === undefined) return writeTargetFiles(target, targetName, opts, values.out ?? '.', io);
  const shown = escapeControls(file);
  let text: string;
  try {
    text = await io.readFile(file, { maxBytes: MAX_POLICY_BYTES });
  } catch (e) {
    if (e instanceof FileTooLargeError) {
      io.err(`${shown}: invalid policy, 1 problem; nothing written:`);
      io.out(tooLargeMessage(e.bytes));
    } else io.err(`${shown}: cannot read (${escapeControls((e as Error).message)})`);
    return EXIT_PROBLEM;
  }

  // Validate exactly as `validate` does, then keep the JSON as IT wrote it.
  const r = parsePolicyText(text);
  const json = r.ok ? parseJson(text) : null;
  let problems: PolicyProblem[] = r.ok ? [] : r.problems;
  let policy: PolicyObject | undefined;
  if (problems.length === 0 && json?.ok) {
    // What every format serialises is this JSON round trip of the input; make sure it
    // is the same value and still valid (no Infinity, -0 or other value JSON cannot
    // carry), so what is written is exactly what validated.
    const written = JSON.parse(JSON.stringify(json.value)) as PolicyObject;
    const again = parsePolicy(written);
    if (!again.ok) problems = again.problems;
    else if (!isDeepStrictEqual(written, json.value)) problems = [{ path: '', message: 'the policy does not survive a JSON round trip unchanged' }];
    else {
      problems = unrepresentable(written, target.xml);
      policy = written;
    }
  }
  if (problems.length > 0 || policy === undefined) {
    io.err(`${shown}: invalid policy, ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing written:`);
    for (const p of problems) io.out(problemLine(p));
    return EXIT_PROBLEM;
  }

  const pushed = preparePush(policy, { incognitoOff: target.closesIncognito === true && opts.hardening !== false, seal: !values['no-seal'] });
  if (target.files) {
    // Templates (admx) open with this policy's values and its seal.
    const tooLong = admxProblems(generateManagedSchema(), pushed.policy);
    if (tooLong.length > 0) {
      io.err(`${shown}: these templates cannot carry this policy, ${tooLong.length} problem${tooLong.length === 1 ? '' : 's'}; nothing written:`);
      for (const p of tooLong) io.out(problemLine(p));
      return EXIT_PROBLEM;
    }
    return writeTargetFiles(target, targetName, opts, values.out ?? '.', io, [...pushed.notes, sealLine(pushed.policy)].join('\n'), pushed.policy);
  }
  const content = target.build(pushed.policy, opts);
  const path = join(values.out ?? '.', target.file);
  try {
    await io.writeFile(path, content);
  } catch (e) {
    io.err(`${path}: cannot write (${(e as Error).message})`);
    return EXIT_PROBLEM;
  }
  io.out([`Wrote ${path} for ${targetName} (${target.idKind === 'gecko' ? 'add-on' : 'extension'} id ${extensionId}).`, ...pushed.notes, sealLine(pushed.policy), ...target.instructions(path, opts, pushed.policy)].join('\n'));
  return EXIT_OK;
};

/** Targets of several files (admx): without a policy they carry no values; with one, its values. */
async function writeTargetFiles(target: Target, targetName: string, opts: TargetOptions, outDir: string, io: CliIO, note?: string, policy?: PolicyObject): Promise<number> {
  const written: string[] = [];
  for (const [name, content] of Object.entries(target.files?.(opts, policy) ?? {})) {
    const path = join(outDir, name);
    try {
      await io.writeFile(path, content);
    } catch (e) {
      io.err(`${path}: cannot write (${(e as Error).message})`);
      return EXIT_PROBLEM;
    }
    written.push(path);
  }
  io.out([`Wrote ${written.join(' and ')} for ${targetName}.`, ...(note ? [note] : []), ...target.instructions(written[0]!, opts, policy)].join('\n'));
  return EXIT_OK;
}

function sealLine(policy: PolicyObject): string {
  return typeof policy.seal === 'string'
    ? `Sealed ${policy.seal}: the extension refuses the push if the browser delivers anything else (a value it dropped). Edit the policy file and deploy again, never the written file.`
    : 'Not sealed (--no-seal): the extension applies it marked unsealed and cannot tell if the browser dropped a value.';
}

function isUrl(value: string, schemes: readonly string[]): boolean {
  try {
    // Printable ASCII only: the URL is copied verbatim into every format, and URL parsing
    // would quietly drop a stray newline or tab that then breaks a .reg line.
    return /^[\x21-\x7e]+$/.test(value) && schemes.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
