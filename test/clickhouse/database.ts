/** A database of its own for one test file, on the run's server (global-setup.ts). */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { ClickHouse } from '../../src/cli/fleet/clickhouse.ts';

export interface TestDatabase {
  /** The server's HTTP interface. */
  url: string;
  client: ClickHouse;
  /** `<database>.events`: the table these tests load into. */
  table: string;
  database: string;
  drop(): Promise<void>;
}

export async function testDatabase(prefix = 'tg'): Promise<TestDatabase> {
  const url = inject('clickhouseUrl');
  const client = new ClickHouse(url);
  const database = `${prefix}_${randomBytes(6).toString('hex')}`;
  await client.exec(`CREATE DATABASE ${database}`);
  return { url, client, database, table: `${database}.events`, drop: () => client.exec(`DROP DATABASE IF EXISTS ${database}`) };
}
