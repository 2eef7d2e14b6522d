/**
 * Patient data on consumer apps (docs/data-protection.md), in real Chromium with the built
 * extension and a real managed policy, against a loopback stand-in of a consumer chat app
 * (served as web.whatsapp.com) with a message box, a file field, a send button, a drop zone
 * and a form. The person's actions are the browser's own trusted events: a real clipboard and
 * Ctrl+V, CDP drag-and-drop, CDP file choice, real typing, Enter and clicks.
 *
 * The app records what its own handlers received (`window.seen`) and posts what it sends to
 * the server, whose log shows what left the page. The notice is read through the
 * accessibility tree (closed shadow root) and worked with real keys, as a person would.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DETECTORS } from '../../src/core/data-protection/detectors/index.ts';
import { en } from '../../src/core/i18n/en.ts';
import { launchWithExtension } from './browser.ts';
import { extensionPage, loggedEvents, waitForPolicy } from './extension.ts';
import { startServer, type TestServer } from './https-server.ts';
import { canWriteManagedPolicy, POLICY_DIR, removeManagedPolicy, writeManagedPolicy } from './managed-policy.ts';
import { requireOrSkip } from './require.ts';

const APP = 'web.whatsapp.com';
const SANCTIONED_CONSUMER = 'whereby.com';
const EHR = 'ehr.examplehealth.org';

const policy = (version: string, action: 'allow' | 'warn' | 'block') => ({
  schemaVersion: 1,
  policyVersion: version,
  organization: { name: 'St Example Health' },
  sanctionedPlatforms: [{ name: 'Example Health Video', url: 'https://video.examplehealth.org/' }],
  // Reached because the policy allows it (a warned site the person continued to is the same page).
  categories: { 'consumer-messaging': 'allow', 'consumer-video': 'allow' },
  meetings: { sanctioned: { zoom: { accounts: ['examplehealth'] }, whereby: { allowed: true } }, unsanctionedAction: 'allow' },
  dataProtection: { action, patterns: [{ name: 'Epic MRN', regex: 'MRN[- ]?\\d{7}' }] },
});

/** One valid identifier of every built-in kind (with its keyword where every spelling needs one), and an organisation MRN. */
function identifiers(seed: number): Array<{ key: string; text: string }> {
  let s = seed;
  const random = () => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648);
  return [...DETECTORS.map((d) => ({ key: d.id, text: `${d.keyword ? d.keyword + ' ' : ''}${d.generate(random)}` })), { key: 'pattern:Epic MRN', text: `MRN-${String(1_000_000 + seed)}` }];
}

const CLEAN = 'Seen on 12/05/2023 at 14:30, BP 128/82; call the ward on 415-555-0132 about order 4829103375.';

const PAGE = `<!doctype html><html lang="en"><head><title>Chat</title><script>
window.seen = [];
</script></head><body>
<h1>Chat</h1>
<form id="form" action="/form" method="post"><label>Subject <input id="subject" name="subject"></label><input type="hidden" name="h" id="hidden"><button id="formsend">Submit form</button></form>
<label>Message <textarea id="box"></textarea></label>
<label>Attach <input type="file" id="file" multiple></label>
<div id="drop" style="width:300px;height:120px;border:1px solid">Drop here</div>
<button id="send" type="button">Send</button>
<script>
const post = (channel, text) => { seen.push({ channel, text }); return fetch('/send', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: channel + '\\n' + text }); };
box.addEventListener('paste', (e) => seen.push({ channel: 'paste', trusted: e.isTrusted, text: e.clipboardData.getData('text/plain') }));
send.addEventListener('click', () => { post('click', box.value); box.value = ''; });
box.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); post('enter', box.value); box.value = ''; } });
file.addEventListener('change', async () => { for (const f of file.files) await post('upload', f.name + ':' + (await f.text())); });
drop.addEventListener('dragover', (e) => e.preventDefault());
drop.addEventListener('drop', async (e) => { e.preventDefault(); const t = e.dataTransfer.getData('text/plain'); if (t) post('drop', t); for (const f of e.dataTransfer.files) post('drop-file', f.name + ':' + (await f.text())); });
form.addEventListener('submit', (e) => { e.preventDefault(); post('form', new FormData(form).get('subject')); });
</script></body></html>`;

