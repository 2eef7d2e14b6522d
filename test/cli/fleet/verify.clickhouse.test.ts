/**
 * `fleet verify` against a real ClickHouse server, beside `logs verify` on the same
 * exports (tampered ones included), and against tampering done inside the table itself:
 * a row edited (only the re-hash sees it), a row deleted from an install no export
 * anchors (only the continuity query sees it), a chain rebuilt consistently inside the
 * table (only the signed digest of a loaded export sees it), two different copies of a
 * log (the continuity query), a key that is not the pinned one (--keys).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetCommand } from '../../../src/cli/commands/fleet.ts';
import { logsCommand } from '../../../src/cli/commands/logs.ts';
import { memoryIO } from '../../../src/cli/io.ts';
import { ClickHouse } from '../../../src/cli/fleet/clickhouse.ts';
import { hashInput, sealChain } from '../../../src/core/events/chain.ts';
import type { EventRecord } from '../../../src/core/events/types.ts';
import { rowJson } from '../../../src/core/fleet/rows.ts';
import { createStatements, ORIGIN, parseTableName, type TableName } from '../../../src/core/fleet/schema.ts';
import { testDatabase, type TestDatabase } from '../../clickhouse/database.ts';
import { fleetExports, INSTALLS, type Fleet } from './fleet-exports.ts';

let db: TestDatabase;
let fleet: Fleet;
beforeAll(async () => {
  db = await testDatabase();
  fleet = await fleetExports();
});
afterAll(() => db?.drop());

async function run(cmd: typeof fleetCommand, args: string[]) {
  const io = memoryIO({ ...fleet.files });
  const code = await cmd(args, io);
  return { code, out: io.stdout, err: io.stderr };
}
let n = 0;
async function tableWith(...files: string[]): Promise<string> {
  const t = `${db.database}.t${++n}`;
  if (files.length > 0) await run(fleetCommand, ['load', ...files, '--clickhouse', db.url, '--table', t]);
  else for (const s of createStatements(parseTableName(t) as TableName)) await db.client.exec(s);
  return t;
}
const verify = (t: string, ...more: string[]) => run(fleetCommand, ['verify', '--clickhouse', db.url, '--table', t, ...more]);

/** Run a mutation (ALTER … UPDATE/DELETE) and wait until it is done: 18.16 has no synchronous mutations. */
async function mutate(client: ClickHouse, t: string, sql: string): Promise<void> {
  await client.exec(`ALTER TABLE ${t} ${sql}`);
  const [database, table] = t.split('.');
  for (let i = 0; i < 200; i++) {
    const [r] = await client.query<{ left: number }>(`SELECT count() AS left FROM system.mutations WHERE database = '${database}' AND table = '${table}' AND is_done = 0`);
    if (r!.left === 0) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('mutation did not finish');
}

describe('fleet verify', () => {
  it('a fleet loaded from good exports: OK per install and per export, exit 0', async () => {
    const t = await tableWith('a.ndjson', 'b-later.ndjson', 'b.ndjson', 'c.ndjson');
    const r = await verify(t);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      `OK install ${INSTALLS.a}: 61 events verified, seq 1–61: every event re-hashed, every link and gap checked, from the first event the install wrote`,
      `OK install ${INSTALLS.b}: 46 events verified, seq 1–46: every event re-hashed, every link and gap checked, from the first event the install wrote`,
      `OK install ${INSTALLS.c}: 31 events verified, seq 1–31: every event re-hashed, every link and gap checked, from the first event the install wrote`,
      `OK export a.ndjson: install ${INSTALLS.a}, seq 1–61: signed count and digest match the rows, signature checked, key NOT pinned`,
      `OK export b-later.ndjson: install ${INSTALLS.b}, seq 16–46: signed count and digest match the rows, signature checked, key NOT pinned`,
      `OK export b.ndjson: install ${INSTALLS.b}, seq 1–46: signed count and digest match the rows, signature checked, key NOT pinned`,
      `OK export c.ndjson: install ${INSTALLS.c}, seq 1–31: signed count and digest match the rows, signature checked, key NOT pinned`,
      expect.stringMatching(new RegExp(`^Verified 138 events of 3 installs and 4 loaded exports in ${t} at http://127\\.0\\.0\\.1:\\d+: no break$`)),
    ]);
    const pinned = await verify(t, '--keys', 'keys.ndjson');
    expect(pinned.code).toBe(0);
    expect(pinned.out[0]).toMatch(/; key pinned$/);
  });

  it('names each tampered export as logs verify does (same seq, line and reason), exit 1', async () => {
    const files = ['a-edited.ndjson', 'a-deleted.ndjson', 'c-tail-cut.ndjson', 'c-unsigned.ndjson'];
    const t = await tableWith(...files);
    const r = await verify(t);
    expect(r.code).toBe(1);
    for (const f of files) {
      const v = await run(logsCommand, ['verify', f]);
      expect(v.code, f).toBe(1);
      const logsLine = (v.out[0] ?? v.err[0])!.replace(/^FAIL /, `FAIL export `);
      expect(r.err, f).toContain(`${logsLine} (at load; its events count in no report)`);
    }
    // Their events are evidence only: no install's chain is checked or counted.
    expect(r.out.at(-1)).toMatch(/^Checked 0 events of 0 installs and 4 loaded exports .*: 4 breaks/);
  });

  it('a row edited inside the table: only the re-hash sees it (its hash, the links and the signed digest are unchanged)', async () => {
    const t = await tableWith('a.ndjson');
    await mutate(db.client, t, `UPDATE host = 'intranet.example.org' WHERE installId = '${INSTALLS.a}' AND seq = 14`);
    const r = await verify(t);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([`FAIL install ${INSTALLS.a}: seq 14: hash mismatch: the event was edited after it was written`]);
  });

  it('a row deleted from an install that only the collector reported: only the continuity query sees it', async () => {
    const t = await tableWith();
    await db.client.insert(t, fleet.chains.c.map((e) => rowJson(e, ORIGIN.collector)));
    expect((await verify(t)).code).toBe(0);
    await mutate(db.client, t, `DELETE WHERE installId = '${INSTALLS.c}' AND seq IN (20, 21)`);
    const r = await verify(t);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([`FAIL install ${INSTALLS.c}: seq 22: gap: seq 20–21 missing and seq 22 does not link to seq 19: deleted from the table, or never loaded`]);
  });

  it('an event replaced by another that links (the chain rebuilt from there inside the table): only the signed digest of the loaded export sees it', async () => {
    const t = await tableWith('c.ndjson');
    const c = fleet.chains.c;
    // seq 10 onwards re-chained with an edited host: every hash right, every link holding.
    const rebuilt: EventRecord[] = [];
    let prev = c[8]!.hash;
    for (const e of c.slice(9)) {
      const { hash: _h, ...rest } = e;
      const body = { ...rest, prev, ...(e.seq === 10 ? { host: 'intranet.example.org' } : {}) };
      const hash = createHash('sha256').update(hashInput(prev, body)).digest('hex');
      rebuilt.push({ ...body, hash } as EventRecord);
      prev = hash;
    }
    await mutate(db.client, t, `DELETE WHERE installId = '${INSTALLS.c}' AND seq >= 10`);
    await db.client.insert(t, rebuilt.map((e) => rowJson(e, ORIGIN.collector)));
    const r = await verify(t);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([`FAIL export c.ndjson: the events between seq 1 and 31 are not the ones signed (digest mismatch): changed in the table, or the chain rebuilt`]);
  });

  it('two exports of one install with different content (a forged copy re-signed): the conflict named, exit 1; with --keys the forged key too', async () => {
    const t = await tableWith('b.ndjson', 'b-forged.ndjson');
    const r = await verify(t);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(new RegExp(`^FAIL install ${INSTALLS.b}: seq 1: two different events under each of seq 1–46 \\(at seq 1: hashes [0-9a-f]{12}…, [0-9a-f]{12}…\\): one copy was forged; neither can be trusted$`));
    // Both copies in the table: each export's count no longer matches.
    expect(r.err.filter((l) => l.startsWith('FAIL export b'))).toHaveLength(2);
    const pinned = await verify(t, '--keys', 'keys.ndjson');
    expect(pinned.err).toContain(`FAIL install ${INSTALLS.b}: seq 1: the install's log.key holds another key than the pinned one: the log was rebuilt with another key`);
    expect(pinned.err).toContain(`FAIL export b-forged.ndjson: signed with a key that is not install ${INSTALLS.b}'s pinned key: the log was re-signed by someone else`);
    // logs verify --keys says the same of the file.
    expect((await run(logsCommand, ['verify', 'b-forged.ndjson', '--keys', 'keys.ndjson'])).out[0]).toMatch(/pinned key: the log was re-signed by someone else$/);
  });

  it('gaps that link (seqs the store skipped) are no break; events of a pruned log start where they start', async () => {
    const t = await tableWith();
    const drafts = fleet.chains.a.slice(0, 12).map(({ hash: _h, prev: _p, seq: _s, ...d }) => d);
    const chain = await sealChain(drafts);
    const skipped = chain.map((e) => e); // re-seal with seq gaps: 1,2,3,7,8,…
    const withGaps: EventRecord[] = [];
    let prev = '0'.repeat(64);
    for (const [i, e] of skipped.entries()) {
      const seq = i < 3 ? i + 1 : i + 4;
      const { hash: _h, ...rest } = e;
      const body = { ...rest, seq, prev };
      const hash = createHash('sha256').update(hashInput(prev, body)).digest('hex');
      withGaps.push({ ...body, hash } as EventRecord);
      prev = hash;
    }
    await db.client.insert(t, withGaps.slice(2).map((e) => rowJson(e, ORIGIN.collector)));
    const r = await verify(t);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe(`OK install ${INSTALLS.a}: 10 events verified, seq 3–15: every event re-hashed, every link and gap checked, partial: starts at seq 3 (older events pruned or not loaded)`);
  });
});
