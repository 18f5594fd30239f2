/**
 * A raw HTTP client for the parity suite.
 *
 * `fetch` normalises too much for a wire comparison: it refuses some header names, re-encodes
 * bodies and adds headers of its own (Accept, User-Agent, Accept-Encoding, ...). Parity cases
 * need invalid UTF-8 bodies, odd or missing Content-Types, latin-1 header bytes and arbitrary
 * methods, so requests go through `node:http` with nothing added but `Host`, `Connection:
 * close` and a `Content-Length` for the body.
 */
import http from 'node:http';
import net from 'node:net';

/** Header lines in the order they are sent; a name may repeat. */
export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/** One request, exactly as it should go on the wire. */
export interface RawRequest {
  /** Any token: `POST`, `GET`, `PURGE`, ... */
  readonly method: string;
  /** Path plus query, starting with `/`. */
  readonly path: string;
  /**
   * Extra header lines. Values are written as latin-1 bytes (so `'\xff'` sends byte 0xff).
   * A `Content-Length` or `Transfer-Encoding` given here replaces the computed one.
   */
  readonly headers?: HeaderList | Readonly<Record<string, string>>;
  /** The body: a string is sent as UTF-8, bytes as they are. */
  readonly body?: string | Uint8Array;
}

/** One response, undigested. */
export interface RawResponse {
  readonly status: number;
  /** Lower-cased names; repeated headers joined with `", "` in arrival order. */
  readonly headers: Readonly<Record<string, string>>;
  /** Header lines as received, names in their original case. */
  readonly rawHeaders: HeaderList;
  readonly body: Buffer;
}

/** Sends raw requests to one server. */
export interface HttpClient {
  readonly baseUrl: string;
  send(request: RawRequest): Promise<RawResponse>;
}

const REQUEST_TIMEOUT_MS = 20_000;

function headerLines(headers: RawRequest['headers']): HeaderList {
  if (headers === undefined) return [];
  if (Array.isArray(headers)) return headers as HeaderList;
  return Object.entries(headers);
}

/**
 * A client for the server at `baseUrl` (`http://127.0.0.1:PORT`). Every request uses a fresh
 * connection, so one test's half-read response can never bleed into the next request.
 *
 * @example
 * ```ts
 * const api = client('http://127.0.0.1:8300');
 * const res = await api.send({ method: 'POST', path: '/api/token/', headers: { 'Content-Type': 'application/json' }, body: '{}' });
 * res.status; // 400
 * ```
 */
export function client(baseUrl: string): HttpClient {
  const url = new URL(baseUrl);
  return {
    baseUrl,
    send(request: RawRequest): Promise<RawResponse> {
      if (request.method === 'HEAD') return sendHead(url, baseUrl, request);
      const body =
        request.body === undefined
          ? undefined
          : typeof request.body === 'string'
            ? Buffer.from(request.body, 'utf8')
            : Buffer.from(request.body);
      const lines = headerLines(request.headers);
      // node:http takes repeated headers as an array value; group them, keeping first-seen order.
      const grouped = new Map<string, { name: string; values: string[] }>();
      for (const [name, value] of lines) {
        const key = name.toLowerCase();
        const entry = grouped.get(key);
        if (entry) entry.values.push(value);
        else grouped.set(key, { name, values: [value] });
      }
      if (body !== undefined && !grouped.has('content-length') && !grouped.has('transfer-encoding')) {
        grouped.set('content-length', { name: 'Content-Length', values: [String(body.length)] });
      }
      return new Promise<RawResponse>((resolve, reject) => {
        const req = http.request({
          host: url.hostname,
          port: url.port,
          method: request.method,
          path: request.path,
          agent: false,
          timeout: REQUEST_TIMEOUT_MS,
        });
        for (const { name, values } of grouped.values()) req.setHeader(name, values.length === 1 ? (values[0] as string) : values);
        req.on('timeout', () =>
          req.destroy(new Error(`${request.method} ${baseUrl}${request.path}: no answer in ${REQUEST_TIMEOUT_MS} ms`)),
        );
        req.on('error', (error) => reject(new Error(`${request.method} ${baseUrl}${request.path}: ${error.message}`, { cause: error })));
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const headers: Record<string, string> = {};
            const rawHeaders: Array<[string, string]> = [];
            for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
              const name = res.rawHeaders[i] as string;
              const value = res.rawHeaders[i + 1] as string;
              rawHeaders.push([name, value]);
              const key = name.toLowerCase();
              headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
            }
            resolve({ status: res.statusCode ?? 0, headers, rawHeaders, body: Buffer.concat(chunks) });
          });
        });
        req.end(body);
      });
    },
  };
}

function parseHeaderLines(lines: string[]): { headers: Record<string, string>; rawHeaders: Array<[string, string]> } {
  const headers: Record<string, string> = {};
  const rawHeaders: Array<[string, string]> = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    rawHeaders.push([name, value]);
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  return { headers, rawHeaders };
}

/**
 * HEAD over a bare socket. gunicorn writes the GET body after a HEAD response's headers, which
 * node's HTTP parser rejects ("Data after Connection: close"); a HEAD answer has no body by
 * definition, so whatever follows the headers is read and dropped here.
 */
function sendHead(url: URL, baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const lines = [`HEAD ${request.path} HTTP/1.1`, `Host: ${url.host}`, 'Connection: close'];
  for (const [name, value] of headerLines(request.headers)) lines.push(`${name}: ${value}`);
  return new Promise<RawResponse>((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    socket.setTimeout(REQUEST_TIMEOUT_MS, () =>
      socket.destroy(new Error(`HEAD ${baseUrl}${request.path}: no answer in ${REQUEST_TIMEOUT_MS} ms`)),
    );
    socket.on('error', (error) => reject(new Error(`HEAD ${baseUrl}${request.path}: ${error.message}`, { cause: error })));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      const raw = Buffer.concat(chunks);
      const end = raw.indexOf('\r\n\r\n');
      const head = raw
        .subarray(0, end < 0 ? raw.length : end)
        .toString('latin1')
        .split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1]);
      if (!Number.isInteger(status)) {
        reject(new Error(`HEAD ${baseUrl}${request.path}: no status line in ${JSON.stringify(head[0])}`));
        return;
      }
      resolve({ status, ...parseHeaderLines(head.slice(1)), body: Buffer.alloc(0) });
    });
    socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  });
}

/** A JSON body request: `Content-Type: application/json` and `JSON.stringify(value)`. */
export function jsonRequest(path: string, value: unknown, extraHeaders: HeaderList = []): RawRequest {
  return {
    method: 'POST',
    path,
    headers: [['Content-Type', 'application/json'], ...extraHeaders],
    body: JSON.stringify(value),
  };
}
