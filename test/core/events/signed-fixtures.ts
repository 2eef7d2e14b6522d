/** Signed exports for the verification tests: an install's key, its log.key event first. */
import { GENESIS, sealChain } from '../../../src/core/events/chain.ts';
import { exportPublicKey, formatSignedNdjson, generateSigningKey, type ExportSigner } from '../../../src/core/events/signature.ts';
import type { EventDraft, EventRecord } from '../../../src/core/events/types.ts';
import { sampleDrafts } from './fixtures.ts';

export const INSTALL = '6f0c7a52-2b1e-4d8e-9a51-0c7f3e2d1a90';

export async function makeSigner(installId = INSTALL): Promise<ExportSigner> {
  const pair = await generateSigningKey();
  return { installId, publicKey: await exportPublicKey(pair.publicKey), privateKey: pair.privateKey };
}

/** The install's drafts: log.key first, then the sample events, all naming the install. */
export function installDrafts(signer: ExportSigner, drafts: EventDraft[] = sampleDrafts()): EventDraft[] {
  const first = drafts[0]!;
  const key: EventDraft = {
    ts: '2025-03-01T07:59:00.000Z',
    type: 'log.key',
    publicKey: signer.publicKey,
    policyVersion: first.policyVersion,
    policySource: first.policySource,
    extensionVersion: first.extensionVersion,
  };
  return [key, ...drafts].map((d) => ({ ...d, installId: signer.installId }));
}

export async function installChain(signer: ExportSigner, drafts?: EventDraft[]): Promise<EventRecord[]> {
  return sealChain(installDrafts(signer, drafts), 1, GENESIS);
}

export const EXPORTED_AT = '2025-03-04T12:00:00.000Z';

export function signed(events: readonly EventRecord[], signer: ExportSigner, filtered = false): Promise<string> {
  return formatSignedNdjson(events, signer, { filtered, exportedAt: EXPORTED_AT });
}

/** The keys file a collector would give: the log.key event line as received. */
export function keysFileFrom(events: readonly EventRecord[]): string {
  return events.filter((e) => e.type === 'log.key').map((e) => JSON.stringify(e)).join('\n') + '\n';
}
