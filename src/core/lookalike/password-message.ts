/**
 * The password guard's one message (src/core/lookalike/password.ts): kept apart so the content
 * script that sends it bundles nothing of the detector (a few hundred bytes, not 100 KB).
 */
export const LOOKALIKE_PASSWORD = 'lookalike.password' as const;
export type LookalikePasswordAnswer = { name: string } | { name: null };
