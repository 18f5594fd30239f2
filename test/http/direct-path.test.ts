/**
 * The bundled server answers the API's plain requests without Fastify (src/server/direct-path.ts)
 * and everything else through it. The two paths must put the same bytes on the wire: the same
 * request is sent once to a route's exact path (the direct path) and once with a query string
 * (Fastify's path; DRF ignores the query on these views), over a raw socket, and the answers are
 * compared byte for byte but for the Date header.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliServer, SUPERUSER, type CliServerProcess } from '../support/cli-server.js';

let server: CliServerProcess;
let access: string;

beforeAll(async () => {
  server = await startCliServer();
  const response = await fetch(`${server.baseUrl}/api/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: SUPERUSER.username, password: SUPERUSER.password }),
  });
  access = ((await response.json()) as { access: string }).access;
}, 120_000);

afterAll(async () => {
  await server.stop();
});

/** One request on a fresh connection; resolves with the raw answer once the server closes. */
async function raw(request: string): Promise<string> {
  const url = new URL(server.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.write(request);
  });
}

/** The answer without its Date line (the two answers may straddle a second). */
const undated = (answer: string): string => answer.replace(/\r\nDate: [^\r]*/, '');

function post(path: string, body: string, contentType = 'application/json'): string {
  return (
    `POST ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: ${contentType}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

const get = (path: string, authorization: string): string =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: ${authorization}\r\n\r\n`;

describe('the direct path and Fastify answer alike', () => {
  it.each([
    ['a valid token', () => JSON.stringify({ token: access })],
    ['a bad token', () => JSON.stringify({ token: 'abc' })],
    ['no token', () => '{}'],
    ['malformed JSON', () => '{"token": '],
  ])('POST /api/token/verify/ with %s', async (_name, body) => {
    const direct = await raw(post('/api/token/verify/', body()));
    const throughFastify = await raw(post('/api/token/verify/?via=fastify', body()));
    expect(direct).toMatch(/^HTTP\/1\.1 (200|400|401) /);
    expect(undated(direct)).toBe(undated(throughFastify));
  });

  it('POST with an unsupported media type (415, the header quoted)', async () => {
    const direct = await raw(post('/api/token/verify/', 'token=x', 'text/plain'));
    expect(direct).toMatch(/^HTTP\/1\.1 415 /);
    expect(undated(direct)).toBe(undated(await raw(post('/api/token/verify/?via=fastify', 'token=x', 'text/plain'))));
  });

  it.each([
    ['a valid token', () => `Bearer ${access}`],
    ['a bad token', () => 'Bearer abc'],
    ['another scheme', () => 'Basic abc'],
  ])('GET /protected/ with %s', async (_name, authorization) => {
    const direct = await raw(get('/protected/', authorization()));
    expect(direct).toMatch(/^HTTP\/1\.1 (200|401) /);
    expect(undated(direct)).toBe(undated(await raw(get('/protected/?via=fastify', authorization()))));
  });

  it('repeated Authorization headers are joined on both paths (401 "two space-delimited values")', async () => {
    const twice = (path: string): string =>
      `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${access}\r\nAuthorization: Bearer ${access}\r\n\r\n`;
    const direct = await raw(twice('/protected/'));
    expect(direct).toContain('Authorization header must contain two space-delimited values');
    expect(undated(direct)).toBe(undated(await raw(twice('/protected/?via=fastify'))));
  });
});
