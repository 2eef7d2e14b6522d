/**
 * The ClickHouse HTTP interface, as `fleet` uses it (docs/fleet.md): one statement per
 * request (the interface takes no more), results as JSONEachRow read line by line from
 * the response stream so a large result is never held whole, inserts as NDJSON bodies.
 * Plain node:http: no client library, so the oldest server the project supports (18.16) and
 * the newest speak the same thing.
 *
 * `--clickhouse http://user:password@host:8123/` sends the credentials as HTTP basic
 * authentication (never in the URL it sends); other query parameters of the URL
 * (e.g. `?database=…`, settings) go with every request.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { insertQuery } from '../../core/fleet/schema.ts';

export class ClickHouseError extends Error {
  constructor(
    message: string,
    /** ClickHouse's error code (`Code: 60` …), when it gave one. */
    readonly code?: number,
  ) {
    super(message);
  }
}

/** Settings every query gets: numbers as numbers (UInt64 are quoted otherwise). */
const OUTPUT_SETTINGS = { output_format_json_quote_64bit_integers: '0' };

/** "Code: 60, e.displayText() = DB::Exception: Table x doesn't exist., e.what() = DB::Exception" → code and the useful part. */
function parseServerError(text: string): { message: string; code?: number } {
  const t = text.trim();
  const m = /^Code: (\d+), e\.displayText\(\) = (?:DB::Exception: )?([\s\S]*?)(?:, e\.what\(\) = .*)?$/.exec(t) ?? /^Code: (\d+)\. (?:DB::Exception: )?([\s\S]*)$/.exec(t);
  if (m) return { code: Number(m[1]), message: m[2]!.trim() };
  return { message: t.slice(0, 500) };
}

export interface ClickHouseOptions {
  /**
   * Give up on one request after this long without a byte from the server (default 10
   * minutes: a report over years of a fleet). Counted by the socket, so a long query answers
   * whenever the server is ready — not after fetch's own fixed five minutes without headers,
   * which cut `fleet report` off at 10,000,000 events (UND_ERR_HEADERS_TIMEOUT).
   */
  timeoutMs?: number;
}

export class ClickHouse {
  private readonly base: URL;
  private readonly headers: Record<string, string> = {};
  private readonly timeoutMs: number;

  constructor(url: string, options: ClickHouseOptions = {}) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new ClickHouseError(`--clickhouse: "${url}" is not a URL (e.g. http://127.0.0.1:8123/)`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ClickHouseError(`--clickhouse: "${url}" must be an http:// or https:// URL of the server's HTTP interface`);
    if (u.username || u.password) {
      this.headers.Authorization = 'Basic ' + Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
      u.username = '';
      u.password = '';
    }
    u.hash = '';
    this.base = u;
    this.timeoutMs = options.timeoutMs ?? 600_000;
  }

  /** The server's address without credentials (for messages). */
  get shown(): string {
    return `${this.base.protocol}//${this.base.host}${this.base.pathname === '/' ? '' : this.base.pathname}`;
  }

  private url(params: Record<string, string>): URL {
    const u = new URL(this.base);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    return u;
  }

  /**
   * POST one statement (node:http, one request per statement). `body` is written as it is
   * given, chunk by chunk: a 20,000-row insert is about 12 MB, and joining it whole would cost
   * a fifth of fleet load's time (measured with fetch). Resolves with the response once its
   * status is known; a refusal is read and thrown with the server's own message.
   */
  private post(params: Record<string, string>, body: Iterable<string>, contentType = 'text/plain; charset=utf-8'): Promise<IncomingMessage> {
    const url = this.url(params);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, { method: 'POST', headers: { ...this.headers, 'Content-Type': contentType }, timeout: this.timeoutMs }, (res: IncomingMessage) => {
        if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
          res.on('error', () => undefined); // read by the caller, which sees the error there
          resolve(res);
          return;
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (text.length < 10_000) text += c;
        });
        res.on('end', () => {
          const { message, code } = parseServerError(text);
          reject(new ClickHouseError(`ClickHouse at ${this.shown} refused: ${message}`, code));
        });
        res.on('error', (e: Error) => reject(new ClickHouseError(`cannot read ClickHouse's answer at ${this.shown}: ${e.message}`)));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs >= 1000 ? `${Math.round(this.timeoutMs / 1000)} s` : `${this.timeoutMs} ms`}`), { code: 'ETIMEDOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => reject(new ClickHouseError(`cannot reach ClickHouse at ${this.shown}: ${e.code === 'ETIMEDOUT' ? e.message : (e.code ?? e.message)}`)));
      const chunks = body[Symbol.iterator]();
      const write = (): void => {
        for (let c = chunks.next(); !c.done; c = chunks.next()) {
          if (!req.write(c.value)) {
            req.once('drain', write);
            return;
          }
        }
        req.end();
      };
      write();
    });
  }

  /** Run a statement that returns nothing (CREATE, ALTER, OPTIMIZE). */
  async exec(sql: string): Promise<void> {
    const res = await this.post({}, [sql]);
    for await (const _ of res) {
      // drained: the statement is done when the answer ends
    }
  }

  /** Rows of a SELECT (JSONEachRow is appended), each parsed. */
  async query<T = Record<string, unknown>>(sql: string, settings: Record<string, string> = {}): Promise<T[]> {
    const out: T[] = [];
    for await (const batch of this.stream<T>(sql, settings)) out.push(...batch);
    return out;
  }

  /**
   * Rows of a SELECT in batches, read from the response as it arrives. An error the server
   * meets after it started answering arrives as a text line in the body: thrown here.
   */
  async *stream<T = Record<string, unknown>>(sql: string, settings: Record<string, string> = {}): AsyncIterable<T[]> {
    const res = await this.post({ ...OUTPUT_SETTINGS, ...settings }, [`${sql}\nFORMAT JSONEachRow`]);
    const decoder = new TextDecoder();
    let rest = '';
    const parse = (lines: string[]): T[] =>
      lines.filter((l) => l !== '').map((l) => {
        try {
          return JSON.parse(l) as T;
        } catch {
          const { message, code } = parseServerError(l);
          throw new ClickHouseError(`ClickHouse at ${this.shown} failed while answering: ${message}`, code);
        }
      });
    try {
      for await (const chunk of res as AsyncIterable<Uint8Array>) {
        const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
        rest = lines.pop()!;
        if (lines.length > 0) yield parse(lines);
      }
    } catch (e) {
      if (e instanceof ClickHouseError) throw e;
      throw new ClickHouseError(`ClickHouse at ${this.shown} stopped answering: ${(e as Error).message}`);
    }
    rest += decoder.decode();
    if (rest !== '') yield parse([rest]);
  }

  /** Insert NDJSON lines (each one row) into `table` with one request, written in chunks of 500 rows. */
  async insert(table: string, lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    const CHUNK = 500;
    function* chunks(): Iterable<string> {
      for (let i = 0; i < lines.length; i += CHUNK) yield lines.slice(i, i + CHUNK).join('\n') + '\n';
    }
    const res = await this.post({ query: insertQuery(table) }, chunks(), 'application/x-ndjson');
    for await (const _ of res) {
      // drained: the rows are in when the answer ends
    }
  }
}
