// The tutorials' API in your own Hono app (on Node.js, with @hono/node-server): token
// endpoints, registration, a protected view and a hello view. Run `npm run build` once in the
// repository, then:
//   TESSERA_SECRET_KEY=$(openssl rand -hex 32) node examples/hono/server.mjs
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createTessera } from 'tessera';
import { authenticate, tesseraRoutes } from 'tessera/hono';

// Settings come from TESSERA_* variables (TESSERA_DATABASE_URL, TESSERA_SECRET_KEY, ...).
const tessera = await createTessera();
for (const warning of tessera.warnings) console.warn(`tessera: ${warning}`);

const app = new Hono();

// POST /api/token/, /api/token/refresh/, /api/token/verify/, /api/token/blacklist/,
// /accounts/register/.
app.route('/', tesseraRoutes(tessera));

const auth = authenticate(tessera);
app.get('/protected/', auth, (c) => c.json({ content: 'This view is protected' }));
app.get('/hello/', auth, (c) => c.json({ message: 'Hello, World!' }));
app.get('/me/', auth, (c) => {
  const user = c.get('user');
  return c.json({ id: user.id, username: user.username, email: user.email });
});

const hostname = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8000);
const server = serve({ fetch: app.fetch, hostname, port }, () => console.log(`Listening on http://${hostname}:${port}`));

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => server.close(() => tessera.close()));
}
