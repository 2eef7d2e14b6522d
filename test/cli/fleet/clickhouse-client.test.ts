/**
 * The ClickHouse HTTP client (src/cli/fleet/clickhouse.ts) against a stand-in server that
 * answers the way ClickHouse does, slowly or wrongly on purpose: its own timeout is the only
 * one (fetch's fixed five minutes without headers cut `fleet report` off at 10,000,000
 * events), errors keep the server's words, and credentials never go in the URL.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ClickHouse, ClickHouseError } from '../../../src/cli/fleet/clickhouse.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  server = undefined;
});

async function standIn(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => handle(req, body, res));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('ClickHouse client', () => {
  it('waits for an answer as long as its own timeout says, however late the headers come', async () => {
    const url = await standIn((_req, _body, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"n":1}\n{"n":2}\n');
      }, 1200);
    });
    expect(await new ClickHouse(url, { timeoutMs: 10_000 }).query('SELECT n')).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('gives up after its timeout with no byte from the server, and says so', async () => {
    const url = await standIn(() => undefined);
    const t = Date.now();
    const err = await new ClickHouse(url, { timeoutMs: 300 }).query('SELECT 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClickHouseError);
    expect((err as Error).message).toMatch(/cannot reach ClickHouse at http:\/\/127\.0\.0\.1:\d+: no answer within 300 ms/);
    expect(Date.now() - t).toBeLessThan(5000);
  });

  it('a refusal carries the server\'s words and code; an error met while answering is thrown too', async () => {
    const url = await standIn((req, _body, res) => {
      if (new URL(req.url!, 'http://x').searchParams.has('fail_late')) {
        res.writeHead(200);
        res.end('{"n":1}\nCode: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded, e.what() = DB::Exception\n');
        return;
      }
      res.writeHead(404);
      res.end("Code: 60, e.displayText() = DB::Exception: Table fleet.events doesn't exist., e.what() = DB::Exception");
    });
    const ch = new ClickHouse(url);
    const refused = await ch.query('SELECT 1').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 60, message: expect.stringContaining("refused: Table fleet.events doesn't exist.") });
    const late = await ch.query('SELECT 1', { fail_late: '1' }).catch((e: unknown) => e);
    expect(late).toMatchObject({ code: 241, message: expect.stringContaining('failed while answering: Memory limit (for query) exceeded') });
  });

  it('sends credentials as basic authentication, never in the URL; inserts arrive whole, in order', async () => {
    const seen: Array<{ url: string; auth: string | undefined; body: string }> = [];
    const url = await standIn((req, body, res) => {
      seen.push({ url: req.url!, auth: req.headers.authorization, body });
      res.writeHead(200);
      res.end();
    });
    const ch = new ClickHouse(url.replace('http://', 'http://auditor:s%3Acret@'));
    const lines = Array.from({ length: 1234 }, (_, i) => `{"seq":${i}}`);
    await ch.insert('events', lines);
    await ch.exec('OPTIMIZE TABLE events');
    expect(seen).toHaveLength(2);
    for (const s of seen) {
      expect(s.auth).toBe('Basic ' + Buffer.from('auditor:s:cret').toString('base64'));
      expect(s.url).not.toContain('auditor');
    }
    expect(seen[0]!.body).toBe(lines.join('\n') + '\n');
    expect(seen[1]!.body).toBe('OPTIMIZE TABLE events');
  });
});
