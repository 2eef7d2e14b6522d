/**
 * A small fleet's signed exports, and tampered copies of them, for comparing `fleet …`
 * with `logs …` on the same files. Three installs over two months: warnings, proceeds
 * with reasons, blocks, unsafe meeting links, incidents, heartbeats from different
 * browsers and policy versions, a user on some events. Deterministic but for the keys.
 */
import { sealChain } from '../../../src/core/events/chain.ts';
import { formatNdjson } from '../../../src/core/events/ndjson.ts';
import type { ExportSigner } from '../../../src/core/events/signature.ts';
import type { EventDraft, EventRecord, EventType } from '../../../src/core/events/types.ts';
import { installDrafts, keysFileFrom, makeSigner, signed } from '../../core/events/signed-fixtures.ts';

export const INSTALLS = {
  a: 'aaaaaaaa-1111-4111-8111-000000000001',
  b: 'bbbbbbbb-2222-4222-8222-000000000002',
  c: 'cccccccc-3333-4333-8333-000000000003',
  /** Updated from 1.0: its first events name no install (the signature line does). */
  d: 'dddddddd-4444-4444-8444-000000000004',
} as const;

const KINDS: Array<Partial<EventDraft> & { type: EventType }> = [
  { type: 'navigation.warned', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn' },
  { type: 'navigation.proceeded', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn', reason: 'Patient has no other app' },
  { type: 'navigation.blocked', host: 'facetime.apple.com', service: 'facetime', action: 'block' },
  { type: 'link.checked', host: 'us05web.zoom.us', service: 'zoom', action: 'warn', findings: ['personal-room', 'embedded-passcode'] },
  { type: 'navigation.redirected', host: 'examplehealth.zoom.us', service: 'zoom', action: 'allow' },
  { type: 'navigation.warned', host: 't.me', service: null, action: 'warn' },
  { type: 'navigation.proceeded', host: 'web.telegram.org', service: 'telegram', action: 'warn', reason: '  patient   HAS no other app ' },
  { type: 'link.checked', host: 'meet.example.org', service: null, action: 'block', findings: ['wrapped-unresolved'] },
  { type: 'link.checked', host: 'examplehealth.zoom.us', service: 'zoom', action: 'allow', findings: [] },
  { type: 'navigation.proceeded', host: 'signal.me', service: 'signal', action: 'warn', reason: '' },
  { type: 'incident.reported', host: 'web.whatsapp.com', incident: 'wrong-recipient', note: 'Sent to the wrong chat' },
  { type: 'media.blocked', host: 'meet.jit.si', service: null, action: 'block', findings: ['camera'] },
  { type: 'data.warned', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn', findings: ['us-ssn:1'], channel: 'paste' },
  { type: 'navigation.blocked', host: 'web.whatsapp.com', service: 'whatsapp', action: 'block', frame: true },
  { type: 'media.used', host: 'meet.jit.si', service: null, action: 'allow', findings: ['camera', 'microphone'] },
  { type: 'media.proceeded', host: 'whereby.example', service: null, action: 'warn', findings: ['screen'], reason: 'Interpreter on Whereby' },
  { type: 'training.drill', host: 'zoom-us.example', name: 'autumn-drill' },
  { type: 'training.lesson', name: 'consumer-app' },
  { type: 'guard.gap', findings: ['incognito-unguarded'] },
  // JavaScript lower-cases İ as "i̇" (two code points) and ClickHouse 18.16 does not: grouped in Node, with the same reason typed as "i̇".
  { type: 'navigation.proceeded', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn', reason: 'İstanbul clinic uses WhatsApp' },
  { type: 'navigation.proceeded', host: 'web.whatsapp.com', service: 'whatsapp', action: 'warn', reason: 'i\u0307stanbul clinic uses whatsapp' },
  { type: 'data.blocked', host: 'web.telegram.org', service: 'telegram', action: 'block', findings: ['nhs-number:2'], channel: 'upload' },
];

/** One install's drafts: `n` events, a heartbeat each ~day, the policy updated half-way. */
function drafts(install: keyof typeof INSTALLS, n: number, browser: string, user?: string): EventDraft[] {
  const salt = install.charCodeAt(0);
  const t0 = Date.parse('2026-11-20T08:00:00.000Z') + salt * 61_000;
  const out: EventDraft[] = [];
  for (let i = 0; i < n; i++) {
    const ts = new Date(t0 + i * 5 * 3600_000 + (i % 7) * 1000 + (i % 3)).toISOString();
    const policyVersion = i < n / 2 ? '2026-11-a' : install === 'c' ? '2026-11-a' : '2026-12-a';
    const base = { ts, policyVersion, policySource: 'managed' as const, extensionVersion: install === 'c' ? '1.1.0' : '1.2.0', ...(user && i % 2 ? { user } : {}) };
    if (i % 5 === 0) out.push({ ...base, type: 'install.heartbeat', browser, extensionVersion: base.extensionVersion });
    else out.push({ ...base, ...KINDS[(i * 3 + salt) % KINDS.length]! });
  }
  return out;
}

export interface Fleet {
  files: Record<string, string>;
  chains: Record<keyof typeof INSTALLS, EventRecord[]>;
  signers: Record<keyof typeof INSTALLS, ExportSigner>;
  /** Every file but the keys file, by kind. */
  good: string[];
  tampered: string[];
}

export async function fleetExports(): Promise<Fleet> {
  const signers = { a: await makeSigner(INSTALLS.a), b: await makeSigner(INSTALLS.b), c: await makeSigner(INSTALLS.c), d: await makeSigner(INSTALLS.d) };
  const attacker = await makeSigner(INSTALLS.b);
  const a = await sealChain(installDrafts(signers.a, drafts('a', 60, 'Chrome 142.0.7444.59', 'dr.lee@example.org')));
  const b = await sealChain(installDrafts(signers.b, drafts('b', 45, 'Edge 141.0.3537.71')));
  const c = await sealChain(installDrafts(signers.c, drafts('c', 30, 'Chromium 120.0.6099.224')));
  // Version 1.0 wrote no installId: the first six events have none; log.key came with the update.
  const old = drafts('d', 20, 'Firefox 128.0').map((e, i) => (i < 6 ? e : { ...e, installId: INSTALLS.d }));
  const dDrafts = [...old.slice(0, 6), ...installDrafts(signers.d, old.slice(6))];
  const d = await sealChain(dDrafts);
  const aLines = (await signed(a, signers.a)).trimEnd().split('\n');
  const edited = [...aLines];
  edited[12] = edited[12]!.replace(/"ts":"[^"]+"/, '"ts":"2026-11-25T00:00:00.000Z"');
  if (edited[12] === aLines[12]) throw new Error('fixture: nothing edited');
  const deleted = [...aLines];
  deleted.splice(20, 1);
  const cLines = (await signed(c, signers.c)).trimEnd().split('\n');
  // b rewritten from seq 10 with other reasons, signed with another key: verifies without --keys.
  const forged = await sealChain(installDrafts(attacker, drafts('b', 45, 'Edge 141.0.3537.71')).map((d) => (d.reason !== undefined ? { ...d, reason: 'Approved by manager' } : d)));
  return {
    signers,
    chains: { a, b, c, d },
    good: ['a.ndjson', 'b.ndjson', 'c.ndjson', 'd.ndjson', 'b-later.ndjson', 'a-first-half.ndjson'],
    tampered: ['a-edited.ndjson', 'a-deleted.ndjson', 'c-tail-cut.ndjson', 'c-unsigned.ndjson'],
    files: {
      'a.ndjson': aLines.join('\n') + '\n',
      'b.ndjson': await signed(b, signers.b),
      'd.ndjson': await signed(d, signers.d),
      'c.ndjson': cLines.join('\n') + '\n',
      // b again later, after pruning its first 15: overlaps b.ndjson
      'b-later.ndjson': await signed(b.slice(15), signers.b),
      'a-first-half.ndjson': await signed(a.slice(0, 30), signers.a),
      'keys.ndjson': keysFileFrom([...a, ...b, ...c, ...d]),
      // tampered copies
      'a-edited.ndjson': edited.join('\n') + '\n',
      'a-deleted.ndjson': deleted.join('\n') + '\n',
      'c-tail-cut.ndjson': [...cLines.slice(0, -4), cLines.at(-1)!].join('\n') + '\n',
      'c-unsigned.ndjson': formatNdjson(c),
      'b-forged.ndjson': await signed(forged, attacker),
    },
  };
}
