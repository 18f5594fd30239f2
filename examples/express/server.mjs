// The tutorials' API in your own Express 5 app: token endpoints, registration, a protected view
// and a hello view. Run `npm run build` once in the repository, then:
//   TESSERA_SECRET_KEY=$(openssl rand -hex 32) node examples/express/server.mjs
import express from 'express';
import { createTessera } from 'tessera';
import { authenticate, tesseraRouter } from 'tessera/express';

// Settings come from TESSERA_* variables (TESSERA_DATABASE_URL, TESSERA_SECRET_KEY, ...).
const tessera = await createTessera();
for (const warning of tessera.warnings) console.warn(`tessera: ${warning}`);

const app = express();

// POST /api/token/, /api/token/refresh/, /api/token/verify/, /api/token/blacklist/,
// /accounts/register/. Before any body parser: Tessera reads its bodies itself.
app.use(tesseraRouter(tessera));
app.use(express.json());

const auth = authenticate(tessera);
app.get('/protected/', auth, (req, res) => res.json({ content: 'This view is protected' }));
app.get('/hello/', auth, (req, res) => res.json({ message: 'Hello, World!' }));
app.get('/me/', auth, (req, res) => res.json({ id: req.user.id, username: req.user.username, email: req.user.email }));

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8000);
const server = app.listen(port, host, () => console.log(`Listening on http://${host}:${port}`));

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => server.close(() => tessera.close()));
}
