import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sealChain } from '../../../src/core/events/chain.ts';
import { parseNdjsonLines } from '../../../src/core/events/ndjson.ts';
import { canonicalJson } from '../../../src/core/events/canonical.ts';
import { base64ToBytes, formatTrailer, signTrailer, type ExportSigner, type SignatureTrailer } from '../../../src/core/events/signature.ts';
import type { EventRecord } from '../../../src/core/events/types.ts';
import { ExportVerifier, parseKeyLines, verifyExportLines, type ExportVerdict, type KeyPins } from '../../../src/core/events/verify.ts';
import { installChain, installDrafts, keysFileFrom, makeSigner, signed, INSTALL } from './signed-fixtures.ts';

let signer: ExportSigner;
let attacker: ExportSigner;
let chain: EventRecord[];
let pins: KeyPins;

async function check(text: string, keys?: KeyPins): Promise<ExportVerdict> {
  return verifyExportLines(parseNdjsonLines(text), keys ? { keys } : {});
}

function lines(text: string): string[] {
  return text.trimEnd().split('\n');
}

beforeAll(async () => {
  signer = await makeSigner();
  attacker = await makeSigner(); // same install id, another key
  chain = await installChain(signer);
  const k = await parseKeyLines(parseNdjsonLines(keysFileFrom(chain)));
  if (!k.ok) throw new Error(k.reason);
  pins = k.keys;
});

describe('an untouched export passes', () => {
  it('whole: every check, key pinned with the log.key event as the keys file', async () => {
    const text = await signed(chain, signer);
    expect(await check(text, pins)).toEqual({
      ok: true,
      count: 11,
      firstSeq: 1,
      lastSeq: 11,
      fromGenesis: true,
      filtered: false,
      installId: INSTALL,
      publicKey: signer.publicKey,
      exportedAt: '2025-03-04T12:00:00.000Z',
      pinned: true,
    });
    expect(await check(text)).toMatchObject({ ok: true, pinned: false });
  });

  it('filtered (gaps in seq): passes, links checked where seqs are consecutive', async () => {
    const subset = chain.filter((e) => e.service === 'whatsapp' || e.type === 'log.key');
    expect(subset.map((e) => e.seq)).toEqual([1, 3, 4, 11]);
    expect(await check(await signed(subset, signer, true), pins)).toMatchObject({ ok: true, count: 4, firstSeq: 1, lastSeq: 11, filtered: true, pinned: true });
  });

  it('pruned (starts after GENESIS): passes and says where it starts', async () => {
    expect(await check(await signed(chain.slice(4), signer), pins)).toMatchObject({ ok: true, count: 7, firstSeq: 5, fromGenesis: false });
  });

  it('an export of no events is just its signature line, and passes', async () => {
    const text = await signed([], signer);
    expect(lines(text)).toHaveLength(1);
    expect(await check(text, pins)).toMatchObject({ ok: true, count: 0, firstSeq: null, lastSeq: null });
  });

  it('the streaming API gives the same verdict fed one line at a time', async () => {
    const v = new ExportVerifier({ keys: pins });
    for (const l of parseNdjsonLines(await signed(chain, signer))) await v.add([l]);
    expect(await v.finish()).toMatchObject({ ok: true, count: 11, pinned: true });
  });
});

