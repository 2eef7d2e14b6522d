// Opening Chromium with the built extension and a first page, the way `npm start` does.
//
// The page is NOT passed on Chromium's command line: measured on Chromium 156, a URL given
// there (a home page, restored tabs) never starts loading when an unpacked extension with the
// declarativeNetRequest permission is loaded by --load-extension in the same start — the tab
// stays blank for minutes (docs/enforcement.md, "In force from the first moment"). So the
// browser starts with no page, and once the extension's background has run (its storage
// appears in the profile) the page is opened over the DevTools protocol on a pipe that only
// this process holds (--remote-debugging-pipe: no port is opened).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The id Chromium gives an extension whose manifest carries `key` (test/core/identity.test.ts). */
export function extensionIdOf(extensionDir) {
  const { key } = JSON.parse(readFileSync(join(extensionDir, 'manifest.json'), 'utf8'));
  const hex = createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 32);
  return hex.replace(/[0-9a-f]/g, (c) => String.fromCharCode(97 + parseInt(c, 16)));
}

/**
 * Starts the browser; resolves with the child process once `url` has been opened (or the
 * extension did not show up within `waitMs`, when the page is opened anyway).
 */
export async function openDemoBrowser({ browser, extensionDir, profile, url, extraArgs = [], waitMs = 30_000 }) {
  const args = [`--user-data-dir=${profile}`, `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`,
    '--no-first-run', '--no-default-browser-check', '--remote-debugging-pipe', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ...extraArgs];
  const child = spawn(browser, args, { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
  let failed;
  child.once('error', (e) => (failed = e));
  const toBrowser = child.stdio[3];
  child.stdio[4].resume(); // the browser's answers are not needed
  const ran = join(profile, 'Default', 'Local Extension Settings', extensionIdOf(extensionDir));
  const started = Date.now();
  while (!existsSync(ran) && !failed && child.exitCode === null && Date.now() - started < waitMs) await new Promise((r) => setTimeout(r, 200));
  if (failed) throw failed;
  if (child.exitCode === null) toBrowser.write(JSON.stringify({ id: 1, method: 'Target.createTarget', params: { url } }) + '\0');
  return child;
}
