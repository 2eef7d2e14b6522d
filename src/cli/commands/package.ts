import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseCommandArgs } from '../args.ts';
import { EXIT_OK, EXIT_PROBLEM, UsageError, type Command } from '../io.ts';
import { packCrx, type BuiltManifest } from '../package/crx.ts';
import { newSigningKey, parseSigningKey, type SigningKey } from '../package/signing-key.ts';
import { updateManifestXml } from '../package/update-manifest.ts';

export const DEFAULT_EXTENSION_DIR = '.output/chrome-mv3';
export const DEFAULT_PACKAGE_DIR = '.output/package';
export const NEW_KEY_FILE = 'telehealth-guard-signing-key.pem';
export const UPDATE_MANIFEST_FILE = 'update.xml';

export const PACKAGE_HELP = `Usage: telehealth-guard package [--key <key.pem> | --key-out <new-key.pem>] [--update-url <url>]
         [--out <dir>] [--extension <dir>]

Packs the built Chrome/Edge extension (npm run build) into a CRX3 signed with your
organisation's key, for hosting on your own web server, and prints the extension id that
key gives: use that id in policy (deploy --extension-id, ExtensionInstallForcelist).

Options:
  --key <key.pem>     your organisation's RSA private key (PEM). Without it a new key is
                      made and saved at --key-out: keep it safe and sign every later
                      version with it, or Chrome sees a different extension.
  --key-out <path>    where a new key is saved (default ./${NEW_KEY_FILE}); never inside
                      --out, the folder you publish.
  --update-url <url>  where you will serve the update manifest (e.g.
                      https://intranet.example.org/telehealth-guard/update.xml); writes
                      ${UPDATE_MANIFEST_FILE}, which points at the .crx in the same folder.
  --out <dir>         output directory (default ${DEFAULT_PACKAGE_DIR})
  --extension <dir>   the built extension (default ${DEFAULT_EXTENSION_DIR})

Exit 0 when written; 1 when the build or key cannot be used; 2 on a usage error.`;

export const packageCommand: Command = async (args, io) => {
  const { positionals, values } = parseCommandArgs(args, {
    key: { type: 'string' },
    'key-out': { type: 'string' },
    'update-url': { type: 'string' },
    out: { type: 'string', short: 'o' },
    extension: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(PACKAGE_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`package takes no file arguments, got "${positionals[0]}"`);
  const updateUrl = values['update-url'];
  if (updateUrl !== undefined && !isHttpUrl(updateUrl)) throw new UsageError(`--update-url "${updateUrl}" is not an absolute https or http URL`);
  const outDir = values.out ?? DEFAULT_PACKAGE_DIR;
  const extensionDir = values.extension ?? DEFAULT_EXTENSION_DIR;
  if (values.key !== undefined && values['key-out'] !== undefined) throw new UsageError('--key-out is where a NEW key goes; with --key, nothing is written but the package');
  // The private key never goes into the folder IT is told to publish (beside the .crx and update.xml).
  const newKeyPath = values['key-out'] ?? NEW_KEY_FILE;
  if (values.key === undefined && inside(resolve(newKeyPath), resolve(outDir))) {
    io.err(`${newKeyPath}: the new private key would be inside ${outDir}, the folder you publish; give --key-out a path outside it`);
    return EXIT_PROBLEM;
  }

  // The build.
  let manifest: BuiltManifest;
  try {
    manifest = JSON.parse(await readFile(join(extensionDir, 'manifest.json'), 'utf8')) as BuiltManifest;
  } catch (e) {
    io.err(`${join(extensionDir, 'manifest.json')}: cannot read the built extension (${(e as Error).message}). Run "npm run build" first, or pass --extension <dir>.`);
    return EXIT_PROBLEM;
  }
  if (manifest.browser_specific_settings !== undefined) {
    io.err(`${extensionDir}: this is the Firefox build; package the Chrome/Edge build (${DEFAULT_EXTENSION_DIR}). Firefox add-ons are signed by Mozilla (docs/admin-guide.md, "Firefox").`);
    return EXIT_PROBLEM;
  }
  if (typeof manifest.version !== 'string') {
    io.err(`${join(extensionDir, 'manifest.json')}: has no version`);
    return EXIT_PROBLEM;
  }

  // The key: the organisation's, or a new one saved next to the package.
  let key: SigningKey;
  let keyPath: string;
  const notes: string[] = [];
  if (values.key !== undefined) {
    keyPath = values.key;
    try {
      key = parseSigningKey(await readFile(keyPath, 'utf8'));
    } catch (e) {
      io.err(`${keyPath}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      return EXIT_PROBLEM;
    }
  } else {
    const made = newSigningKey();
    key = made.key;
    keyPath = newKeyPath;
    try {
      await mkdir(dirname(resolve(keyPath)), { recursive: true });
      await writeFile(keyPath, made.pem, { flag: 'wx', mode: 0o600 });
    } catch (e) {
      io.err(
        (e as NodeJS.ErrnoException).code === 'EEXIST'
          ? `${keyPath} already exists: sign with it (--key ${keyPath}) or move it away; a key is never overwritten.`
          : `${keyPath}: cannot write the new key (${(e as Error).message})`,
      );
      return EXIT_PROBLEM;
    }
    notes.push(
      `No --key given: made a new signing key, ${keyPath} (readable by you only; not in ${outDir}, which you publish).`,
      '  It is the extension\'s identity: keep it safe and out of source control (a vault or password manager),',
      `  and sign every later version with --key. A package signed with another key is another extension to Chrome.`,
    );
  }

  const crxName = `telehealth-guard-${manifest.version}.crx`;
  const crxPath = join(outDir, crxName);
  let sha256: string;
  try {
    await mkdir(outDir, { recursive: true });
    ({ sha256 } = await packCrx(extensionDir, manifest, key, resolve(keyPath), resolve(crxPath)));
  } catch (e) {
    io.err(`${crxPath}: cannot pack (${(e as Error).message})`);
    return EXIT_PROBLEM;
  }

  const lines = [`Wrote ${crxPath} (version ${manifest.version}), signed for extension id ${key.extensionId}`];
  if (updateUrl !== undefined) {
    const codebase = new URL(crxName, updateUrl).href;
    const xmlPath = join(outDir, UPDATE_MANIFEST_FILE);
    await writeFile(xmlPath, updateManifestXml({ id: key.extensionId, version: manifest.version, codebase, sha256, prodversionmin: manifest.minimum_chrome_version }));
    lines.push(
      `Wrote ${xmlPath}: serve it at ${updateUrl}, and the .crx at ${codebase}`,
      `Force-install with ExtensionInstallForcelist "${key.extensionId};${updateUrl}", e.g.:`,
      `  npx telehealth-guard deploy <policy.json> --target windows-reg --extension-id ${key.extensionId} --update-url ${updateUrl}`,
    );
  } else {
    lines.push('No --update-url: no update manifest written. Add --update-url <url> to self-host with force-install.');
  }
  io.out([...lines, ...notes].join('\n'));
  return EXIT_OK;
};

/** Whether `path` is `dir` or inside it (both resolved). */
function inside(path: string, dir: string): boolean {
  const r = relative(dir, path);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

function isHttpUrl(value: string): boolean {
  try {
    return /^[\x21-\x7e]+$/.test(value) && ['https:', 'http:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
