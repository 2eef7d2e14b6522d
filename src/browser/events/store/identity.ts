/**
 * Who the log belongs to (README, "Signed exports"): the install's random id, on every
 * event and in export file names, and its ECDSA P-256 signing key, made with WebCrypto
 * as non-extractable and kept in `meta` (CryptoKeys are structured-cloneable). The key is
 * written by the writer, in the same transaction as its `log.key` event (writer.ts).
 */
import { exportPublicKey, generateSigningKey } from '../../../core/events/signature.ts';
import { inTx, type Connection } from './connection.ts';

/** The install's key pair as kept in `meta` (the private key is non-extractable). */
export interface StoredKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** SPKI DER, base64: what `log.key` and every export's trailer carry. */
  spki: string;
}

export interface Identity {
  /** A random id created once per profile. */
  installId(): Promise<string>;
  /** The signing key, or null when the install has none yet. */
  key(): Promise<StoredKey | null>;
  /** After a commit that stored `key` (or null: read it again next time). */
  remember(key: StoredKey | null): void;
}

export async function newSigningKey(): Promise<StoredKey> {
  const pair = await generateSigningKey();
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, spki: await exportPublicKey(pair.publicKey) };
}

export function installIdentity(conn: Connection): Identity {
  let cachedInstallId: string | null = null;
  /** The signing key once read or made; null = not known yet. */
  let signingKey: StoredKey | null = null;
  return {
    async installId() {
      if (cachedInstallId) return cachedInstallId;
      const db = await conn.connect();
      const tx = db.transaction('meta', 'readwrite');
      const id = await inTx(tx, async () => {
        const existing = (await tx.store.get('installId')) as string | undefined;
        if (typeof existing === 'string') return existing;
        const fresh = globalThis.crypto.randomUUID();
        await tx.store.put(fresh, 'installId');
        return fresh;
      });
      cachedInstallId = id;
      return id;
    },
    async key() {
      signingKey ??= ((await (await conn.connect()).get('meta', 'signingKey')) as StoredKey | undefined) ?? null;
      return signingKey;
    },
    remember(key) {
      signingKey = key;
    },
  };
}
