/**
 * `writeAnswer` hands Node a flat header list kept per frozen header object; it must put on the
 * wire exactly what the object form it replaced did (`writeHead(status, {...headers,
 * 'content-length'}, set-cookie as an array)`): same lines, same order, one Content-Length.
 */
import { createServer, type ServerResponse } from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { jsonResponse } from '../http/responses.js';
import type { HttpResponse } from '../http/http-types.js';
import { installDirectPath, writeAnswer } from './direct-path.js';

/** The object form, as the bundled server wrote answers before the flat list. */
function writeAsObject(raw: ServerResponse, response: HttpResponse, method: string): void {
  const body = response.body === '' || method === 'HEAD' ? '' : response.body;
  const headers: Record<string, string | string[]> = { ...response.headers, 'content-length': String(Buffer.byteLength(response.body)) };
  const setCookies = response.setCookies ?? [];
  if (setCookies.length > 0) headers['set-cookie'] = setCookies;
  raw.writeHead(response.status, headers);
  raw.end(body);
}

/** The raw bytes `write` puts on the wire for `response`, without the Date line. */
async function bytesOf(write: typeof writeAnswer, response: HttpResponse, method: string): Promise<string> {
  const server = createServer((_request, raw) => write(raw, response, method));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  try {
    return await new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () =>
        resolve(
          Buffer.concat(chunks)
            .toString('latin1')
            .replace(/\r\nDate: [^\r]*/, ''),
        ),
      );
      socket.write(`${method} / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    });
  } finally {
    server.close();
  }
}

const answers: [string, () => HttpResponse][] = [
  ['the shared API headers (frozen)', () => jsonResponse(200, {}, 'POST, OPTIONS')],
  ['the same headers again (the kept list)', () => jsonResponse(200, { detail: 'é' }, 'POST, OPTIONS')],
  ['extra headers (a 401)', () => jsonResponse(401, { detail: 'x' }, 'GET, HEAD, OPTIONS', { 'www-authenticate': 'Bearer realm="api"' })],
  ['no body (no Content-Type)', () => jsonResponse(201, undefined, 'POST, OPTIONS')],
  [
    'a Content-Length of its own (a CORS preflight)',
    () => ({ status: 200, headers: { vary: 'Origin', 'content-length': '0', 'access-control-max-age': '86400' }, body: '' }),
  ],
  [
    'a frozen object with a Content-Length',
    () => ({ status: 200, headers: Object.freeze({ 'content-length': '0', vary: 'Origin' }), body: '' }),
  ],
  ['cookies', () => ({ ...jsonResponse(200, { access: 'a' }, 'POST, OPTIONS'), setCookies: ['a=1; Path=/', 'b=2; HttpOnly'] })],
];

describe('writeAnswer', () => {
  it.each(answers)('%s: the same bytes as the object form', async (_name, answer) => {
    for (const method of ['GET', 'HEAD']) {
      const flat = await bytesOf(writeAnswer, answer(), method);
      expect(flat).toBe(await bytesOf(writeAsObject, answer(), method));
      expect(flat.match(/\r\ncontent-length: /g)).toHaveLength(1);
    }
  });
});

describe('installDirectPath', () => {
  it('reports an error that escapes the answer and answers 500 in DRF shape, and the server stays up', async () => {
    const server = createServer(() => {
      throw new Error('Fastify is not reached: the path is a direct one');
    });
    const reported: { error: unknown; method: string; path: string }[] = [];
    installDirectPath(server, {
      paths: new Set(['/api/token/verify/']),
      bodyLimit: 1024,
      requestId: () => 'id',
      headers: () => ({}),
      answer: () => Promise.reject(new TypeError('a hook threw')),
      reportError: (error, where) => reported.push({ error, ...where }),
      closing: () => false,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/api/token/verify/`, { method: 'POST', body: '{}' });
      expect(answer.status).toBe(500);
      expect(await answer.json()).toEqual({ detail: 'A server error occurred.' });
      expect(reported).toHaveLength(1);
      expect(reported[0]).toMatchObject({ method: 'POST', path: '/api/token/verify/' });
      expect(String(reported[0]?.error)).toContain('a hook threw');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
  it('reports an answer Node cannot write and closes that connection: no unhandled rejection, the next request answered', async () => {
    const server = createServer(() => {
      throw new Error('Fastify is not reached: the path is a direct one');
    });
    const reported: unknown[] = [];
    let calls = 0;
    installDirectPath(server, {
      paths: new Set(['/api/token/verify/']),
      bodyLimit: 1024,
      requestId: () => 'id',
      headers: () => ({}),
      // The first answer carries a header value Node refuses (a line break), so writeHead throws.
      answer: () =>
        Promise.resolve(
          calls++ === 0 ? jsonResponse(200, {}, 'POST, OPTIONS', { 'x-bad': 'a\r\nb' }) : jsonResponse(200, {}, 'POST, OPTIONS'),
        ),
      reportError: (error) => reported.push(error),
      closing: () => false,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      await expect(fetch(`http://127.0.0.1:${port}/api/token/verify/`, { method: 'POST', body: '{}' })).rejects.toThrow();
      expect(reported).toHaveLength(1);
      expect(String(reported[0])).toMatch(/invalid character/i);
      const next = await fetch(`http://127.0.0.1:${port}/api/token/verify/`, { method: 'POST', body: '{}' });
      expect(next.status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
