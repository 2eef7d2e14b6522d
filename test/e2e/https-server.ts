/**
 * One local HTTPS server standing in for every real host: Chromium is started with
 * --host-resolver-rules mapping all names to it, and the server sees the original name
 * in the Host header. Its request log proves whether a blocked site was reached.
 * (Firefox reaches it through `proxyPort`.) The certificate is made fresh per run with openssl and never stored in the repo.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import { createServer as createPlainServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoggedRequest {
  host: string;
  path: string;
  method: string;
}

export type Route = (req: IncomingMessage, res: ServerResponse, host: string) => boolean;

export interface TestServer {
  port: number;
  requests: LoggedRequest[];
  /**
   * Every TLS server name a client opened a connection for (SNI), in order: a preconnect shows
   * here even when no request follows (README, "Side doors": no hint to a blocked host).
   */
  serverNames: string[];
  /** Every request that reached `host` (exact, port stripped), favicon included. */
  hits(host: string): LoggedRequest[];
  /** Page requests to `host`: hits without the favicon the browser fetches after a page loads. */
  pages(host: string): string[];
  route(fn: Route): void;
  resolverArgs(): string[];
  /**
   * A forward proxy in front of the same server, for browsers with no host-resolver switch
   * (Firefox): every CONNECT, whatever host and port it names, is tunnelled into it.
   */
  proxyPort: number;
  close(): Promise<void>;
}

function certificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'tg-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c'), '-days', '2', '-subj', '/CN=telehealth-guard-test'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'k')), cert: readFileSync(join(dir, 'c')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startServer(): Promise<TestServer> {
  const requests: LoggedRequest[] = [];
  const routes: Route[] = [];
  const serverNames: string[] = [];
  const pem = certificate();
  const context = createSecureContext(pem);
  const sni = (name: string, cb: (err: Error | null, ctx?: SecureContext) => void) => {
    serverNames.push(name.toLowerCase());
    cb(null, context);
  };
  const server: Server = createServer({ ...pem, SNICallback: sni }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    requests.push({ host, path: req.url ?? '/', method: req.method ?? 'GET' });
    for (const r of routes) if (r(req, res, host)) return;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>${host}</title><h1 id="site">Reached ${host}</h1>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const proxy = createPlainServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (_req: IncomingMessage, socket: import('node:net').Socket) => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    server.emit('connection', socket);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyPort = (proxy.address() as { port: number }).port;
  return {
    port,
    requests,
    serverNames,
    hits: (host) => requests.filter((r) => r.host === host),
    pages: (host) => requests.filter((r) => r.host === host && r.path !== '/favicon.ico').map((r) => r.path),
    route: (fn) => void routes.push(fn),
    resolverArgs: () => [`--host-resolver-rules=MAP * 127.0.0.1:${port}`, '--ignore-certificate-errors'],
    proxyPort,
    close: async () => {
      proxy.closeAllConnections();
      server.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => proxy.close(() => resolve())), new Promise<void>((resolve) => server.close(() => resolve()))]);
    },
  };
}