describe('every tamper is caught', () => {
  it('head cut (first events removed, trailer kept)', async () => {
    const l = lines(await signed(chain, signer));
    expect(await check(l.slice(2).join('\n'))).toMatchObject({ ok: false, failure: 'trailer-mismatch', line: 10, reason: expect.stringMatching(/counts 11 events but the file holds 9/) });
  });

  it('head cut with the trailer edited to match: the signature fails', async () => {
    const l = lines(await signed(chain, signer));
    const t = JSON.parse(l.at(-1)!) as SignatureTrailer;
    const rest = chain.slice(2);
    const { ExportDigest } = await import('../../../src/core/events/signature.ts');
    const d = new ExportDigest();
    for (const e of rest) d.add(e.hash);
    const forged = { ...t, count: rest.length, firstSeq: 3, digest: await d.finish() };
    const text = [...l.slice(2, -1), formatTrailer(forged)].join('\n');
    expect(await check(text)).toMatchObject({ ok: false, failure: 'bad-signature' });
  });

  it('tail cut: events removed before the trailer, or the trailer cut off too', async () => {
    const l = lines(await signed(chain, signer));
    expect(await check([...l.slice(0, -3), l.at(-1)!].join('\n'))).toMatchObject({ ok: false, failure: 'trailer-mismatch' });
    expect(await check(l.slice(0, -3).join('\n'))).toMatchObject({ ok: false, failure: 'unsigned' });
    expect(await check(l.slice(0, -3).join('\n'), pins)).toMatchObject({ ok: false, failure: 'unsigned' });
  });

  it('one event dropped and the chain recomputed: caught by the digest; re-signed, caught by --keys', async () => {
    const drafts = installDrafts(signer).filter((_, i) => i !== 4);
    const rebuilt = await sealChain(drafts);
    const original = lines(await signed(chain, signer));
    const keptTrailer = [...lines(await signed(rebuilt, signer)).slice(0, -1), original.at(-1)!].join('\n');
    expect(await check(keptTrailer)).toMatchObject({ ok: false, failure: 'trailer-mismatch' });
    // Rebuilt from scratch by someone without the install's private key: own key, own log.key.
    const forgedDrafts = installDrafts(attacker).filter((_, i) => i !== 4);
    const forged = await signed(await sealChain(forgedDrafts), attacker);
    expect(await check(forged)).toMatchObject({ ok: true, pinned: false }); // only a pinned key can tell
    expect(await check(forged, pins)).toMatchObject({ ok: false, failure: 'key-not-pinned' });
  });

  it('a reason rewritten and the chain recomputed', async () => {
    const drafts = installDrafts(signer).map((d) => (d.reason ? { ...d, reason: 'Approved by the practice manager' } : d));
    const rebuilt = await sealChain(drafts);
    const original = lines(await signed(chain, signer));
    expect(await check([...lines(await signed(rebuilt, signer)).slice(0, -1), original.at(-1)!].join('\n'))).toMatchObject({
      ok: false,
      failure: 'trailer-mismatch',
      reason: expect.stringMatching(/digest mismatch/),
    });
    // Rewritten in place without recomputing: the event's own hash.
    const inPlace = original.map((x) => x.replace('Patient has no other app', 'Patient asked for it'));
    expect(await check(inPlace.join('\n'))).toMatchObject({ ok: false, failure: 'hash-mismatch', seq: 4 });
    // Recomputed and re-signed with another key, log.key kept: the log.key event disagrees;
    // with log.key rebuilt too: --keys.
    const resigned = await signed(rebuilt, attacker);
    expect(await check(resigned)).toMatchObject({ ok: false, failure: 'key-mismatch' });
    const rebuiltAll = await sealChain(installDrafts(attacker).map((d) => (d.reason ? { ...d, reason: 'Approved' } : d)));
    expect(await check(await signed(rebuiltAll, attacker), pins)).toMatchObject({ ok: false, failure: 'key-not-pinned' });
  });

  it('re-signed with another key: caught with --keys (and by the log.key event in a whole export)', async () => {
    const text = await signed(chain, attacker);
    expect(await check(text)).toMatchObject({ ok: false, failure: 'key-mismatch' });
    const noKeyEvent = await signed(chain.slice(1), attacker);
    expect(await check(noKeyEvent)).toMatchObject({ ok: true, pinned: false });
    expect(await check(noKeyEvent, pins)).toMatchObject({ ok: false, failure: 'key-not-pinned', reason: expect.stringMatching(/not install .* pinned key/) });
  });

  it('a keys file for other installs only: the export is not pinned and fails', async () => {
    const other = new Map([['another-install', signer.publicKey]]);
    expect(await check(await signed(chain, signer), other)).toMatchObject({ ok: false, failure: 'key-not-pinned', reason: expect.stringMatching(/no key for install/) });
  });

  it('a filtered export with one line removed', async () => {
    const subset = chain.filter((e) => e.service === 'whatsapp' || e.type === 'log.key');
    const l = lines(await signed(subset, signer, true));
    expect(await check([...l.slice(0, 2), ...l.slice(3)].join('\n'), pins)).toMatchObject({ ok: false, failure: 'trailer-mismatch' });
  });

  it('a whole export claiming gaps is not accepted as filtered after the fact', async () => {
    // Two events removed and `filtered` flipped: the signature covers `filtered`.
    const l = lines(await signed(chain, signer));
    const t = JSON.parse(l.at(-1)!) as SignatureTrailer;
    const text = [...l.slice(0, -1), formatTrailer({ ...t, filtered: true })].join('\n');
    expect(await check(text)).toMatchObject({ ok: false, failure: 'bad-signature' });
  });

  it('a whole (unfiltered) export must link every line even across a gap in seq', async () => {
    const gapped = [...chain.slice(0, 3), ...chain.slice(5)];
    expect(await check(await signed(gapped, signer, false))).toMatchObject({ ok: false, failure: 'prev-mismatch', seq: 6 });
  });

  it('an empty file', async () => {
    expect(await check('')).toMatchObject({ ok: false, failure: 'empty' });
    expect(await check('', pins)).toMatchObject({ ok: false, failure: 'empty' });
    expect(await check('\n\n')).toMatchObject({ ok: false, failure: 'empty' });
  });

  it('a line after the signature line, an edited trailer field, a malformed trailer', async () => {
    const l = lines(await signed(chain, signer));
    expect(await check([...l, l[1]!].join('\n'))).toMatchObject({ ok: false, failure: 'after-trailer', line: 13 });
    expect(await check([...l.slice(0, -1), l.at(-1)!.replace('2025-03-04', '2025-03-05')].join('\n'))).toMatchObject({ ok: false, failure: 'bad-signature' });
    expect(await check([...l.slice(0, -1), l.at(-1)!.replace(/"digest":"[0-9a-f]+"/, '"digest":"x"')].join('\n'))).toMatchObject({
      ok: false,
      failure: 'malformed',
      reason: expect.stringMatching(/signature line: field "digest"/),
    });
  });

  it('an event from another install in the export', async () => {
    const other = await installChain(await makeSigner('another-install'));
    const mixed = [...chain.slice(0, 3), ...other.slice(5).map((e) => e)];
    // other's seqs 6.. follow 3 with a gap: as a filtered export it is otherwise consistent
    expect(await check(await signed(mixed, signer, true))).toMatchObject({ ok: false, failure: 'install-mismatch' });
  });
});

