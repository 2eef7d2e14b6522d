/**
 * A real enterprise policy for Chromium on Linux: a JSON file in the machine-wide
 * managed-policy folder, in exactly the form `telehealth-guard deploy --target
 * chromium-linux --no-hardening` writes (sealed). Needs root (CI runs as root); the file is removed afterwards.
 */
import { accessSync, constants, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromeManagedJson, type PolicyObject } from '../../src/cli/deploy/formats.ts';
import { preparePush } from '../../src/cli/deploy/prepare.ts';
import { EXTENSION_ID } from '../../src/core/identity.ts';

export const POLICY_DIR = process.env.CHROMIUM_POLICY_DIR ?? '/etc/chromium/policies/managed';
const FILE = join(POLICY_DIR, 'telehealth-guard-e2e.json');

export function canWriteManagedPolicy(): boolean {
  try {
    mkdirSync(POLICY_DIR, { recursive: true });
    accessSync(POLICY_DIR, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The policy as `deploy` writes it (sealed, unless `seal: false`), without the browser's own
 * side-door policies. A `seal` the policy already carries is written as it is (to push a seal
 * that does not match).
 */
export function writeManagedPolicy(policy: object, opts: { seal?: boolean } = {}): void {
  const given = policy as PolicyObject;
  const pushed = 'seal' in given || opts.seal === false ? given : preparePush(given, { incognitoOff: false, seal: true }).policy;
  writeManagedFileText(chromeManagedJson(pushed, EXTENSION_ID));
}

/** The managed file with any content at all, e.g. text that is not JSON. */
export function writeManagedFileText(text: string): void {
  mkdirSync(POLICY_DIR, { recursive: true });
  // Write-then-rename, so Chromium never reads a half-written file.
  writeFileSync(FILE + '.tmp', text);
  renameSync(FILE + '.tmp', FILE);
}

export function removeManagedPolicy(): void {
  rmSync(FILE, { force: true });
}
