/**
 * `telehealth-guard package`: the CRX3 container checked byte by byte against Chromium's
 * format (components/crx_file/crx3.proto, crx_verifier.cc), the update manifest against
 * the rules of Chromium's gupdate parser (extensions/browser/updater/safe_manifest_parser.cc),
 * and the key handling. A real force-install is test/e2e/self-hosted-package.spec.ts.
 */
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/main.ts';
import { memoryIO } from '../../src/cli/io.ts';
import { packagedManifest, retargetRuleset } from '../../src/cli/package/crx.ts';
import { extensionIdFromPublicKey, parseSigningKey } from '../../src/cli/package/signing-key.ts';
import { EXTENSION_ID, EXTENSION_KEY } from '../../src/core/identity.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tg-package-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = async (argv: string[]) => {
  const io = memoryIO();
  const code = await runCommand(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
};

/** A small stand-in for .output/chrome-mv3: a manifest with this project's key and a ruleset redirecting to its id. */
function fakeBuild(manifest: Record<string, unknown> = {}): string {
  const ext = join(dir, 'ext');
  mkdirSync(join(ext, 'rules'), { recursive: true });
  writeFileSync(
    join(ext, 'manifest.json'),
    JSON.stringify({
      manifest_version: 3,
      name: 'Telehealth Guard',
      version: '1.2.3',
      key: EXTENSION_KEY,
      declarative_net_request: { rule_resources: [{ id: 'builtin-default', enabled: true, path: 'rules/builtin-default.json' }] },
      ...manifest,
    }),
  );
  writeFileSync(join(ext, 'rules/builtin-default.json'), JSON.stringify([{ id: 1, action: { type: 'redirect', redirect: { url: `chrome-extension://${EXTENSION_ID}/guard.html` } } }]));
  writeFileSync(join(ext, 'guard.html'), '<!doctype html>');
  return ext;
}

function rsaKeyFile(bits = 2048, format: 'pkcs1' | 'pkcs8' = 'pkcs1'): { path: string; id: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const path = join(dir, 'org-key.pem');
  writeFileSync(path, privateKey.export({ type: format, format: 'pem' }));
  return { path, id: extensionIdFromPublicKey(publicKey.export({ type: 'spki', format: 'der' })) };
}

// ---------------------------------------------------------------------------
// An independent reader of CRX3 (a protobuf header, then the zip)
// ---------------------------------------------------------------------------

type Fields = Map<number, Buffer[]>;
function protobufFields(buf: Buffer): Fields {
  const fields: Fields = new Map();
  let i = 0;
  const varint = () => {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = buf[i++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    if ((tag & 7) !== 2) throw new Error(`unexpected wire type ${tag & 7}`);
    const len = varint();
    const value = buf.subarray(i, i + len);
    i += len;
    fields.set(tag >>> 3, [...(fields.get(tag >>> 3) ?? []), value]);
  }
  return fields;
}

function readCrx3(crx: Buffer) {
  expect(crx.subarray(0, 4).toString('latin1')).toBe('Cr24');
  expect(crx.readUInt32LE(4)).toBe(3);
  const headerSize = crx.readUInt32LE(8);
  const header = protobufFields(crx.subarray(12, 12 + headerSize));
  const zip = crx.subarray(12 + headerSize);
  // CrxFileHeader: 2 = sha256_with_rsa (AsymmetricKeyProof: 1 public_key, 2 signature), 10000 = signed_header_data.
  const proofs = (header.get(2) ?? []).map(protobufFields).map((p) => ({ publicKey: p.get(1)![0]!, signature: p.get(2)![0]! }));
  const signedHeaderData = header.get(10000)![0]!;
  const crxId = protobufFields(signedHeaderData).get(1)![0]!;
  return { proofs, signedHeaderData, crxId, zip };
}

function signedPayload(signedHeaderData: Buffer, zip: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(signedHeaderData.length);
  return Buffer.concat([Buffer.from('CRX3 SignedData\x00', 'latin1'), len, signedHeaderData, zip]);
}

// ---------------------------------------------------------------------------
// Chromium's gupdate rules (safe_manifest_parser.cc), restated
// ---------------------------------------------------------------------------

const GUPDATE_NS = 'http://www.google.com/update2/response';
/** base::Version: one or more dot-separated non-negative integers. */
const CHROMIUM_VERSION = /^\d+(\.\d+)*$/;

function checkGupdate(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['app', 'updatecheck'].includes(name) }).parse(xml);
  const root = doc.gupdate;
  expect(root, 'root element gupdate').toBeTruthy();
  expect(root.xmlns, 'xmlns on gupdate').toBe(GUPDATE_NS);
  expect(root.protocol).toBe('2.0');
  expect(root.app).toHaveLength(1);
  const app = root.app[0];
  expect(app.appid).toMatch(/^[a-p]{32}$/);
  expect(app.status === undefined || app.status === 'ok').toBe(true);
  expect(app.updatecheck, 'exactly one updatecheck').toHaveLength(1);
  const uc = app.updatecheck[0];
  expect(() => new URL(uc.codebase)).not.toThrow();
  expect(uc.version).toMatch(CHROMIUM_VERSION);
  if (uc.prodversionmin !== undefined) expect(uc.prodversionmin).toMatch(CHROMIUM_VERSION);
  return { appid: app.appid as string, codebase: uc.codebase as string, version: uc.version as string, sha256: uc.hash_sha256 as string, prodversionmin: uc.prodversionmin as string | undefined };
}

