#!/usr/bin/env node
/**
 * The figures of docs/security.md "Abuse (issue 12)", measured against `tessera serve` with
 * default settings (built CLI, SQLite in a temporary directory, clients on 127.0.0.x):
 *   1. RSS before and after 200 failed logins with distinct 900 KB usernames;
 *   2. how long a request with a stalled body (Content-Length: 100, ten bytes sent) stays open;
 *   3. a valid login's latency from one address, idle, right behind a burst of 400 bad logins from
 *      another address (3a), and while another address keeps 400 logins in flight (3b).
 * Run: `npm run build && node bench/abuse-figures.mjs` (about a minute; 2 uses REQUEST_TIMEOUT's
 * default of 30 s).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tessera-abuse-'));
const env = {
  ...process.env,
  TESSERA_SECRET_KEY: 'abuse-figures-secret-0123456789abcdef-0123456789',
  TESSERA_DATABASE_URL: `sqlite:${join(dir, 'db.sqlite3')}`,
};
execFileSync(process.execPath, [CLI, 'migrate'], { env });
execFileSync(process.execPath, [CLI, 'createsuperuser', '--username', 'kyoko', '--email', 'k@example.com', '--no-input'], {
  env: { ...env, TESSERA_SUPERUSER_PASSWORD: 'contrasenasegura' },
});
const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const server = spawn(process.execPath, [CLI, 'serve', '--port', String(port)], { env, stdio: 'ignore' });
const pause = (ms) => new Promise((wake) => setTimeout(wake, ms));
for (let i = 0; i < 100; i++) {
  try {
    await fetch(`http://127.0.0.1:${port}/hello/`);
    break;
  } catch {
    await pause(100);
  }
}
const rssMb = () => (Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024).toFixed(0);

function login(from, username, password) {
  const body = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/token/',
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode, ms: performance.now() - started }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];

// 1. Memory: RSS after each round of 200 failed logins with distinct 900 KB usernames.
await login('127.0.0.2', 'warm-up', 'wrong');
const rounds = [rssMb()];
for (let round = 0; round < 3; round++) {
  for (let batch = 0; batch < 20; batch++) {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => login(`127.0.0.${10 + i}`, `${round}-${batch}-${i}-${'u'.repeat(900 * 1024)}`, 'wrong')),
    );
  }
  rounds.push(rssMb());
}
console.log(
  `1. RSS: ${rounds[0]} MB before; after each of three rounds of 200 failed logins with distinct 900 KB usernames (540 MB of names in all): ${rounds.slice(1).join(', ')} MB`,
);

// 2. Stalled body.
const stalledFor = await new Promise((resolve) => {
  const started = performance.now();
  const socket = connect({ port, host: '127.0.0.1' }, () =>
    socket.write('POST /api/token/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"username"'),
  );
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk));
  socket.on('error', () => undefined);
  socket.on('close', () => resolve(`${((performance.now() - started) / 1000).toFixed(1)} s (${answer.split('\r\n')[0]})`));
});
console.log(`2. a stalled body was closed after ${stalledFor}`);

// 3. Login latency, idle and under a flood from another address.
const idle = [];
for (let i = 0; i < 7; i++) idle.push((await login('127.0.0.3', 'kyoko', 'contrasenasegura')).ms);
// 3a. The case: 400 bad logins from one address arrive at once; a valid login from
// another address right behind them.
const behindBurst = [];
for (let i = 0; i < 5; i++) {
  const burst = Promise.all(Array.from({ length: 400 }, (_, n) => login('127.0.0.5', `burst-${i}-${n}`, 'wrong')));
  await pause(50);
  behindBurst.push((await login('127.0.0.3', 'kyoko', 'contrasenasegura')).ms);
  await burst;
}
console.log(
  `3a. valid login from 127.0.0.3 sent 50 ms after 400 concurrent bad logins from 127.0.0.5: median ${median(behindBurst).toFixed(0)} ms (idle ${median([...idle]).toFixed(0)} ms)`,
);
// 3c. The same burst, and a request that needs no password at all (GET /hello/ without a token):
// how long the burst's own HTTP work holds the event loop.
const hello = (from) =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const outgoing = request({ host: '127.0.0.1', port, path: '/hello/', method: 'GET', localAddress: from, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(performance.now() - started));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
const helloBehindBurst = [];
for (let i = 0; i < 5; i++) {
  const burst = Promise.all(Array.from({ length: 400 }, (_, n) => login('127.0.0.6', `hello-burst-${i}-${n}`, 'wrong')));
  await pause(50);
  helloBehindBurst.push(await hello('127.0.0.3'));
  await burst;
}
console.log(`3c. GET /hello/ (no password work) sent 50 ms after the same burst: median ${median(helloBehindBurst).toFixed(0)} ms`);
let flooding = true;
const statuses = {};
const flood = Promise.all(
  Array.from({ length: 400 }, async (_, n) => {
    for (let i = 0; flooding; i++) {
      const { status } = await login('127.0.0.4', `flood-${n}-${i}`, 'wrong');
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== 401) await pause(50);
    }
  }),
);
await pause(1000);
const loaded = [];
for (let i = 0; i < 7; i++) loaded.push((await login('127.0.0.3', 'kyoko', 'contrasenasegura')).ms);
flooding = false;
await flood;
console.log(
  `3b. valid login from 127.0.0.3: median ${median(idle).toFixed(0)} ms idle, ${median(loaded).toFixed(0)} ms (max ${Math.max(...loaded).toFixed(0)} ms) while 127.0.0.4 floods with 400 concurrent logins (its answers: ${JSON.stringify(statuses)})`,
);
server.kill('SIGTERM');
