import { parsePolicyText, formatProblem, type PolicyProblem, type PolicyResult } from '../core/policy/parse.ts';
import { MAX_POLICY_BYTES, parseJson, tooLargeMessage } from '../core/policy/json.ts';
import { defaultPolicy } from '../core/policy/default.ts';
import type { Policy } from '../core/policy/schema.ts';
import { escapeControls } from '../core/printable.ts';
import { FileTooLargeError, type CliIO } from './io.ts';

/**
 * Read and check a policy file as every command does: an oversized file is refused
 * before it is read (README, "Limits"); `unreadable` says why a file could not be read.
 */
export async function readPolicyFile(io: CliIO, path: string): Promise<(PolicyResult & { raw?: unknown; chromeDrops?: PolicyProblem[] }) | { ok: false; unreadable: string }> {
  let text: string;
  try {
    text = await io.readFile(path, { maxBytes: MAX_POLICY_BYTES });
  } catch (e) {
    if (e instanceof FileTooLargeError) return { ok: false, problems: [{ path: '', message: tooLargeMessage(e.bytes) }] };
    return { ok: false, unreadable: (e as Error).message };
  }
  const r = parsePolicyText(text);
  // `raw`: the JSON as written (not defaults-filled), for what depends on the file itself (its seal).
  if (!r.ok) return r;
  const json = parseJson(text);
  if (!json.ok) return r;
  // Valid JSON that Chromium would still trim as written (src/core/policy/json.ts).
  const chromeDrops = json.fractionSpellings.map((f) => ({
    path: f.path,
    message: `${f.text} is a whole number written with a decimal point or exponent, which Chrome and Edge read as a fraction and drop where a whole number belongs (line ${f.line}, column ${f.column}): write ${Number(f.text)}`,
  }));
  return { ...r, raw: json.value, chromeDrops };
}

/** A problem as one printable line: what came from the file is escaped, line breaks included. */
export function problemLine(p: Parameters<typeof formatProblem>[0]): string {
  return escapeControls(formatProblem(p));
}

/** The policy named by --policy, or the built-in default. Null (after printing why) when unusable. */
export async function loadPolicyOption(io: CliIO, path: string | undefined): Promise<Policy | null> {
  if (path === undefined) return defaultPolicy();
  const r = await readPolicyFile(io, path);
  const shown = escapeControls(path);
  if ('unreadable' in r) {
    io.err(`${shown}: cannot read the policy file (${escapeControls(r.unreadable)})`);
    return null;
  }
  if (r.ok) return r.policy;
  io.err(`${shown}: the policy is invalid; run "telehealth-guard validate ${shown}" for details:`);
  for (const p of r.problems) io.err(`  ${problemLine(p)}`);
  return null;
}