describe('telehealth-guard package', () => {
  it('signs a CRX3 with the organisation key, for the id that key gives, and writes a gupdate manifest pointing at it', async () => {
    const ext = fakeBuild({ minimum_chrome_version: '120' });
    const key = rsaKeyFile(2048, 'pkcs1');
    const out = join(dir, 'out');
    const r = await run(['package', '--key', key.path, '--extension', ext, '--out', out, '--update-url', 'https://intranet.example.org/tg/update.xml']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`signed for extension id ${key.id}`);
    expect(r.out).toContain(`ExtensionInstallForcelist "${key.id};https://intranet.example.org/tg/update.xml"`);

    const crx = readFileSync(join(out, 'telehealth-guard-1.2.3.crx'));
    const { proofs, signedHeaderData, crxId, zip } = readCrx3(crx);
    expect(proofs).toHaveLength(1);
    // The id is the key's: crx_id is the first 16 bytes of SHA-256 of the public key.
    expect(extensionIdFromPublicKey(proofs[0]!.publicKey)).toBe(key.id);
    expect(crxId.equals(createHash('sha256').update(proofs[0]!.publicKey).digest().subarray(0, 16))).toBe(true);
    const publicKey = createPublicKey({ key: proofs[0]!.publicKey, format: 'der', type: 'spki' });
    expect(verify('sha256', signedPayload(signedHeaderData, zip), publicKey, proofs[0]!.signature)).toBe(true);
    // A tampered archive fails the signature.
    const tampered = Buffer.from(zip);
    tampered[tampered.length - 30]! ^= 1;
    expect(verify('sha256', signedPayload(signedHeaderData, tampered), publicKey, proofs[0]!.signature)).toBe(false);
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');

    const m = checkGupdate(readFileSync(join(out, 'update.xml'), 'utf8'));
    expect(m).toEqual({
      appid: key.id,
      codebase: 'https://intranet.example.org/tg/telehealth-guard-1.2.3.crx',
      version: '1.2.3',
      sha256: createHash('sha256').update(crx).digest('hex'),
      prodversionmin: '120',
    });
  });

  it('gives the package the signing key as manifest key, and points the ruleset redirects at the new id', () => {
    const key = parseSigningKey(readFileSync(rsaKeyFile().path, 'utf8'));
    const m = packagedManifest({ version: '1', key: EXTENSION_KEY }, key);
    expect(extensionIdFromPublicKey(Buffer.from(m.key!, 'base64'))).toBe(key.extensionId);
    const rules = retargetRuleset(`[{"url":"chrome-extension://${EXTENSION_ID}/guard.html"},{"regexSubstitution":"chrome-extension://${EXTENSION_ID}/guard.html#\\\\0"}]`, key.extensionId);
    expect(rules).not.toContain(EXTENSION_ID);
    expect(rules.split(`chrome-extension://${key.extensionId}/guard.html`)).toHaveLength(3);
  });

  it('without --key makes a new key at --key-out, readable by its owner only, and never overwrites one', async () => {
    const ext = fakeBuild();
    const out = join(dir, 'out');
    const keyPath = join(dir, 'keys', 'new-key.pem');
    const r = await run(['package', '--extension', ext, '--out', out, '--key-out', keyPath, '--update-url', 'https://intranet.example.org/tg/update.xml']);
    expect(r.code, r.err).toBe(0);
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    const id = parseSigningKey(readFileSync(keyPath, 'utf8')).extensionId;
    expect(r.out).toContain(`signed for extension id ${id}`);
    expect(r.out).toContain(`made a new signing key, ${keyPath} (readable by you only; not in ${out}, which you publish)`);
    // The folder IT is told to publish holds the package and its manifest, never the private key.
    expect(readdirSync(out).sort()).toEqual(['telehealth-guard-1.2.3.crx', 'update.xml']);
    for (const f of readdirSync(out)) expect(readFileSync(join(out, f)).includes('PRIVATE KEY')).toBe(false);
    const before = readFileSync(keyPath, 'utf8');
    const again = await run(['package', '--extension', ext, '--out', out, '--key-out', keyPath]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already exists');
    expect(readFileSync(keyPath, 'utf8')).toBe(before);
  });

  it('never writes a new private key into the folder it publishes (--out), whichever way --key-out points there', async () => {
    const ext = fakeBuild();
    const out = join(dir, 'pub');
    for (const keyOut of [join(out, 'k.pem'), join(out, 'sub', '..', 'k.pem'), out]) {
      const r = await run(['package', '--extension', ext, '--out', out, '--key-out', keyOut]);
      expect(r.code, keyOut).toBe(1);
      expect(r.err).toContain('the new private key would be inside');
    }
    // By default the key goes to the working directory: with --out there, it is refused too.
    const here = process.cwd();
    process.chdir(dir);
    try {
      const r = await run(['package', '--extension', ext, '--out', '.']);
      expect(r.code).toBe(1);
      expect(r.err).toContain('telehealth-guard-signing-key.pem: the new private key would be inside .');
    } finally {
      process.chdir(here);
    }
    expect((await run(['package', '--key', 'a.pem', '--key-out', 'b.pem'])).code).toBe(2);
  });

  it('names what is wrong with the key, the build or the options', async () => {
    const ext = fakeBuild();
    writeFileSync(join(dir, 'junk.pem'), 'not a key');
    expect((await run(['package', '--key', join(dir, 'junk.pem'), '--extension', ext, '--out', dir])).err).toMatch(/junk\.pem: not a PEM private key/);
    expect((await run(['package', '--key', join(dir, 'none.pem'), '--extension', ext, '--out', dir])).err).toMatch(/none\.pem: no such file/);
    const small = rsaKeyFile(1024);
    expect((await run(['package', '--key', small.path, '--extension', ext, '--out', dir])).err).toContain('RSA key of 1024 bits');
    const ec = join(dir, 'ec.pem');
    writeFileSync(ec, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect((await run(['package', '--key', ec, '--extension', ext, '--out', dir])).err).toContain('a ec key');
    const missing = await run(['package', '--extension', join(dir, 'nowhere'), '--out', dir]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('npm run build');
    const firefox = await run(['package', '--extension', fakeBuild({ browser_specific_settings: { gecko: { id: 'x@y' } } }), '--out', join(dir, 'o2')]);
    expect(firefox.err).toContain('Firefox build');
    const badUrl = await run(['package', '--update-url', 'ftp://x/update.xml']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.err).toContain('--update-url "ftp://x/update.xml" is not an absolute https or http URL');
  });
});
