/**
 * Input bounds of the bundled server, over real HTTP (issue 6 §5, checklist SEC-35/36/43/44/45
 * and R-10): oversized bodies and headers, deep and malformed JSON, overlong and hostile field
 * values. Each answer is DRF's (or Node's, for what never reaches the application), never a 5xx,
 * and after each group a normal login still succeeds: the process survived.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/stores/open-store.js';
import { client } from '../http/api-suite.js';
import { startCliServer, SUPERUSER, type CliServerProcess } from '../support/cli-server.js';
import type { Api, Reply } from './support/token-endpoints.js';

/** The checklist's suggested cap for auth endpoints, set here to prove MAX_BODY_BYTES is honoured. */
const SMALL_BODY_LIMIT = 16_384;
const DEFAULT_BODY_LIMIT = 1_048_576;
const TOO_LARGE = { detail: 'Request body is too large.' };

let server: CliServerProcess;
let smallServer: CliServerProcess;
let api: Api;
let small: Api;

beforeAll(async () => {
  [server, smallServer] = await Promise.all([startCliServer({}), startCliServer({ TESSERA_MAX_BODY_BYTES: String(SMALL_BODY_LIMIT) })]);
  api = client(server.baseUrl);
  small = client(smallServer.baseUrl);
});

afterAll(async () => {
  await Promise.all([server?.stop(), smallServer?.stop()]);
});

const json = (body: string | Buffer): { body: string; headers: Record<string, string> } => ({
  body: body as string,
  headers: { 'content-type': 'application/json' },
});

async function stillServes(on: Api = api): Promise<void> {
  const reply = await on.post('/api/token/', SUPERUSER);
  expect(reply.status, reply.text).toBe(200);
}

/**
 * Sends `head` (request line and headers) and `body` bytes on a raw socket and reads the answer.
 * Only a prefix of an oversized body is sent: the server must answer without waiting for the
 * rest, and nothing it leaves unread can turn its close into a reset that loses the answer.
 */
