/**
 * One ClickHouse server for every `*.clickhouse.test.ts` file of a run (vitest.config.ts):
 * started before the first of them, stopped (and its data folder removed) after the last.
 * Files reach it with `inject('clickhouseUrl')` and each makes its own database.
 */
import type { TestProject } from 'vitest/node';
import { startClickHouse, type ClickHouseServer } from './server.ts';

let server: ClickHouseServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startClickHouse();
  project.provide('clickhouseUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    clickhouseUrl: string;
  }
}
