/**
 * Meeting-link analysis (docs/meeting-links.md): what one link tells about a meeting's
 * security, judged against the organisation's policy (`meetings.*`).
 *
 * Pure: no browser APIs, no DOM, no network. Runs in the extension, in vitest and in the CLI.
 * The parts: `types.ts` (vocabulary), `wrappers.ts` (mail gateways and redirectors, one table
 * shared with the gate and the annotator), `platforms/*` (one parser per platform),
 * `judge.ts` (the policy), `schedule.ts` (scheduling pages).
 *
 * Public API
 * - `analyseLink(input, policy)` never throws. Input that is not an absolute URL, or a URL
 *   that is not a meeting/call link, gives `platform: null`, no findings and verdict `ok` —
 *   except a wrapped link whose destination the link does not show (Mimecast), which gives
 *   `platform: null` and one `wrapped-unresolved` finding.
 * - `parseError(input)` tells a caller (the CLI's `check-link`) whether the input parses as
 *   a URL at all: `null` when it does, else a one-line message for `{"url":…,"error":…}`.
 *
 * Every decision is made on the host the WHATWG URL parser produced (lower case, punycode,
 * percent-escapes decoded, user info and port removed, one trailing dot dropped), with
 * label-boundary subdomain checks: `evilzoom.us`, `zoom.us.evil.example` and
 * `https://zoom.us@evil.example/` are not Zoom.
 */
import type { Policy } from '../policy/schema.ts';
import { judge, notAMeeting, unresolved } from './judge.ts';
import { readLink } from './platforms/index.ts';
import type { LinkAnalysis } from './types.ts';
import { tryParse } from './url.ts';
import { MAX_UNWRAP_DEPTH, unwrapOnce } from './wrappers.ts';

export * from './types.ts';
export { MAX_UNWRAP_DEPTH } from './wrappers.ts';
export { scheduleFindings } from './schedule.ts';

/**
 * `null` when `input` parses as an absolute URL (it can then be analysed), else a short
 * message saying why not. Never throws.
 */
export function parseError(input: unknown): string | null {
  if (typeof input !== 'string') return 'not a string';
  if (input.trim() === '') return 'empty: expected a URL such as https://…';
  try {
    new URL(input);
    return null;
  } catch {
    return 'not a valid URL (expected an absolute URL such as https://…)';
  }
}

/**
 * Analyses one link against the policy. Never throws: input that is not a URL, or not a
 * meeting/call link, gives `platform: null`, no findings and verdict `ok`.
 *
 * Wrapped links (wrappers.ts; nested up to MAX_UNWRAP_DEPTH) are analysed by their inner
 * link, with an `unwrapped` finding when that inner link is a meeting link.
 */
export function analyseLink(input: string, policy: Policy): LinkAnalysis {
  try {
    if (typeof input !== 'string') return notAMeeting();
    let url = tryParse(input);
    if (url === null) return notAMeeting();
    const wrappers: string[] = [];
    for (let depth = 0; depth < MAX_UNWRAP_DEPTH; depth++) {
      const next = unwrapOnce(url);
      if (next === null) break;
      wrappers.push(next.wrapper);
      if ('unresolved' in next) return unresolved([...new Set(wrappers)], policy);
      url = next.inner;
    }
    const f = readLink(url);
    return f === null ? notAMeeting() : judge(f, policy, [...new Set(wrappers)]);
  } catch {
    // Defence in depth: nothing above should throw, and a link checker must never crash its caller.
    return notAMeeting();
  }
}
