// The tutorials' API in your own Fastify app: token endpoints, registration, a protected view
// and a hello view. Run `npm run build` once in the repository, then:
//   TESSERA_SECRET_KEY=$(openssl rand -hex 32) node examples/fastify/server.mjs
import Fastify from 'fastify';
import { createTessera } from 'tessera';
import { tesseraPlugin } from 'tessera/fastify';

// Settings come from TESSERA_* variables (TESSERA_DATABASE_URL, TESSERA_SECRET_KEY, ...).
const tessera = await createTessera();
for (const warning of tessera.warnings) console.warn(`tessera: ${warning}`);

const app = Fastify();

// POST /api/token/, /api/token/refresh/, /api/token/verify/, /api/token/blacklist/,
// /accounts/register/. `await`, so that app.authenticate exists on the next line.
await app.register(tesseraPlugin, { tessera });

app.get('/protected/', { preHandler: app.authenticate }, async () => ({ content: 'This view is protected' }));
app.get('/hello/', { preHandler: app.authenticate }, async () => ({ message: 'Hello, World!' }));
app.get('/me/', { preHandler: app.authenticate }, async (request) => ({
  id: request.user.id,
  username: request.user.username,
  email: request.user.email,
}));

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8000);
await app.listen({ host, port });
console.log(`Listening on http://${host}:${port}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await app.close();
    await tessera.close();
  });
}
