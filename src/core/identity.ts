/**
 * The extension's identity, fixed so enterprise policy can name it.
 *
 * The manifest carries the public half of a signing key; Chromium derives the id
 * from it (first 32 hex digits of SHA-256 of the DER key, digits mapped to a–p), so
 * an unpacked or self-hosted build has this id on every machine. The private half is
 * never committed (test/core/identity.test.ts recomputes the id from the key).
 */
export const EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAirACb9afOWxYi1WObkpjxADxWANmcuYlRt3HzHiNceAjfDSnHrEbZYrGF9tWQv6eG7VW2m6ZqFDn3g7pS/5N7JvPghHW4SZqfrGbJkD+4lD2fLmht7fcobwWJURWdyWraU8AV6rEq2JFHFu0w1Q6DDFeU8K7SLf7y/5RnOakbgzs45tkhEWIF5ZXPAbiFT+fmoKvFxWGhHQmglF/g08xFvXKtKlic2xUsIvxEuLV3DzmxjEaAhrBfBgmWFdqYpMwyAG26a4Yu0M6j7Sr4qgGn2Hby6EMJs7K4q0xEyFQyvhaSiP8/ClzH40gEM5hFXRLS1kZYdbIMitHQIYBHmCQUwIDAQAB';

export const EXTENSION_ID = 'ifailfbikcpllpillgifgengabkkbala';

/** Firefox identifies add-ons by this id; its policies.json is keyed on it. */
export const GECKO_ID = 'telehealth-guard@extensions.telehealth-guard';

/**
 * The static ruleset the manifest declares (wxt.config.ts): what the browser enforces from the
 * moment the extension is installed, before its background has run once (src/core/ruleset.ts).
 */
export const STARTUP_RULESET_ID = 'builtin-default';

/** The warning and block page, where the rules send a navigation (with the URL after '#'). */
export const GUARD_PAGE_PATH = '/guard.html';

/** The guard page under the extension's fixed id, as rules name it (Chromium maps it to the per-session address). */
export function guardPageUrlFor(extensionId: string): string {
  return `chrome-extension://${extensionId}${GUARD_PAGE_PATH}`;
}
