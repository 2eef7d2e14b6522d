/**
 * The organisation's own signing key for self-hosted packages. Chrome derives an
 * extension's id from the public half (the first 32 hex digits of SHA-256 over the DER
 * SubjectPublicKeyInfo, digits 0–f written as letters a–p), so the key *is* the
 * extension's identity: every later version must be signed with the same key, or Chrome
 * sees a different extension. The private key is never written into this repository.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface SigningKey {
  privateKey: KeyObject;
  /** DER SubjectPublicKeyInfo, base64: what manifest.json's `key` holds. */
  publicKeyBase64: string;
  /** The extension id this key gives. */
  extensionId: string;
}

export function extensionIdFromPublicKey(spkiDer: Uint8Array): string {
  const hex = createHash('sha256').update(spkiDer).digest('hex').slice(0, 32);
  return hex.replace(/[0-9a-f]/g, (c) => String.fromCharCode(97 + parseInt(c, 16)));
}

function fromPrivateKey(privateKey: KeyObject): SigningKey {
  const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return { privateKey, publicKeyBase64: der.toString('base64'), extensionId: extensionIdFromPublicKey(der) };
}

/** Reads a PEM private key; throws an Error whose message says what is wrong with it. */
export function parseSigningKey(pem: string): SigningKey {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    const why = (e as Error).message;
    throw new Error(/passphrase/i.test(why) ? 'the key is encrypted; give an unencrypted PEM private key' : `not a PEM private key (${why})`);
  }
  // Chrome's CRX3 verifier accepts RSA (SHA-256) and ECDSA P-256 proofs; the packer signs with RSA.
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`a ${key.asymmetricKeyType} key; CRX3 packages here are signed with an RSA key`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw new Error(`an RSA key of ${bits} bits; use 2048 bits or more`);
  return fromPrivateKey(key);
}

/** A new 2048-bit RSA key (what Chrome's own "Pack extension" makes), and its PKCS#8 PEM. */
export function newSigningKey(): { key: SigningKey; pem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { key: fromPrivateKey(privateKey), pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
