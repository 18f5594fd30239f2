/**
 * HTTP requests from a chosen loopback source address (127.0.0.2, 127.0.0.3, ...): each address
 * stands for a different client, as the server sees it (the socket's peer; no proxy headers).
 * One connection per request, so bursts are truly concurrent.
 */
import { request } from 'node:http';

export interface AddressedReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** The n-th client: 127.0.0.(n + 1), n from 1 to 250. */
export function clientAddress(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 250) throw new Error(`client ${n}: 1 to 250`);
  return `127.0.0.${n + 1}`;
}

/** Sends one request from `from`; JSON bodies unless `contentType` says otherwise. */
export function sendFrom(
  baseUrl: string,
  from: string,
  method: string,
  path: string,
  body?: unknown,
  options: { contentType?: string; headers?: Record<string, string> } = {},
): Promise<AddressedReply> {
  const url = new URL(path, baseUrl);
  const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        localAddress: from,
        agent: false,
        headers: {
          ...(payload === undefined
            ? {}
            : { 'content-type': options.contentType ?? 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** POST a JSON login to `/api/token/` from `from`. */
export function loginFrom(baseUrl: string, from: string, username: string, password: string): Promise<AddressedReply> {
  return sendFrom(baseUrl, from, 'POST', '/api/token/', { username, password });
}

/** How many replies had each status: `{ 401: 5, 429: 495 }`. */
export function countStatuses(replies: readonly AddressedReply[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const reply of replies) counts[reply.status] = (counts[reply.status] ?? 0) + 1;
  return counts;
}