describe('the signature is plain ECDSA P-256 / SHA-256 in IEEE P1363 form', () => {
  it('verifies with node:crypto.verify (dsaEncoding ieee-p1363) over canonical(trailer without signature)', async () => {
    const t = JSON.parse(lines(await signed(chain, signer)).at(-1)!) as SignatureTrailer;
    const { signature, ...rest } = t;
    const key = createPublicKey({ key: Buffer.from(t.publicKey, 'base64'), format: 'der', type: 'spki' });
    const sig = Buffer.from(signature, 'base64');
    expect(sig).toHaveLength(64);
    expect(nodeVerify('sha256', Buffer.from(canonicalJson(rest)), { key, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
    expect(nodeVerify('sha256', Buffer.from(canonicalJson({ ...rest, count: 1 })), { key, dsaEncoding: 'ieee-p1363' }, sig)).toBe(false);
  });

  it('the private key cannot be exported', async () => {
    await expect(globalThis.crypto.subtle.exportKey('pkcs8', signer.privateKey)).rejects.toThrow();
    expect(signer.privateKey.extractable).toBe(false);
  });

  it('signTrailer and base64 round trip', async () => {
    const t = await signTrailer(
      { type: 'log.signature', installId: 'x', publicKey: signer.publicKey, count: 0, firstSeq: null, lastSeq: null, digest: '0'.repeat(64), exportedAt: 'now', filtered: false },
      signer.privateKey,
    );
    expect(base64ToBytes(t.signature)).toHaveLength(64);
    expect(base64ToBytes('not base64!')).toBeNull();
  });
});

describe('keys file', () => {
  it('takes {installId, publicKey} lines and log.key events, skips other events, refuses junk', async () => {
    const ok = await parseKeyLines(parseNdjsonLines(`{"installId":"a","publicKey":"K1"}\n${JSON.stringify(chain[1])}\n${JSON.stringify(chain[0])}\n`));
    expect(ok).toMatchObject({ ok: true, ignored: [] });
    if (ok.ok) expect([...ok.keys]).toEqual([['a', 'K1'], [INSTALL, signer.publicKey]]);
    expect(await parseKeyLines(parseNdjsonLines('{"installId":"a"}\n'))).toMatchObject({ ok: false, line: 1, reason: 'missing "publicKey"' });
    expect(await parseKeyLines(parseNdjsonLines('[1]\n'))).toMatchObject({ ok: false, reason: 'not a JSON object' });
    expect(await parseKeyLines(parseNdjsonLines(''))).toMatchObject({ ok: false, reason: expect.stringMatching(/no keys/) });
  });

  it('pinned means one key: an install given a second, different key is refused, naming it', async () => {
    const twice = `${JSON.stringify(chain[0])}\n{"installId":"${INSTALL}","publicKey":"${attacker.publicKey}"}\n`;
    expect(await parseKeyLines(parseNdjsonLines(twice))).toMatchObject({ ok: false, line: 2, reason: expect.stringMatching(new RegExp(`^install ${INSTALL} is given a second, different key \\(the first on line 1\\)`)) });
    // The same key twice is still one key.
    expect(await parseKeyLines(parseNdjsonLines(`${JSON.stringify(chain[0])}\n{"installId":"${INSTALL}","publicKey":"${signer.publicKey}"}\n`))).toMatchObject({ ok: true });
  });

  it("a log.key line counts only if its own hash is right: one edited to another key is not used", async () => {
    const edited = JSON.stringify({ ...chain[0], publicKey: attacker.publicKey });
    const r = await parseKeyLines(parseNdjsonLines(`${edited}\n`));
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/no keys/) });
    const r2 = await parseKeyLines(parseNdjsonLines(`{"installId":"b","publicKey":"K"}\n${edited}\n`));
    expect(r2).toMatchObject({ ok: true, ignored: [{ line: 2, reason: expect.stringMatching(/hash does not match its content/) }] });
    if (r2.ok) expect(r2.keys.has(INSTALL)).toBe(false);
  });
});
