import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { EXTENSION_ID, EXTENSION_KEY } from '../../src/core/identity.ts';

it('the extension id is the one Chromium derives from the manifest key', () => {
  const digest = createHash('sha256').update(Buffer.from(EXTENSION_KEY, 'base64')).digest('hex');
  const id = digest.slice(0, 32).replace(/[0-9a-f]/g, (c) => String.fromCharCode(97 + parseInt(c, 16)));
  expect(id).toBe(EXTENSION_ID);
});

it('the README states the id IT needs', () => {
  expect(readFileSync('README.md', 'utf8')).toContain(EXTENSION_ID);
});
