/**
 * A private ClickHouse server for tests and the bench (docs/fleet.md, "Testing"): Debian's
 * `clickhouse-server` package (18.16 here; newer packages ship one `clickhouse` binary that
 * runs as `clickhouse server`), started as a child process with its own config, its own
 * users file and its own temporary data folder, listening on loopback only, on ports
 * asked of the kernel so that two test runs on one machine never collide. `stop()` ends
 * the process and removes the folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ClickHouseServer {
  /** The HTTP interface, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** The server's process id (for its memory: /proc/<pid>/status). */
  pid: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra `<yandex>` elements for the config (e.g. an HTTPS port and its certificate). */
  extraConfig?: (dir: string) => string;
  /** How long to wait for the server to answer /ping (default 60 s: a loaded CI machine). */
  readyTimeoutMs?: number;
}

/** The server binary and the arguments before `--config-file`, or null when none is installed. */
export function clickhouseCommand(): { file: string; args: string[] } | null {
  const env = process.env.CLICKHOUSE_SERVER_PATH;
  if (env) return { file: env, args: [] };
  if (existsSync('/usr/sbin/clickhouse-server')) return { file: '/usr/sbin/clickhouse-server', args: [] };
  if (existsSync('/usr/bin/clickhouse-server')) return { file: '/usr/bin/clickhouse-server', args: [] };
  if (existsSync('/usr/bin/clickhouse')) return { file: '/usr/bin/clickhouse', args: ['server'] };
  return null;
}

/** A port nobody listens on now (the kernel's pick); the server binds it a moment later. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>8000000000</max_memory_usage>
      <use_uncompressed_cache>0</use_uncompressed_cache>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

function configXml(dir: string, http: number, tcp: number, extra: string): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${dir}/server.log</log>
    <errorlog>${dir}/server.err.log</errorlog>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <timezone>UTC</timezone>
  <keep_alive_timeout>1</keep_alive_timeout>
  <shutdown_wait_unfinished>1</shutdown_wait_unfinished>
${extra}
</yandex>
`;
}

async function ping(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
    return r.ok && (await r.text()).startsWith('Ok');
  } catch {
    return false;
  }
}

function logTail(dir: string): string {
  for (const f of ['server.err.log', 'server.log', 'stderr.log']) {
    try {
      const t = readFileSync(join(dir, f), 'utf8').trim();
      if (t) return t.split('\n').slice(-8).join('\n');
    } catch {
      /* not written */
    }
  }
  return '(no log)';
}

async function startOnce(opts: StartOptions): Promise<ClickHouseServer> {
  const cmd = clickhouseCommand();
  if (!cmd) throw new Error('clickhouse-server is not installed (apt-get install clickhouse-server; .ci/run does it)');
  const dir = mkdtempSync(join(tmpdir(), 'tg-clickhouse-'));
  const [http, tcp] = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'users.xml'), USERS_XML);
  writeFileSync(join(dir, 'config.xml'), configXml(dir, http, tcp, opts.extraConfig?.(dir) ?? ''));
  const child: ChildProcess = spawn(cmd.file, [...cmd.args, `--config-file=${join(dir, 'config.xml')}`], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: false,
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const url = `http://127.0.0.1:${http}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  const stop = async () => {
    if (exited === undefined) {
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(killed);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  while (!(await ping(url))) {
    if (exited !== undefined || Date.now() > deadline) {
      const why = exited !== undefined ? `exited with code ${exited}` : 'did not answer /ping in time';
      const tail = stderr.trim() ? stderr.trim().split('\n').slice(-8).join('\n') : logTail(dir);
      await stop();
      throw new Error(`clickhouse-server ${why}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: child.pid!, dataDir: dir, stop };
}

/**
 * Start a server and wait until it answers. A port taken between our pick and the
 * server's bind (another run) makes the server exit: then it is tried again on others.
 */
export async function startClickHouse(opts: StartOptions = {}): Promise<ClickHouseServer> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(opts);
    } catch (e) {
      last = e;
      if (!/exited/.test(String(e))) break;
    }
  }
  throw last;
}
