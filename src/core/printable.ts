/**
 * Control characters in text that came from outside (a policy, an exported log, a
 * typed reason, a command-line argument). Shown raw, they act: an escape sequence
 * clears or recolours an administrator's terminal, a CR or LF forges a line of output
 * or of a CSV, a NUL truncates a value in some consumers. So policy text refuses them
 * (schema.ts), reasons are made single-line (reason.ts), and the command line shows any
 * that reach it escaped, as `\u001b`.
 */

/**
 * Control characters: C0 (U+0000–U+001F, which includes TAB, LF, CR), DEL, C1
 * (U+0080–U+009F, U+009B is a one-byte CSI in some terminals), and the Unicode line
 * and paragraph separators (line breaks to JavaScript and many editors).
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/**
 * What a terminal must not receive raw: the control characters, plus the Unicode
 * bidirectional embeddings, overrides and isolates, which reorder what is displayed
 * ("Trojan Source") without being control characters in the strict sense.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `\u001b`: how an unsafe character is shown. */
export function escapeChar(c: string): string {
  return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
}

/** The text with every control character (line breaks included) shown as `\uXXXX`. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, escapeChar);
}

/**
 * Text for a terminal that keeps its own line breaks: each line escaped, LF kept.
 * For output the command line composes itself; input-derived parts must already have
 * gone through escapeControls so they cannot add lines.
 */
export function escapeControlsKeepingLines(text: string): string {
  return text.split('\n').map(escapeControls).join('\n');
}

/** The first control character and its index, or null. */
export function findControl(text: string): { index: number; char: string } | null {
  CONTROL_CHARACTERS.lastIndex = 0;
  const m = CONTROL_CHARACTERS.exec(text);
  return m ? { index: m.index, char: m[0] } : null;
}
