/**
 * Issue 9, "Done when": after real browsing under a real managed policy whose
 * `reporting.url` points at a loopback collector, an exported NDJSON carries installId on
 * every event, ends with a valid signature line, and `logs verify --keys` (the keys being
 * the log.key event the collector received) passes it and catches every tamper: head cut,
 * tail cut, an event dropped and the chain recomputed, a reason rewritten and recomputed,
 * re-signed with another key, a filtered export with a line removed, an empty file.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { sealChain } from '../../src/core/events/chain.ts';
import { exportPublicKey, formatSignedNdjson, generateSigningKey, type SignatureTrailer } from '../../src/core/events/signature.ts';
import type { EventDraft, EventRecord } from '../../src/core/events/types.ts';
import { cli } from './cli.ts';
import { useManagedSession } from './managed-session.ts';

const COLLECTOR = 'collector.example.org';
const received: Array<Record<string, unknown>> = [];

async function download(admin: Page, path: string): Promise<string[]> {
  const [d] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('button', { name: 'Export NDJSON' }).click()]);
  await d.saveAs(path);
  return readFileSync(path, 'utf8').trimEnd().split('\n');
}

/** The events as drafts again (what someone rebuilding the chain would start from). */
function draftsOf(lines: string[]): EventDraft[] {
  return lines.map((l) => {
    const { seq: _s, prev: _p, hash: _h, ...d } = JSON.parse(l) as EventRecord;
    return d as EventDraft;
  });
}

test.describe('signed exports under a managed policy with a collector', () => {
  const session = useManagedSession(
    { schemaVersion: 1, policyVersion: 'audit-2026-11', logging: { recordUser: true }, reporting: { url: `https://${COLLECTOR}/ingest`, format: 'ndjson' } },
    (server) =>
      server.route((req, res, host) => {
        if (host !== COLLECTOR) return false;
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          for (const line of body.split('\n').filter(Boolean)) received.push(JSON.parse(line) as Record<string, unknown>);
          res.writeHead(200).end();
        });
        return true;
      }),
  );

  test('the export is signed, verifies with the collector’s log.key pinned, and every tamper fails', async ({}, info) => {
    test.setTimeout(120_000);
    const { browser, admin } = session;
    const page = await browser.context.newPage();
    await page.goto('https://web.whatsapp.com/chat?patient=Jane+Doe');
    await page.getByRole('textbox', { name: 'Reason' }).fill('Family member sent test results');
    await page.getByRole('button', { name: 'Continue to site' }).click();
    await expect(page.locator('#site')).toBeVisible();
    await page.goto('https://facetime.apple.com/join#v=1&p=secret');
    await expect(page.getByRole('heading', { name: 'Check before you continue' })).toBeVisible();

    // The collector has the install's key within seconds of its first start.
    await expect.poll(() => received.some((e) => e.type === 'log.key'), { timeout: 30_000 }).toBe(true);
    const keysPath = info.outputPath('collector-keys.ndjson');
    writeFileSync(keysPath, received.filter((e) => e.type === 'log.key').map((e) => JSON.stringify(e)).join('\n') + '\n');

    // Whole export.
    await admin.reload();
    const lines = await download(admin, info.outputPath('export.ndjson'));
    const events = lines.slice(0, -1).map((l) => JSON.parse(l) as EventRecord);
    const trailer = JSON.parse(lines.at(-1)!) as SignatureTrailer;
    const installId = received.find((e) => e.type === 'log.key')!.installId as string;
    expect(events[0]!.type).toBe('log.key');
    expect(events.every((e) => e.installId === installId)).toBe(true);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['navigation.warned', 'navigation.proceeded']));
    // No Chrome account is signed in on a test profile: recordUser adds nothing then.
    expect(events.some((e) => 'user' in e)).toBe(false);
    expect(trailer).toMatchObject({ type: 'log.signature', installId, publicKey: events[0]!.publicKey, count: events.length, firstSeq: 1, lastSeq: events.at(-1)!.seq, filtered: false });

    const ok = cli('logs', 'verify', info.outputPath('export.ndjson'), '--keys', keysPath);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`signed by the key of install ${installId}`);
    expect(ok.stdout).toContain('key pinned');
    expect(ok.stdout).toContain(`complete between seq 1 and ${events.at(-1)!.seq}`);
    writeFileSync(info.outputPath('verify-clean.txt'), ok.stdout);

    // Filtered export: only the warnings.
    await admin.getByLabel('Type', { exact: true }).selectOption('navigation.warned');
    await admin.getByLabel('Only the filtered events').check();
    const filtered = await download(admin, info.outputPath('filtered.ndjson'));
    expect(filtered.slice(0, -1).map((l) => JSON.parse(l).type)).toEqual(['navigation.warned', 'navigation.warned']);
    const fok = cli('logs', 'verify', info.outputPath('filtered.ndjson'), '--keys', keysPath);
    expect(fok.code, fok.stdout + fok.stderr).toBe(0);
    expect(fok.stdout).toContain('filtered export');

    // Every tamper, each caught with --keys.
    const n = events.length;
    const attacker = await generateSigningKey();
    const forger = { installId, publicKey: await exportPublicKey(attacker.publicKey), privateKey: attacker.privateKey };
    const drafts = draftsOf(lines.slice(0, -1));
    const withTrailer = (evs: EventRecord[]) => [...evs.map((e) => JSON.stringify(e)), lines.at(-1)!].join('\n') + '\n';
    const reasonAt = drafts.findIndex((d) => d.reason !== undefined);
    const tampers: Record<string, string> = {
      'head-cut': [...lines.slice(2)].join('\n') + '\n',
      'tail-cut': [...lines.slice(0, n - 1), lines.at(-1)!].join('\n') + '\n',
      'tail-cut-with-signature': lines.slice(0, n - 1).join('\n') + '\n',
      'dropped-recomputed': withTrailer(await sealChain(drafts.filter((_, i) => i !== reasonAt))),
      'reason-rewritten-recomputed': withTrailer(await sealChain(drafts.map((d, i) => (i === reasonAt ? { ...d, reason: 'Approved by the practice manager' } : d)))),
      'reason-rewritten-resigned': await formatSignedNdjson(
        await sealChain(drafts.map((d, i) => (i === reasonAt ? { ...d, reason: 'Approved by the practice manager' } : i === 0 ? { ...d, publicKey: forger.publicKey } : d))),
        forger,
        { filtered: false },
      ),
      'resigned-other-key': await formatSignedNdjson(events.slice(1), forger, { filtered: false }),
      'filtered-line-removed': [filtered[0]!, ...filtered.slice(2)].join('\n') + '\n',
      empty: '',
    };
    const outputs: string[] = [];
    for (const [name, text] of Object.entries(tampers)) {
      const p = info.outputPath(`${name}.ndjson`);
      writeFileSync(p, text);
      const r = cli('logs', 'verify', p, '--keys', keysPath);
      outputs.push(`$ logs verify ${name}.ndjson --keys collector-keys.ndjson  → exit ${r.code}\n${r.stdout}${r.stderr}`);
      expect(r.code, `${name}: ${r.stdout}${r.stderr}`).toBe(1);
      expect(r.stdout + r.stderr, name).toMatch(/^FAIL /m);
    }
    writeFileSync(info.outputPath('verify-tampered.txt'), outputs.join('\n'));
    // Without --keys, the re-signed copies pass only as "key NOT pinned" at best.
    const unpinned = cli('logs', 'verify', info.outputPath('resigned-other-key.ndjson'));
    expect(unpinned.stdout).toContain('key NOT pinned');
  });
});
