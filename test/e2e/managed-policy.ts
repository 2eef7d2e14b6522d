/**
 * A real enterprise policy for Chromium on Linux: a JSON file in the machine-wide
 * managed-policy folder, in exactly the form `telehealth-guard deploy --target
 * chromium-linux` writes. Needs root (CI runs as root); the file is removed afterwards.
 */
import { accessSync, constants, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromeManagedJson } from '../../src/cli/deploy/formats.ts';
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

export function writeManagedPolicy(policy: object): void {
  mkdirSync(POLICY_DIR, { recursive: true });
  // Write-then-rename, so Chromium never reads a half-written file.
  writeFileSync(FILE + '.tmp', chromeManagedJson(policy as never, EXTENSION_ID));
  renameSync(FILE + '.tmp', FILE);
}

/** The managed file with any content at all, e.g. text that is not JSON. */
export function writeManagedFileText(text: string): void {
  mkdirSync(POLICY_DIR, { recursive: true });
  writeFileSync(FILE + '.tmp', text);
  renameSync(FILE + '.tmp', FILE);
}

export function removeManagedPolicy(): void {
  rmSync(FILE, { force: true });
}
