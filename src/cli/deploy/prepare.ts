/**
 * The policy as `deploy` pushes it: as IT wrote it, plus what deploy itself knows to be true
 * of the push (docs/command-line-and-pages.md, "Command line"; README, "For IT"):
 * - `sideDoors.incognito: "disabled"` when the same file also writes the browser policy that
 *   turns incognito/private windows off (hardening), so the extension does not warn about
 *   windows that cannot be opened (src/core/side-doors.ts);
 * - `seal` (src/core/policy/seal.ts) over the result, last, so the extension can tell when
 *   the browser delivers anything else.
 * Pure apart from the hash; test/e2e/managed-policy.ts uses it too, so browser tests push
 * exactly what deploy writes.
 */
import { createHash } from 'node:crypto';
import { SEAL_PREFIX, sealInput } from '../../core/policy/seal.ts';
import type { Json, PolicyObject } from './formats.ts';

export interface PushOptions {
  /** The file also turns incognito/private windows off (the side-door browser policy). */
  incognitoOff: boolean;
  /** Write a seal (default in every target; `--no-seal` leaves it out). */
  seal: boolean;
}

export interface PreparedPush {
  policy: PolicyObject;
  /** What deploy changed, one line each, for the command's output. */
  notes: string[];
}

/** The seal, with Node's own SHA-256 (the extension computes the same with WebCrypto). */
export function sealOf(policy: PolicyObject): string {
  return SEAL_PREFIX + createHash('sha256').update(sealInput(policy), 'utf8').digest('hex');
}

export function preparePush(written: PolicyObject, o: PushOptions): PreparedPush {
  const notes: string[] = [];
  const { seal: previous, ...policy } = written;
  if (o.incognitoOff) {
    const doors = isObject(policy.sideDoors) ? policy.sideDoors : {};
    if (doors.incognito !== 'disabled') {
      policy.sideDoors = { ...doors, incognito: 'disabled' };
      notes.push(
        `sideDoors.incognito set to "disabled"${doors.incognito === undefined ? '' : ` (was ${JSON.stringify(doors.incognito)})`}: this file also turns incognito/private windows off, so the extension does not warn about them.`,
      );
    }
  }
  if (!o.seal) {
    if (previous !== undefined) notes.push('seal left out (--no-seal): the seal the file carried is not written.');
    return { policy, notes };
  }
  const seal = sealOf(policy);
  if (previous !== undefined && previous !== seal) notes.push('seal replaced: the one the file carried did not match its content (or deploy changed it, as above).');
  return { policy: { ...policy, seal }, notes };
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
