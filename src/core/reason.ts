/**
 * The reason a person types to continue past a warning, as it is kept: one line. It goes
 * into the event log, CSV and NDJSON exports, the HTML report and collectors (Splunk and
 * syslog pipelines split on line breaks), so a line break or control character in it
 * could forge a record or act on whoever reads it. Every path that records a reason (the
 * warning page's `guard.proceed` in the background, record requests from extension pages)
 * is to keep what this function returns, so that they cannot disagree.
 */

/** Longest reason kept (UTF-16 code units): enough for a sentence, not a paste of patient notes. */
export const REASON_MAX_LENGTH = 500;

// Line breaks of every kind (CR, LF, VT, FF, NEL, U+2028/2029), TAB, every other control
// character, and Unicode spaces: each run becomes one space.
// eslint-disable-next-line no-control-regex
const BREAKS_AND_CONTROLS = /[\s\u0000-\u001f\u007f-\u009f]+/g;
// Bidirectional embeddings, overrides and isolates reorder how the rest of a log line is
// displayed ("Trojan Source"); zero-width spaces and word joiners hide text. (Zero-width
// joiners and non-joiners stay: emoji and some scripts need them.)
const INVISIBLE_FORMATTING = /[\u200b\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * A typed reason as one clean line: every run of line breaks, tabs, control characters
 * and spaces becomes one space, invisible formatting characters are removed, the ends are
 * trimmed, and at most REASON_MAX_LENGTH code units are kept (never half a surrogate pair).
 * Pure and idempotent: normaliseReason(normaliseReason(x)) === normaliseReason(x).
 */
export function normaliseReason(raw: string): string {
  let s = raw.replace(INVISIBLE_FORMATTING, '').replace(BREAKS_AND_CONTROLS, ' ').trim();
  if (s.length > REASON_MAX_LENGTH) {
    let end = REASON_MAX_LENGTH;
    const last = s.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--; // do not keep a lone high surrogate
    s = s.slice(0, end).trimEnd();
  }
  return s;
}