function rawExchange(baseUrl: string, head: string, body: Buffer): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within 10 s: ${received.toString()}`)), 10_000);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = received.toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.write(Buffer.concat([Buffer.from(head.replaceAll('\n', '\r\n')), body]));
  });
}

/** One HTTP/1.1 chunk of `size` bytes. */
function chunkOf(size: number): Buffer {
  return Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), Buffer.alloc(size, 0x61), Buffer.from('\r\n')]);
}

describe('request bodies over MAX_BODY_BYTES get 413 (SEC-43)', () => {
  it('default limit (1 MiB): one byte over is 413 at the token and registration endpoints; at the limit it is parsed', async () => {
    for (const path of ['/api/token/', '/accounts/register/', '/api/token/refresh/']) {
      const over = await api.send('POST', path, json(`"${'x'.repeat(DEFAULT_BODY_LIMIT - 1)}"`));
      expect(over.status, path).toBe(413);
      expect(over.json).toEqual(TOO_LARGE);
    }
    const atLimit = await api.send('POST', '/api/token/', json(`"${'x'.repeat(DEFAULT_BODY_LIMIT - 2)}"`));
    expect(atLimit.status).toBe(400);
  });

  it('a 10 MB body is 413, answered from its Content-Length before any of it is sent', async () => {
    const head =
      'POST /api/token/ HTTP/1.1\nHost: localhost\nContent-Type: application/json\nContent-Length: 10000000\nConnection: close\n\n';
    const reply = await rawExchange(server.baseUrl, head, Buffer.alloc(0));
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.text)).toEqual(TOO_LARGE);
    await stillServes();
  });

  it('a chunked body (no Content-Length) over the limit is 413 before it is all sent', async () => {
    const head =
      'POST /api/token/ HTTP/1.1\nHost: localhost\nContent-Type: application/json\nTransfer-Encoding: chunked\nConnection: close\n\n';
    // Two chunks, one byte past the limit; a stream of megabytes would follow.
    const reply = await rawExchange(smallServer.baseUrl, head, Buffer.concat([chunkOf(SMALL_BODY_LIMIT), chunkOf(1)]));
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.text)).toEqual(TOO_LARGE);
  });

  it('TESSERA_MAX_BODY_BYTES=16384: 16,385 bytes is 413, 16,384 bytes is parsed', async () => {
    const over = await small.send('POST', '/api/token/', json(`{"username":"${'u'.repeat(SMALL_BODY_LIMIT - 29)}","password":"p"}`));
    expect(over.status).toBe(413);
    const at = await small.send('POST', '/api/token/', json(`{"username":"${'u'.repeat(SMALL_BODY_LIMIT - 30)}","password":"p"}`));
    expect(at.status, at.text).toBe(401);
    await stillServes(small);
  });

  it('a 2 MB username is 413, not a database lookup', async () => {
    const reply = await api.post('/api/token/', { username: 'u'.repeat(2_000_000), password: 'x' });
    expect(reply.status).toBe(413);
    await stillServes();
  });
});

describe('headers over 16 KiB get 431 (SEC-44)', () => {
  it('a 17,000-byte Authorization header is 431; one of 16,000 bytes reaches the application (401)', async () => {
    const over = await api.send('GET', '/protected/', { headers: { authorization: `Bearer ${'a'.repeat(17_000)}` } });
    expect(over.status).toBe(431);
    const under = await api.send('GET', '/protected/', { headers: { authorization: `Bearer ${'a'.repeat(16_000)}` } });
    expect(under.status).toBe(401);
    await stillServes();
  });

  it('many headers adding up to more than 16 KiB: 431', async () => {
    const headers = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`x-filler-${index}`, 'f'.repeat(500)]));
    expect((await api.send('GET', '/hello/', { headers })).status).toBe(431);
    await stillServes();
  });

  it.each([
    ['Bearer', { detail: 'Authorization header must contain two space-delimited values', code: 'bad_authorization_header' }],
    ['Bearer a b', { detail: 'Authorization header must contain two space-delimited values', code: 'bad_authorization_header' }],
    ['bearer abc.def.ghi', { detail: 'Authentication credentials were not provided.' }],
    ['Basic a2F5YTpwYXNz', { detail: 'Authentication credentials were not provided.' }],
    ['abc.def.ghi', { detail: 'Authentication credentials were not provided.' }],
  ])('Authorization "%s": 401 with simplejwt\'s answer', async (value, body) => {
    const reply = await api.send('GET', '/protected/', { headers: { authorization: value } });
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual(body);
  });
});

describe('malformed JSON bodies get 400 (SEC-43, SEC-45, SEC-07)', () => {
  it.each([
    ['arrays nested 10,000 deep', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['arrays nested 100,000 deep', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['objects nested 100,000 deep', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
  ])('%s: 400 "JSON parse error", and the server lives', async (_name, body) => {
    const reply = await api.send('POST', '/api/token/', json(body));
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      detail:
        'JSON parse error - maximum recursion depth exceeded while decoding a JSON ' +
        (body.startsWith('[') ? 'array' : 'object') +
        ' from a unicode string',
    });
    await stillServes();
  });

  it('invalid UTF-8 inside a JSON string (0xFF 0xFE in the password) is 400, never U+FFFD', async () => {
    const body = Buffer.concat([
      Buffer.from(`{"username":"${SUPERUSER.username}","password":"a`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const reply = await api.send('POST', '/api/token/', json(body));
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ detail: "JSON parse error - 'utf-8' codec can't decode byte 0xff in position 33: invalid start byte" });
  });

  it('an overlong UTF-8 encoding of "/" (0xC0 0xAF) is 400', async () => {
    const body = Buffer.concat([Buffer.from('{"username":"a'), Buffer.from([0xc0, 0xaf]), Buffer.from('","password":"x"}')]);
    const reply = await api.send('POST', '/api/token/', json(body));
    expect(reply.status).toBe(400);
    expect(String((reply.json as { detail: string }).detail)).toMatch(/^JSON parse error - 'utf-8' codec can't decode byte 0xc0/);
  });

  it.each([
    ['not JSON at all', 'abc'],
    ['a truncated object', '{"username":"kyoko",'],
    ['NaN (STRICT_JSON)', '{"username":"kyoko","password":NaN}'],
  ])('%s as application/json: 400 JSON parse error', async (_name, body) => {
    const reply = await api.send('POST', '/api/token/', json(body));
    expect(reply.status).toBe(400);
    expect(String((reply.json as { detail: string }).detail)).toMatch(/^JSON parse error - /);
  });

  it("a 5,000-digit number is 400 (Python's int limit), not a bignum computation", async () => {
    const reply = await api.send('POST', '/api/token/', json(`{"username":"kyoko","password":${'9'.repeat(5000)}}`));
    expect(reply.status).toBe(400);
    expect(String((reply.json as { detail: string }).detail)).toMatch(/^JSON parse error - Exceeds the limit \(4300 digits\)/);
  });

  it('1e400 and -1e400 as field values never produce a 5xx', async () => {
    for (const body of ['{"username":1e400,"password":"x"}', '{"username":"kyoko","password":-1e400}']) {
      const reply = await api.send('POST', '/api/token/', json(body));
      expect([400, 401], `${body}: ${reply.text}`).toContain(reply.status);
    }
    await stillServes();
  });

  it("text/plain is 415 with DRF's message", async () => {
    const reply = await api.send('POST', '/api/token/', { body: 'username=kyoko', headers: { 'content-type': 'text/plain' } });
    expect(reply.status).toBe(415);
    expect(reply.json).toEqual({ detail: 'Unsupported media type "text/plain" in request.' });
  });
});

