/**
 * A signed CRX3 of the built extension, with the organisation's key.
 *
 * The build's manifest carries this project's public `key` (src/core/identity.ts), and
 * its built-in DNR ruleset redirects to `chrome-extension://<that id>/guard.html`. A
 * package signed with another key gets that key's id: Chromium's installer then writes
 * the package's public key into the installed manifest's `key` (sandboxed_unpacker.cc,
 * RewriteManifestFile; tried with Chromium 156: a package keeping this project's `key`
 * installs under the signing key's id), so a mismatched `key` is overwritten, not refused,
 * but the ruleset's redirects would still name the other id and lead nowhere. So the staged copy
 * gets the signing key's public half as `key` (an unpacked copy of the package then has
 * the same id too) and every ruleset redirect names the new id.
 *
 * The CRX3 container (header protobuf, RSA-SHA256 signature over the signed header and
 * the zip) is written by the `crx3` package.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTENSION_ID } from '../../core/identity.ts';
import type { SigningKey } from './signing-key.ts';

export interface BuiltManifest {
  version: string;
  minimum_chrome_version?: string;
  key?: string;
  browser_specific_settings?: unknown;
  declarative_net_request?: { rule_resources?: Array<{ path: string }> };
  [k: string]: unknown;
}

/** The manifest.json the package gets: the signing key's public half as `key`. */
export function packagedManifest(manifest: BuiltManifest, key: SigningKey): BuiltManifest {
  return { ...manifest, key: key.publicKeyBase64 };
}

/** A DNR ruleset with every redirect to this project's own id pointed at `extensionId`. */
export function retargetRuleset(json: string, extensionId: string): string {
  return json.split(`chrome-extension://${EXTENSION_ID}/`).join(`chrome-extension://${extensionId}/`);
}

export interface PackResult {
  crx: Buffer;
  sha256: string;
}

/** Stages a copy of `extensionDir` for `key`, packs it into `crxPath`, and returns the bytes. */
export async function packCrx(extensionDir: string, manifest: BuiltManifest, key: SigningKey, keyPath: string, crxPath: string): Promise<PackResult> {
  const stage = await mkdtemp(join(tmpdir(), 'telehealth-guard-package-'));
  try {
    const root = join(stage, 'extension');
    await cp(extensionDir, root, { recursive: true });
    await writeFile(join(root, 'manifest.json'), JSON.stringify(packagedManifest(manifest, key), null, 2));
    for (const { path } of manifest.declarative_net_request?.rule_resources ?? []) {
      const file = join(root, path);
      await writeFile(file, retargetRuleset(await readFile(file, 'utf8'), key.extensionId));
    }
    // Loaded only here: the other commands start without it.
    const { default: writeCrx3 } = await import('crx3');
    const info = await writeCrx3([root], { keyPath, crxPath });
    if (info.appId !== key.extensionId) throw new Error(`the packer signed for id ${info.appId}, expected ${key.extensionId}`);
    const crx = await readFile(crxPath);
    return { crx, sha256: createHash('sha256').update(crx).digest('hex') };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
