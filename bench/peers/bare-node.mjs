/**
 * The limit: bare `node:http` doing the least an honest HS256 check needs per request: one
 * HMAC-SHA256 over `header.payload` with a key imported once, a constant-time compare, and the
 * `exp` check (one JSON.parse; without it a stolen token would never die). No routing library,
 * no header validation, no user lookup. Same JSON bodies as the reference.
 *
 *   BENCH_SECRET=... node bench/peers/bare-node.mjs PORT
 */
import { createServer } from 'node:http';
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';

const port = Number(process.argv[2] ?? process.env.PORT ?? 8000);
const secret = process.env.BENCH_SECRET;
if (!secret) throw new Error('BENCH_SECRET is required');
const key = createSecretKey(Buffer.from(secret, 'utf8'));

const PROTECTED = Buffer.from(JSON.stringify({ content: 'This view is protected' }));
const EMPTY = Buffer.from('{}');
const NOT_VALID = Buffer.from(JSON.stringify({ detail: 'Given token not valid for any token type', code: 'token_not_valid' }));

/** True when `token` is a compact HS256 JWS signed with `key` whose `exp` is in the future. */
function verify(token) {
  const lastDot = token.lastIndexOf('.');
  const firstDot = token.indexOf('.');
  if (firstDot <= 0 || lastDot <= firstDot) return false;
  const expected = createHmac('sha256', key).update(token.slice(0, lastDot)).digest();
  const given = Buffer.from(token.slice(lastDot + 1), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  try {
    const claims = JSON.parse(Buffer.from(token.slice(firstDot + 1, lastDot), 'base64url').toString('utf8'));
    return typeof claims.exp === 'number' && claims.exp > Date.now() / 1000;
  } catch {
    return false;
  }
}

function send(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  response.end(body);
}

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/protected/') {
    const header = request.headers.authorization ?? '';
    const ok = header.startsWith('Bearer ') && verify(header.slice(7));
    send(response, ok ? 200 : 401, ok ? PROTECTED : NOT_VALID);
    return;
  }
  if (request.method === 'POST' && request.url === '/api/token/verify/') {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      let token;
      try {
        token = JSON.parse(Buffer.concat(chunks).toString('utf8')).token;
      } catch {
        token = undefined;
      }
      const ok = typeof token === 'string' && verify(token);
      send(response, ok ? 200 : 401, ok ? EMPTY : NOT_VALID);
    });
    return;
  }
  send(response, 404, Buffer.from('{"detail":"Not found."}'));
});

server.keepAliveTimeout = 75_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening on ${port}\n`));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)));