interface NoticeState {
  dialog: string | null;
  description: string;
  continueDisabled: boolean | null;
}

/** The notice as the accessibility tree shows it (closed shadow roots included). */
async function notice(page: Page): Promise<NoticeState> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: Array<{ role?: { value: string }; name?: { value: string }; description?: { value: string }; properties?: Array<{ name: string; value: { value: unknown } }>; ignored?: boolean }> };
  await cdp.detach();
  const live = nodes.filter((n) => !n.ignored);
  const dialog = live.find((n) => n.role?.value === 'dialog');
  const go = live.find((n) => n.role?.value === 'button' && n.name?.value === 'Send this once');
  return {
    dialog: dialog?.name?.value ?? null,
    description: dialog?.description?.value ?? '',
    continueDisabled: go ? go.properties?.some((p) => p.name === 'disabled' && p.value.value === true) === true : null,
  };
}

const openNotice = async (page: Page) => {
  await expect.poll(async () => (await notice(page)).dialog, { timeout: 10_000 }).not.toBeNull();
  return notice(page);
};
const dismiss = async (page: Page) => {
  await page.keyboard.press('Escape');
  await expect.poll(async () => (await notice(page)).dialog).toBeNull();
};
/** Type a reason (focus starts in the reason box), then Tab past "Don't send" to "Send this once". */
const continueWith = async (page: Page, reason: string) => {
  await page.keyboard.type(reason);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await notice(page)).dialog).toBeNull();
};

async function paste(page: Page, selector: string, text: string): Promise<void> {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.focus(selector);
  await page.keyboard.press('Control+V');
}

/** A real drag from outside the page (CDP): text, and files by path. */
async function drop(page: Page, selector: string, data: { text?: string; files?: string[] }): Promise<void> {
  const box = (await page.locator(selector).boundingBox())!;
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  const cdp = await page.context().newCDPSession(page);
  const dragData = { items: data.text ? [{ mimeType: 'text/plain', data: data.text }] : [], ...(data.files ? { files: data.files } : {}), dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, x, y, data: dragData });
  await cdp.detach();
}

