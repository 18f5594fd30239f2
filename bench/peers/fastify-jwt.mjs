/**
 * The peer: what a Node user would write instead of Tessera for the hot path. Fastify 5 with
 * @fastify/jwt (fast-jwt underneath, its defaults: no verified-token cache), HS256 with the same
 * secret, answering the same JSON as the reference.
 *
 *   BENCH_SECRET=... node bench/peers/fastify-jwt.mjs PORT
 */
import Fastify from 'fastify';
import fastifyJwt from '@fastify/jwt';

const port = Number(process.argv[2] ?? process.env.PORT ?? 8000);
const secret = process.env.BENCH_SECRET;
if (!secret) throw new Error('BENCH_SECRET is required');

const app = Fastify({ logger: false });
await app.register(fastifyJwt, { secret, verify: { algorithms: ['HS256'] } });

const notValid = { detail: 'Given token not valid for any token type', code: 'token_not_valid' };

app.get('/protected/', async (request, reply) => {
  try {
    await request.jwtVerify();
  } catch {
    return reply.code(401).send(notValid);
  }
  return { content: 'This view is protected' };
});

app.post('/api/token/verify/', async (request, reply) => {
  const token = request.body?.token;
  if (typeof token !== 'string') return reply.code(400).send({ token: ['This field is required.'] });
  try {
    app.jwt.verify(token);
  } catch {
    return reply.code(401).send({ detail: 'Token is invalid or expired', code: 'token_not_valid' });
  }
  return {};
});

await app.listen({ host: '127.0.0.1', port });
process.stdout.write(`listening on ${port}\n`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => app.close().then(() => process.exit(0)));
