#!/usr/bin/env node
/**
 * CPU per request without HTTP: Tessera's framework-neutral dispatcher called in a loop for
 * GET /protected/ (and the authentication and signature steps alone). The figures quoted in
 * docs/decisions.md D7 come from this: `npm run build && node bench/dispatch-loop.mjs`.
 */
import { createTessera, hashPassword } from '../dist/index.js';
import { authenticateHeader } from '../dist/auth/authenticate-request.js';
// The wiring is internal to the package; a benchmark of the steps behind it may reach it.
import { contextOf } from '../dist/app/tessera-context.js';

const tessera = await createTessera({
  configFile: false,
  env: { TESSERA_SECRET_KEY: 'dispatch-loop-Q3Jx9-Lw2vTz8Hk4Nf7Rb1Yc6Md0Pa5Se', TESSERA_DATABASE_URL: 'sqlite::memory:' },
});
await tessera.store.createUser({ username: 'kyoko', password: await hashPassword('contrasenasegura') });
const dispatch = tessera.dispatcher({ demoViews: true }, (error) => console.error(error));
const body = Buffer.from('{"username":"kyoko","password":"contrasenasegura"}');
const login = await dispatch({
  method: 'POST',
  path: '/api/token/',
  headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
  body,
});
const { access } = JSON.parse(login.body);
const request = { method: 'GET', path: '/protected/', headers: { authorization: `Bearer ${access}` }, body: Buffer.alloc(0) };

async function time(label, n, step) {
  for (let i = 0; i < n / 5; i++) await step();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await step();
  console.log(`${label}: ${(Number(process.hrtime.bigint() - start) / n / 1000).toFixed(2)} µs per call`);
}
await time('dispatch GET /protected/', 100_000, () => dispatch(request));
const context = contextOf(tessera);
await time('authenticateHeader (cached token)', 100_000, () => authenticateHeader(context, request.headers.authorization));
await time('verifySignature (no cache)', 100_000, () => context.codec.verifySignature(access));
await tessera.close();