test.describe('patient data on a consumer app', () => {
  requireOrSkip(canWriteManagedPolicy(), `needs write access to the managed policy folder ${POLICY_DIR} (root, as in CI)`);
  test.describe.configure({ mode: 'serial' });
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchWithExtension>>;
  let context: BrowserContext;
  let admin: Page;
  let dir: string;
  const bodies: string[] = [];
  /** Pages other than the stand-in app, by host. */
  const special = new Map<string, string>();

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tg-data-'));
    server = await startServer();
    server.route((req, res, host) => {
      if (req.method === 'POST') {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString('utf8')));
        req.on('end', () => {
          bodies.push(body);
          res.writeHead(204).end();
        });
        return true;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(special.get(host) ?? PAGE);
      return true;
    });
    writeManagedPolicy(policy('data-warn', 'warn'));
    browser = await launchWithExtension({ args: server.resolverArgs() });
    context = browser.context;
    admin = await extensionPage(context, browser.extensionId);
    await waitForPolicy(admin, (s) => s.policyVersion === 'data-warn');
  });
  test.afterAll(async () => {
    await browser?.close();
    removeManagedPolicy();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const dataEvents = async () => (await loggedEvents(admin)).filter((e) => String(e.type).startsWith('data.'));
  const newEvents = async (before: number) => (await dataEvents()).slice(before);
  const app = async (host = APP) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `https://${host}` });
    const page = await context.newPage();
    await page.goto(`https://${host}/`);
    return page;
  };
  const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: Array<{ channel: string; text: string; trusted?: boolean }> }).seen);
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  test('warn, paste: each built-in identifier and the organisation pattern is held and named, never echoed; clean text passes untouched', async () => {
    const page = await app();
    const before = (await dataEvents()).length;
    const ids = identifiers(1);
    for (const [i, id] of ids.entries()) {
      await paste(page, '#box', `Patient details: ${id.text} please`);
      const n = await openNotice(page);
      expect(n.dialog).toBe('Check before you send this');
      expect(n.description, id.key).toMatch(/^What you are pasting into WhatsApp contains 1 [^.]+\./);
      // The first data warning a person meets carries the one-minute lesson, once.
      expect(n.description.includes(en.lesson_patient_data_title), id.key).toBe(i === 0);
      expect(n.description).not.toContain(id.text.replace(/^\w+ /, ''));
      await dismiss(page);
      // Held: neither the box nor the app's own paste listener got anything.
      expect(await page.inputValue('#box')).toBe('');
    }
    expect(await seen(page)).toEqual([]);
    const events = await newEvents(before);
    expect(events.map((e) => e.findings)).toEqual(ids.map((id) => [`${id.key}:1`]));
    for (const e of events) expect(e).toMatchObject({ type: 'data.warned', host: APP, service: 'whatsapp', action: 'warn', channel: 'paste' });
    // No text, no URL path, in any event.
    const logged = JSON.stringify(events);
    for (const id of ids) expect(logged).not.toContain(id.text.replace(/^\w+ /, '').slice(0, 8));
    expect(events.every((e) => e.url === undefined && e.reason === undefined)).toBe(true);
    expect((await loggedEvents(admin)).filter((e) => e.type === 'training.lesson')).toEqual([expect.objectContaining({ name: 'patient-data' })]);

    await paste(page, '#box', CLEAN);
    await expect.poll(() => page.inputValue('#box')).toBe(CLEAN);
    // Untouched: the app saw the browser's own event.
    expect(await seen(page)).toEqual([{ channel: 'paste', trusted: true, text: CLEAN }]);
    expect((await notice(page)).dialog).toBeNull();
    expect(await newEvents(before + ids.length)).toEqual([]);
    await page.close();
  });

  test('warn, paste: Continue needs a reason and lets exactly that paste through; the next one is asked again', async () => {
    const page = await app();
    const before = (await dataEvents()).length;
    const [ssn] = identifiers(2);
    await paste(page, '#box', `SSN ${ssn!.text}`);
    expect((await openNotice(page)).continueDisabled).toBe(true);
    await continueWith(page, 'Patient asked for a copy');
    await expect.poll(() => page.inputValue('#box')).toBe(`SSN ${ssn!.text}`);
    expect(await seen(page)).toEqual([{ channel: 'paste', trusted: false, text: `SSN ${ssn!.text}` }]);
    const events = await newEvents(before);
    expect(events).toEqual([
      expect.objectContaining({ type: 'data.warned', findings: ['us-ssn:1'], channel: 'paste' }),
      expect.objectContaining({ type: 'data.proceeded', findings: ['us-ssn:1'], channel: 'paste', reason: 'Patient asked for a copy', host: APP, action: 'warn' }),
    ]);
    // Sending what was let in is not asked again: the person chose to send it here.
    await page.focus('#box');
    await page.keyboard.press('Enter');
    await expect.poll(() => bodies.includes(`enter\nSSN ${ssn!.text}`)).toBe(true);
    // A second paste is a new action.
    await paste(page, '#box', `SSN ${ssn!.text}`);
    await openNotice(page);
    await dismiss(page);
    expect((await newEvents(before)).map((e) => e.type)).toEqual(['data.warned', 'data.proceeded', 'data.warned']);
    await page.close();
  });

  test('warn, drop, upload and send: every built-in and the pattern through each channel, held and recorded; clean passes', async () => {
    const page = await app();
    const ids = identifiers(3);
    const all = ids.map((i) => i.text).join('\n');
    const allFindings = ids.map((i) => `${i.key}:1`);
    let before = (await dataEvents()).length;

    // Drop: text, then a text file.
    await drop(page, '#drop', { text: all });
    expect((await openNotice(page)).description).toMatch(/^What you are dropping into WhatsApp contains 1 US Social Security number, 1 NHS number,/);
    await dismiss(page);
    await drop(page, '#drop', { files: [file('letter.txt', all)] });
    await openNotice(page);
    await dismiss(page);
    // Upload: a text file with every kind, and a photo that cannot be read.
    await page.setInputFiles('#file', file('referral.txt', all));
    expect((await openNotice(page)).description).toMatch(/^The files you chose for WhatsApp contain 1 US Social Security number/);
    await dismiss(page);
    expect(await page.evaluate(() => (document.getElementById('file') as HTMLInputElement).files!.length)).toBe(0);
    await page.setInputFiles('#file', { name: 'wound.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) });
    expect((await openNotice(page)).description).toContain('1 file that could not be checked');
    await dismiss(page);
    // Send: typed into the box, then Enter; then the send button; then the form.
    await page.fill('#box', all);
    await page.focus('#box');
    await page.keyboard.press('Enter');
    expect((await openNotice(page)).description).toMatch(/^What you are sending on WhatsApp contains 1 US Social Security number/);
    await dismiss(page);
    await page.click('#send');
    await openNotice(page);
    await dismiss(page);
    await page.fill('#box', '');
    await page.fill('#subject', all);
    await page.click('#formsend');
    await openNotice(page);
    await dismiss(page);

    expect(await seen(page)).toEqual([]);
    expect(bodies.filter((b) => ids.some((i) => b.includes(i.text)))).toEqual([]);
    const events = await newEvents(before);
    expect(events.map((e) => [e.type, e.channel, e.findings])).toEqual([
      ['data.warned', 'drop', allFindings],
      ['data.warned', 'drop', allFindings],
      ['data.warned', 'upload', allFindings],
      ['data.warned', 'upload', ['file-not-scanned:1']],
      ['data.warned', 'submit', allFindings],
      ['data.warned', 'submit', allFindings],
      ['data.warned', 'submit', allFindings],
    ]);
    // Never a file's name.
    expect(JSON.stringify(events)).not.toMatch(/letter|referral|wound/);

    // Clean text and a clean file go through, and nothing is recorded.
    before = (await dataEvents()).length;
    await page.fill('#subject', '');
    await drop(page, '#drop', { text: CLEAN });
    await page.setInputFiles('#file', file('clean.txt', CLEAN));
    await page.fill('#box', CLEAN);
    await page.focus('#box');
    await page.keyboard.press('Enter');
    await expect.poll(() => bodies.filter((b) => b.includes(CLEAN)).sort()).toEqual([`drop\n${CLEAN}`, `enter\n${CLEAN}`, `upload\nclean.txt:${CLEAN}`]);
    expect(await newEvents(before)).toEqual([]);
    await page.close();
  });

  test('warn: Continue lets exactly that drop, upload or send through', async () => {
    const page = await app();
    const [ssn, nhs, mbi] = identifiers(4);
    await drop(page, '#drop', { text: `SSN ${ssn!.text}` });
    await openNotice(page);
    await continueWith(page, 'Sending to the patient');
    await expect.poll(() => bodies.includes(`drop\nSSN ${ssn!.text}`)).toBe(true);

    await page.setInputFiles('#file', file('nhs.txt', `NHS ${nhs!.text}`));
    await openNotice(page);
    await continueWith(page, 'Patient asked for it');
    await expect.poll(() => bodies.includes(`upload\nnhs.txt:NHS ${nhs!.text}`)).toBe(true);

    await page.fill('#box', `MBI ${mbi!.text}`);
    await page.click('#send');
    await openNotice(page);
    await continueWith(page, 'Billing query from the patient');
    await expect.poll(() => bodies.includes(`click\nMBI ${mbi!.text}`)).toBe(true);
    const events = await dataEvents();
    for (const [channel, reason] of [
      ['drop', 'Sending to the patient'],
      ['upload', 'Patient asked for it'],
      ['submit', 'Billing query from the patient'],
    ]) expect(events).toContainEqual(expect.objectContaining({ type: 'data.proceeded', channel, reason }));
    await page.close();
  });

  test('the page cannot get round it: synthetic paste, execCommand and a scripted click, FormData in script, an early listener, removing or hiding the notice', async () => {
    const page = await app();
    const [ssn] = identifiers(5);
    const before = (await dataEvents()).length;
    // A synthetic paste the page dispatches itself is checked like the person's.
    await page.evaluate((t) => {
      const dt = new DataTransfer();
      dt.setData('text/plain', t);
      document.getElementById('box')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, `SSN ${ssn!.text}`);
    await openNotice(page);
    await dismiss(page);
    // Text put in by execCommand, sent by the page's own click on its send button.
    await page.evaluate((t) => {
      const box = document.getElementById('box') as HTMLTextAreaElement;
      box.focus();
      document.execCommand('insertText', false, t);
      document.getElementById('send')!.click();
    }, `SSN ${ssn!.text}`);
    await openNotice(page);
    await dismiss(page);
    // A FormData built in script from a form holding an identifier: the field comes out empty.
    const built = await page.evaluate((t) => {
      (document.getElementById('subject') as HTMLInputElement).value = t;
      const fd = new FormData(document.getElementById('form') as HTMLFormElement);
      void fetch('/send', { method: 'POST', body: 'formdata\n' + String(fd.get('subject')) });
      return fd.get('subject');
    }, `SSN ${ssn!.text}`);
    expect(built).toBe('');
    await openNotice(page);
    await dismiss(page);
    await page.fill('#subject', '');
    await page.fill('#box', '');
    expect(await seen(page)).toEqual([]);
    expect((await newEvents(before)).map((e) => [e.type, e.channel])).toEqual([
      ['data.warned', 'paste'],
      ['data.warned', 'submit'],
      ['data.warned', 'submit'],
    ]);
    // form.submit() fires no submit event, but reads the form the same way: the field goes out empty.
    const formPage = await app();
    await formPage.evaluate((t) => {
      (document.getElementById('subject') as HTMLInputElement).value = t;
      (document.getElementById('hidden') as HTMLInputElement).value = t;
      (document.getElementById('form') as HTMLFormElement).submit();
    }, `SSN ${ssn!.text}`);
    await expect.poll(() => bodies.filter((b) => b.startsWith('subject='))).toEqual(['subject=&h=']);
    expect(bodies.filter((b) => b.includes(ssn!.text.slice(0, 6)))).toEqual([]);
    await formPage.close();

    // While a paste is held, the page's fetch, XHR and beacon of its own box find nothing to send.
    await paste(page, '#box', `SSN ${ssn!.text}`);
    await openNotice(page);
    await page.evaluate(() => {
      const v = (document.getElementById('box') as HTMLTextAreaElement).value;
      void fetch('/send', { method: 'POST', body: 'fetch\n' + v });
      const x = new XMLHttpRequest();
      x.open('POST', '/send');
      x.send('xhr\n' + v);
      navigator.sendBeacon('/send', 'beacon\n' + v);
      // Removing the notice (it comes back) and hiding everything with CSS.
      for (let i = 0; i < 2; i++) document.querySelector('telehealth-guard-notice')?.remove();
      const style = document.createElement('style');
      style.textContent = 'telehealth-guard-notice, dialog, [open] { display: none !important; visibility: hidden !important; opacity: 0 !important; }';
      document.head.append(style);
    });
    await expect.poll(() => bodies.filter((b) => /^(fetch|xhr|beacon)\n/.test(b)).length).toBe(3);
    expect((await notice(page)).dialog).toBe('Check before you send this');
    await dismiss(page);
    expect(bodies.filter((b) => b.includes(ssn!.text))).toEqual([]);
    await page.close();
  });

  test('an early page listener on the paste cannot stop the check (the script comes first, at document_start)', async () => {
    const early = `<!doctype html><script>window.heard = 0; window.addEventListener('paste', (e) => { window.heard++; e.stopImmediatePropagation(); }, true);</script><textarea id="box"></textarea>`;
    special.set('web.telegram.org', early);
    const page = await app('web.telegram.org');
    const [ssn] = identifiers(6);
    await paste(page, '#box', `SSN ${ssn!.text}`);
    await openNotice(page);
    await dismiss(page);
    expect(await page.evaluate(() => (window as unknown as { heard: number }).heard)).toBe(0);
    expect(await page.inputValue('#box')).toBe('');
    await page.close();
  });

  test('out of reach, said so in docs/: text the person typed and the page sends by itself, with no send gesture', async () => {
    const page = await app();
    const [ssn] = identifiers(7);
    await page.fill('#box', `SSN ${ssn!.text}`);
    // An autosave: the page reads the box and posts it with no click, no Enter, no form.
    await page.evaluate(() => fetch('/send', { method: 'POST', body: 'autosave\n' + (document.getElementById('box') as HTMLTextAreaElement).value }));
    await expect.poll(() => bodies.includes(`autosave\nSSN ${ssn!.text}`)).toBe(true);
    await page.close();
  });

  test('the notice cannot be pressed or read by the page; an editor frame is checked; a hidden document keeps the action held; another origin’s frame is out of reach', async () => {
    // An app with a rich-text editor in a srcdoc frame (as webmail editors are) and an embed from an unlisted site.
    special.set('discord.com', PAGE.replace('<h1>Chat</h1>', '<h1>Chat</h1><iframe id="editor" title="Editor" srcdoc="<textarea id=box></textarea>"></iframe><iframe id="embed" title="Embed" src="https://notes.example.net/"></iframe>'));
    const page = await app('discord.com');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: 'https://notes.example.net' });
    const [ssn] = identifiers(10);
    const before = (await dataEvents()).length;

    // The notice: the page cannot press "Send this once" (synthetic keys and clicks) nor read the reason typed into it.
    await page.evaluate(() => {
      (window as unknown as { keys: string[] }).keys = [];
      for (const type of ['keydown', 'keypress', 'keyup', 'input']) window.addEventListener(type, (e) => (window as unknown as { keys: string[] }).keys.push(type + ':' + ((e as KeyboardEvent).key ?? '')), true);
    });
    await paste(page, '#box', `SSN ${ssn!.text}`);
    await openNotice(page);
    expect(await page.evaluate(() => document.querySelector('telehealth-guard-notice')!.shadowRoot)).toBeNull();
    // (The page saw the person's Ctrl+V itself, as always; from here on, only the notice's keys.)
    await page.evaluate(() => ((window as unknown as { keys: string[] }).keys = []));
    await page.keyboard.type('Patient asked');
    await page.evaluate(() => {
      const host = document.querySelector('telehealth-guard-notice')!;
      for (const key of ['Tab', 'Tab', 'Enter']) host.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true }));
      (host as HTMLElement).click();
      host.dispatchEvent(new SubmitEvent('submit', { bubbles: true, composed: true }));
    });
    expect((await notice(page)).dialog).toBe('Check before you send this');
    expect(await page.evaluate(() => (window as unknown as { keys: string[] }).keys)).toEqual([]);
    await dismiss(page);
    expect(await page.inputValue('#box')).toBe('');
    const warned = async () => (await newEvents(before)).map((e) => [e.type, e.host, e.channel]);
    await expect.poll(warned).toEqual([['data.warned', 'discord.com', 'paste']]);

    // A document that hides itself whole: nothing shows, and nothing is let through while it is hidden.
    await paste(page, '#box', `SSN ${ssn!.text}`);
    await openNotice(page);
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.id = 'hide';
      style.textContent = 'html { display: none !important; }';
      document.head.append(style);
    });
    await expect.poll(async () => (await notice(page)).dialog).toBeNull();
    expect(await page.inputValue('#box')).toBe('');
    await page.evaluate(() => document.getElementById('hide')!.remove());
    expect((await notice(page)).dialog).toBe('Check before you send this');
    await dismiss(page);
    expect(await page.inputValue('#box')).toBe('');
    await expect.poll(warned).toHaveLength(2);

    // The editor frame (srcdoc, the app's own origin) is checked like the page.
    const editor = page.frameLocator('#editor');
    await editor.locator('#box').focus();
    await page.keyboard.press('Control+V');
    await expect(editor.locator('telehealth-guard-notice')).toHaveCount(1);
    await page.keyboard.press('Escape');
    await expect(editor.locator('telehealth-guard-notice')).toHaveCount(0);
    expect(await editor.locator('#box').inputValue()).toBe('');

    expect(await seen(page)).toEqual([]);
    await expect.poll(warned).toEqual([
      ['data.warned', 'discord.com', 'paste'],
      ['data.warned', 'discord.com', 'paste'],
      ['data.warned', 'discord.com', 'paste'],
    ]);

    // Out of reach, said so in docs/: an embedded frame of an unlisted site is that site's own.
    const embed = page.frameLocator('#embed');
    await embed.locator('#box').focus();
    await page.keyboard.press('Control+V');
    await expect.poll(() => embed.locator('#box').inputValue()).toBe(`SSN ${ssn!.text}`);
    expect(await newEvents(before + 3)).toEqual([]);
    await page.close();
  });

  test('nothing is inspected on sanctioned or unlisted hosts: no listener there at all', async () => {
    /** The window's listeners added by the data script, seen from the extension's isolated world (where they live). */
    const listeners = async (page: Page) => {
      const cdp = await page.context().newCDPSession(page);
      const scripts = new Map<string, string>();
      const contexts: Array<{ id: number; origin: string }> = [];
      cdp.on('Debugger.scriptParsed', (s: { scriptId: string; url: string }) => scripts.set(s.scriptId, s.url));
      const gone = new Set<number>();
      cdp.on('Runtime.executionContextCreated', (e: { context: { id: number; origin: string } }) => contexts.push(e.context));
      cdp.on('Runtime.executionContextDestroyed', (e: { executionContextId: number }) => gone.add(e.executionContextId));
      await cdp.send('Debugger.enable');
      await cdp.send('Runtime.enable');
      const types: string[] = [];
      for (const c of contexts.filter((x) => x.origin === `chrome-extension://${browser.extensionId}` && !gone.has(x.id))) {
        try {
          const { result } = (await cdp.send('Runtime.evaluate', { expression: 'window', contextId: c.id })) as { result: { objectId: string } };
          const { listeners: found } = (await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId })) as { listeners: Array<{ type: string; scriptId: string }> };
          for (const l of found) if ((scripts.get(l.scriptId) ?? '').endsWith('/content-scripts/data-guard.js')) types.push(l.type);
        } catch (e) {
          // A context of a document that went away while we asked (a navigation): nothing to list there.
          // Anything else is a real failure: swallowing it would let "no listener" pass by accident.
          if (!gone.has(c.id) && !/Cannot find context|Execution context was destroyed/.test(String(e))) throw e;
        }
      }
      await cdp.detach();
      return [...new Set(types)].sort();
    };
    const consumer = await app();
    // The check's listeners are there on the consumer app (the test can see them)…
    expect(await listeners(consumer)).toEqual(expect.arrayContaining(['change', 'click', 'drop', 'formdata', 'input', 'keydown', 'paste', 'submit']));
    // …and on an unsanctioned meeting's web client (another Zoom account), put in when it commits…
    const meeting = await app('other.zoom.us');
    await meeting.goto('https://other.zoom.us/wc/123456789/join');
    await expect.poll(() => listeners(meeting)).toContain('paste');
    const [ssn] = identifiers(8);
    await paste(meeting, '#box', `SSN ${ssn!.text}`);
    await openNotice(meeting);
    await dismiss(meeting);
    expect(await dataEvents()).toContainEqual(expect.objectContaining({ type: 'data.warned', host: 'other.zoom.us', service: 'zoom', channel: 'paste' }));
    // …but not on the EHR, a sanctioned consumer host, the organisation's own Zoom, or its platform.
    for (const url of [`https://${EHR}/chart`, `https://${SANCTIONED_CONSUMER}/`, 'https://examplehealth.zoom.us/wc/123456789/join', 'https://video.examplehealth.org/']) {
      const page = await app(new URL(url).hostname);
      await page.goto(url);
      await expect(page.locator('#box'), `${url} reached ${page.url()}`).toBeVisible();
      expect(await listeners(page), url).toEqual([]);
      // And a paste there is the browser's own.
      await paste(page, '#box', `SSN ${ssn!.text}`);
      await expect.poll(() => page.inputValue('#box')).toBe(`SSN ${ssn!.text}`);
      await page.close();
    }
    await consumer.close();
    await meeting.close();
  });

  test('block: each channel is refused and says why; no Continue; data.blocked recorded', async () => {
    writeManagedPolicy(policy('data-block', 'block'));
    await waitForPolicy(admin, (s) => s.policyVersion === 'data-block');
    const page = await app();
    const before = (await dataEvents()).length;
    const ids = identifiers(9);
    const all = ids.map((i) => i.text).join('\n');
    await paste(page, '#box', all);
    let n = await openNotice(page);
    expect(n.dialog).toBe('Not sent: patient information');
    expect(n.description).toContain('St Example Health does not allow patient information to be sent here. Nothing was sent.');
    expect(n.continueDisabled).toBeNull();
    await dismiss(page);
    await drop(page, '#drop', { text: all });
    await openNotice(page);
    await dismiss(page);
    await page.setInputFiles('#file', file('list.csv', all));
    await openNotice(page);
    await dismiss(page);
    await page.fill('#box', all);
    await page.click('#send');
    n = await openNotice(page);
    expect(n.dialog).toBe('Not sent: patient information');
    await dismiss(page);
    expect(await seen(page)).toEqual([]);
    expect(bodies.filter((b) => ids.some((i) => b.includes(i.text)))).toEqual([]);
    const allFindings = ids.map((i) => `${i.key}:1`);
    expect((await newEvents(before)).map((e) => [e.type, e.action, e.channel, e.findings])).toEqual([
      ['data.blocked', 'block', 'paste', allFindings],
      ['data.blocked', 'block', 'drop', allFindings],
      ['data.blocked', 'block', 'upload', allFindings],
      ['data.blocked', 'block', 'submit', allFindings],
    ]);
    await page.close();
  });

  test('allow: no script anywhere, pastes are the browser’s own', async () => {
    writeManagedPolicy(policy('data-allow', 'allow'));
    await waitForPolicy(admin, (s) => s.policyVersion === 'data-allow');
    const registered = await browser.worker.evaluate(() => chrome.scripting.getRegisteredContentScripts());
    expect((registered as Array<{ id: string }>).map((r) => r.id)).not.toContain('telehealth-guard-data');
    const page = await app();
    const [ssn] = identifiers(10);
    await paste(page, '#box', `SSN ${ssn!.text}`);
    await expect.poll(() => page.inputValue('#box')).toBe(`SSN ${ssn!.text}`);
    expect(await seen(page)).toEqual([{ channel: 'paste', trusted: true, text: `SSN ${ssn!.text}` }]);
    await page.close();
  });
});
