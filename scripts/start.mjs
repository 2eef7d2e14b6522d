#!/usr/bin/env node
// `npm start`: after the build, open Chromium with the extension on its built-in
// default policy and a local page of example links. Without a display, say so and
// print how to load the build by hand.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDemoBrowser } from './demo-browser.mjs';

const extensionDir = resolve('.output/chrome-mv3');
const demoHtml = readFileSync(resolve('demo/index.html'));

if (!existsSync(join(extensionDir, 'manifest.json'))) {
  console.error('No build found in .output/chrome-mv3: run "npm run build" first.');
  process.exit(1);
}

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium'].filter(Boolean);
const browser = candidates.find((p) => existsSync(p));
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);

const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(demoHtml);
});
server.listen(0, '127.0.0.1', () => {
  const demoUrl = `http://127.0.0.1:${server.address().port}/`;
  const manual = [
    'To load it by hand in Chromium, Chrome or Edge:',
    '  1. open chrome://extensions (edge://extensions) and switch on Developer mode;',
    `  2. choose "Load unpacked" and select ${extensionDir}`,
    '  (Branded Google Chrome 137+ ignores --load-extension; Chromium, Chrome for Testing and Edge do not.)',
  ].join('\n');
  if (!browser || !hasDisplay) {
    console.log(`Built: ${extensionDir}`);
    console.log(!browser ? 'No Chromium found (set CHROMIUM_PATH, or on Debian: apt-get install chromium).' : 'No display found, so no browser window can open here.');
    console.log(manual);
    server.close();
    return;
  }
  const profile = mkdtempSync(join(tmpdir(), 'telehealth-guard-demo-'));
  console.log(['Opening (the demo page follows once the extension has started):',
    `  browser    ${browser}`,
    `  extension  ${extensionDir} (built-in default policy; the options page imports another)`,
    `  demo page  ${demoUrl} (example links: consumer video and messaging sites, meeting links)`,
    `  profile    ${profile} (fresh, removed by nothing: delete it when done)`,
    'For the popup: click the puzzle-piece (Extensions) button right of the address bar, pin Telehealth Guard,',
    'then click its button. Close the browser to stop.'].join('\n'));
  openDemoBrowser({ browser, extensionDir, profile, url: demoUrl }).then(
    (child) => {
      child.on('exit', () => server.close());
      child.on('error', (e) => {
        console.error(`Could not start ${browser}: ${e.message}\n${manual}`);
        server.close();
      });
    },
    (e) => {
      console.error(`Could not start ${browser}: ${e.message}\n${manual}`);
      server.close();
    },
  );
});
