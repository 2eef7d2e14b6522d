import { defineConfig } from 'wxt';

// Public half of the extension's signing key. It pins the extension id to
// ifailfbikcpllpillgifgengabkkbala on every machine, which enterprise policy is keyed on.
// The private half is never committed.
export const EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAirACb9afOWxYi1WObkpjxADxWANmcuYlRt3HzHiNceAjfDSnHrEbZYrGF9tWQv6eG7VW2m6ZqFDn3g7pS/5N7JvPghHW4SZqfrGbJkD+4lD2fLmht7fcobwWJURWdyWraU8AV6rEq2JFHFu0w1Q6DDFeU8K7SLf7y/5RnOakbgzs45tkhEWIF5ZXPAbiFT+fmoKvFxWGhHQmglF/g08xFvXKtKlic2xUsIvxEuLV3DzmxjEaAhrBfBgmWFdqYpMwyAG26a4Yu0M6j7Sr4qgGn2Hby6EMJs7K4q0xEyFQyvhaSiP8/ClzH40gEM5hFXRLS1kZYdbIMitHQIYBHmCQUwIDAQAB';

export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  manifest: {
    name: 'Telehealth Guard',
    description: 'Keeps patient video visits and messaging on your organisation\'s sanctioned platforms.',
    key: EXTENSION_KEY,
    permissions: ['storage'],
    storage: { managed_schema: 'managed_schema.json' },
  },
});
