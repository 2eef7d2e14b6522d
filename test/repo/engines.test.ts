/**
 * Node 20 stays supported (README, "Quick start"): `npm install` on the oldest Node that
 * package.json's `engines` allows must not warn EBADENGINE. npm warns for every package it
 * installs whose own `engines.node` excludes the running Node; the lockfile records each
 * package's range, so this reads them all against the lowest version we promise. Optional
 * packages are left out: npm skips an optional package whose engines do not fit (a
 * platform binary for a newer Node) without a warning.
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
};

describe('engines', () => {
  it('declares Node 20', () => {
    const lowest = semver.minVersion(pkg.engines.node);
    expect(lowest?.major).toBe(20);
  });

  it('no installed package asks for a newer Node than package.json promises', () => {
    const lowest = semver.minVersion(pkg.engines.node)!.version;
    const refused: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '' || entry.optional) continue;
      const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
      if (range !== undefined && !semver.satisfies(lowest, range)) refused.push(`${path.replace(/^.*node_modules\//, '')} needs node ${range}`);
    }
    expect(refused, `Node ${lowest} (package.json engines "${pkg.engines.node}")`).toEqual([]);
  });
});