describe('field values are bounded and checked before any password hashing (SEC-35, SEC-36, SEC-43)', () => {
  const MAX_PASSWORD = 4096;
  const tooLong = { password: ['Ensure this field has no more than 4096 characters.'] };

  it('a 4,097-character password at login is a field error, for an unknown user too: no credential check ran', async () => {
    for (const username of [SUPERUSER.username, 'no-such-user']) {
      const reply = await api.post('/api/token/', { username, password: 'p'.repeat(MAX_PASSWORD + 1) });
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual(tooLong);
    }
    // At the limit the password is checked, and is simply wrong.
    expect((await api.post('/api/token/', { username: SUPERUSER.username, password: 'p'.repeat(MAX_PASSWORD) })).status).toBe(401);
  });

  it('a 4,097-character password at registration is a field error on both password fields', async () => {
    const password = 'p'.repeat(MAX_PASSWORD + 1);
    const reply = await api.post('/accounts/register/', {
      email: 'long@example.com',
      username: 'long',
      first_name: 'L',
      password,
      password2: password,
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ ...tooLong, password2: tooLong.password });
  });

  it('passwords of 64, 128 and 1000 characters register and log in unchanged (no truncation)', async () => {
    for (const length of [64, 128, 1000]) {
      const password = `Xy7!${'correct horse battery staple '.repeat(40)}`.slice(0, length);
      const username = `len${length}`;
      const created = await api.post('/accounts/register/', {
        email: `${username}@example.com`,
        username,
        first_name: 'L',
        password,
        password2: password,
      });
      expect(created.status, created.text).toBe(201);
      expect((await api.post('/api/token/', { username, password })).status).toBe(200);
      expect((await api.post('/api/token/', { username, password: password.slice(0, -1) })).status).toBe(401);
    }
  });

  it('an emoji and a password with inner and outer spaces register and log in exactly as typed', async () => {
    for (const [username, password] of [
      ['emoji', '🔐 clé secrète 🗝️ 2024'],
      ['spaces', '  pass word  with spaces  '],
    ] as const) {
      const created = await api.post('/accounts/register/', {
        email: `${username}@example.com`,
        username,
        first_name: 'E',
        password,
        password2: password,
      });
      expect(created.status, created.text).toBe(201);
      expect((await api.post('/api/token/', { username, password })).status).toBe(200);
      const altered = password.trim() === password ? password.normalize('NFKD').replace(/\u0301/, '') : password.trim();
      expect(altered).not.toBe(password);
      expect((await api.post('/api/token/', { username, password: altered })).status).toBe(401);
    }
  });

  it('NUL characters in username or password are 400 "Null characters are not allowed."', async () => {
    const nul = ['Null characters are not allowed.'];
    expect((await api.post('/api/token/', { username: 'kyo\u0000ko', password: 'x' })).json).toEqual({ username: nul });
    expect((await api.post('/api/token/', { username: 'kyoko', password: 'contrasena\u0000segura' })).json).toEqual({ password: nul });
    const reply = await api.post('/accounts/register/', {
      email: 'nul@example.com',
      username: 'nul',
      first_name: 'N',
      password: 'Nul-\u0000-Pass-77',
      password2: 'Nul-\u0000-Pass-77',
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ password: nul, password2: nul });
  });

  it('lone surrogates are 400, so "\\ud800" and "\\udfff" cannot hash to the same bytes (SEC-36)', async () => {
    const reply = await api.post('/api/token/', { username: 'kyoko', password: 'ab\ud800cd' });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ password: ['Surrogate characters are not allowed: U+D800.'] });
    const password = 'Surrogate-\udfff-Pass-77';
    const registered = await api.post('/accounts/register/', {
      email: 'sur@example.com',
      username: 'sur',
      first_name: 'S',
      password,
      password2: password,
    });
    expect(registered.status).toBe(400);
  });

  it('non-string credentials ({"$ne": null}, lists) are 400 "Not a valid string."', async () => {
    const reply = await api.post('/api/token/', { username: ['kyoko'], password: { $ne: null } });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ username: ['Not a valid string.'], password: ['Not a valid string.'] });
  });

  it('"__proto__" and "constructor" members grant nothing: a registered user is not staff (SEC-24)', async () => {
    const body =
      '{"__proto__":{"is_staff":true,"is_superuser":true},"constructor":{"prototype":{"is_staff":true}},' +
      '"email":"proto@example.com","username":"proto","first_name":"P","password":"Proto-Pass-77!","password2":"Proto-Pass-77!","is_staff":true}';
    const created: Reply = await api.send('POST', '/accounts/register/', json(body));
    expect(created.status, created.text).toBe(201);
    const store = await openStore(server.databaseUrl);
    try {
      const user = await store.findUser('username', 'proto');
      expect(user).toMatchObject({ isStaff: false, isSuperuser: false, isActive: true });
    } finally {
      await store.close();
    }
    const login = await api.send('POST', '/api/token/', json('{"__proto__":{"username":"kyoko"},"password":"contrasenasegura"}'));
    expect(login.status).toBe(400);
    expect(login.json).toEqual({ username: ['This field is required.'] });
    await stillServes();
  });

  it('duplicate members in a login body: the last one wins, as in Python (documented, R-10)', async () => {
    const reply = await api.send('POST', '/api/token/', json('{"username":"kyoko","password":"wrong","password":"contrasenasegura"}'));
    expect(reply.status).toBe(200);
  });
});
