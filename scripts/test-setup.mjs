#!/usr/bin/env node
/**
 * The set-up `npm test` does before it builds and runs the suites: everything they need from
 * outside node_modules is checked and, where this machine allows, started or installed.
 *
 * - `shared/reference` and `shared/vectors` beside the repository (test/parity, test/vectors, test/keys).
 * - PostgreSQL at `TESSERA_TEST_POSTGRES_URL` (default postgres://postgres@127.0.0.1:5432/test):
 *   started with pg_ctlcluster when it is installed here but stopped.
 * - Redis: the `redis-server` program (the Redis suites start their own on free ports) and the
 *   server on 127.0.0.1:6379, started when stopped.
 * - Chromium at /usr/bin/chromium (test/browser), the reference server's Debian packages, curl
 *   and openssl: installed with apt-get when missing.
 *
 * Anything it cannot fix (not root, no apt-get, a service not installed) is reported in one
 * message, with the command that fixes each item, before anything is changed; then it exits 1.
 * When everything is there it changes nothing and takes well under a second.
 *
 * `TEST_SETUP_POSTGRES_START`, `TEST_SETUP_REDIS_PORT`, `TEST_SETUP_REDIS_START` and
 * `TEST_SETUP_CHROMIUM` replace the commands, port and path, so that test/setup/ can take each
 * branch against private servers without touching the machine's own.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import net from 'node:net';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { missingOutsideFolder, OUTSIDE_FOLDERS } from './outside-folders.mjs';

const env = process.env;
const POSTGRES_URL = env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const POSTGRES_START = env.TEST_SETUP_POSTGRES_START ?? 'pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start';
const REDIS_PORT = Number(env.TEST_SETUP_REDIS_PORT ?? 6379);
const REDIS_START =
  env.TEST_SETUP_REDIS_START ??
  `redis-server --daemonize yes --bind 127.0.0.1 -::1 --port ${REDIS_PORT} --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log`;
const CHROMIUM = env.TEST_SETUP_CHROMIUM ?? '/usr/bin/chromium';
const IS_ROOT = process.getuid?.() === 0;
const SUDO = IS_ROOT ? '' : 'sudo ';

/** Whether `program` is an executable on PATH (or, with a slash, at that path). */
function installed(program) {
  const candidates = program.includes('/') ? [program] : (env.PATH ?? '').split(delimiter).map((dir) => join(dir, program));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The program a shell command runs first. */
const programOf = (command) => command.trim().split(/\s+/)[0];

/** 'up', 'down' (nothing listens), or the server's refusal as text. */
async function postgresState() {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return 'up';
  } catch (error) {
    return error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? 'down' : error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** 'up' when something answers PING on the Redis port, else 'down'. */
function redisState() {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: REDIS_PORT });
    const done = (state) => {
      socket.destroy();
      resolve(state);
    };
    socket.setTimeout(2000, () => done('down'));
    socket.on('error', () => done('down'));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', () => done('up'));
  });
}

/** The fix for a PostgreSQL that answers but refuses the tests' connection. */
function postgresRefusal(error) {
  const url = new URL(POSTGRES_URL);
  const database = url.pathname.slice(1);
  if (error.code === '3D000') {
    return `PostgreSQL has no database "${database}". Fix: createdb -h ${url.hostname} -p ${url.port || 5432} -U ${url.username || 'postgres'} ${database}`;
  }
  return (
    `PostgreSQL refused ${POSTGRES_URL} (${error.message}). Fix: trust local connections ` +
    `(pg_hba.conf: host all all 127.0.0.1/32 trust), or set TESSERA_TEST_POSTGRES_URL to a database the tests may use.`
  );
}

/** The Debian packages the suites need: what each is for, and how to tell it is there. */
const PACKAGES = [
  { packages: ['chromium'], purpose: `Chromium (${CHROMIUM}) for test/browser`, present: () => installed(CHROMIUM) },
  {
    // What ../shared/reference/start.sh installs on first use: installed here once, not by parallel suites.
    packages: ['python3-djangorestframework-simplejwt', 'python3-djangorestframework', 'python3-django', 'gunicorn'],
    purpose: "the reference server's Django packages for test/parity",
    present: () =>
      missingOutsideFolder('reference') !== undefined ||
      (installed('gunicorn') && spawnSync('/usr/bin/python3', ['-c', 'import rest_framework_simplejwt'], { stdio: 'ignore' }).status === 0),
  },
  { packages: ['curl'], purpose: "curl for the reference's start.sh", present: () => installed('curl') },
  { packages: ['openssl'], purpose: 'openssl for test/keys', present: () => installed('openssl') },
];

/** The entries of PACKAGES this machine lacks. */
const missingPackages = () => PACKAGES.filter((entry) => !entry.present());

/** PostgreSQL: up, or started when installed here and stopped. */
async function checkPostgres(plan) {
  const state = await postgresState();
  if (state === 'up') return;
  if (state !== 'down') return plan.problems.push(postgresRefusal(state));
  const local = ['127.0.0.1', 'localhost', '[::1]', ''].includes(new URL(POSTGRES_URL).hostname);
  const program = programOf(POSTGRES_START);
  if (!local)
    plan.problems.push(`PostgreSQL is not answering at ${POSTGRES_URL}. Fix: start it, or set TESSERA_TEST_POSTGRES_URL to one that runs.`);
  else if (!installed(program))
    plan.problems.push(
      `PostgreSQL is not running at ${POSTGRES_URL} and is not installed (no ${program}). Fix: ${SUDO}apt-get install -y postgresql`,
    );
  else if (!IS_ROOT) plan.problems.push(`PostgreSQL is installed but stopped, and only root can start it. Fix: sudo ${POSTGRES_START}`);
  else plan.actions.push({ done: 'started PostgreSQL', command: POSTGRES_START, ready: async () => (await postgresState()) === 'up' });
}

/** Redis: the program (the Redis suites start their own), and the server on its port. */
async function checkRedis(plan) {
  if (!installed('redis-server'))
    return plan.problems.push(
      `Redis is not installed (no redis-server; the Redis suites start their own). Fix: ${SUDO}apt-get install -y redis-server`,
    );
  if ((await redisState()) === 'up') return;
  if (!IS_ROOT)
    plan.problems.push(
      `Redis is installed but not running on 127.0.0.1:${REDIS_PORT}, and only root can start it. Fix: sudo ${REDIS_START}`,
    );
  else plan.actions.push({ done: 'started Redis', command: REDIS_START, ready: async () => (await redisState()) === 'up' });
}

/** Chromium and the other Debian packages: installed with apt-get when missing. */
function checkPackages(plan) {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const needs = `Not installed: ${missing.map((entry) => entry.purpose).join('; ')}`;
  const packages = missing.flatMap((entry) => entry.packages);
  const install = (sudo) => `${sudo}apt-get update && ${sudo}apt-get install -y ${packages.join(' ')}`;
  if (!IS_ROOT) plan.problems.push(`${needs}. Only root can install them. Fix: ${install('sudo ')}`);
  else if (!installed('apt-get'))
    plan.problems.push(`${needs}. This machine has no apt-get. Fix: install ${packages.join(', ')} with its package manager.`);
  else
    plan.actions.push({
      done: `installed ${packages.join(', ')}`,
      command: install(''),
      ready: async () => missingPackages().length === 0,
    });
}

/** Looks at everything first: the actions to take and the problems no action can fix. */
async function diagnose() {
  const plan = { problems: [], actions: [] };
  for (const name of Object.keys(OUTSIDE_FOLDERS)) {
    const missing = missingOutsideFolder(name);
    if (missing !== undefined) plan.problems.push(missing);
  }
  await checkPostgres(plan);
  await checkRedis(plan);
  checkPackages(plan);
  return plan;
}

/** Runs each action and waits until it took effect; the first that does not ends the set-up. */
async function perform(actions) {
  for (const { command, ready } of actions) {
    const ran = spawnSync('/bin/sh', ['-c', command], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (ran.status !== 0)
      return `npm test could not set up this machine: \`${command}\` failed (exit code ${ran.status}); its output is above.`;
    const deadline = Date.now() + 30_000;
    while (!(await ready())) {
      if (Date.now() > deadline)
        return `npm test could not set up this machine: \`${command}\` ran, but 30 s later it had not taken effect.`;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return undefined;
}

const { problems, actions } = await diagnose();
if (problems.length > 0) {
  console.error(`npm test cannot run on this machine yet; nothing was changed.\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  process.exit(1);
}
const failure = await perform(actions);
if (failure !== undefined) {
  console.error(failure);
  process.exit(1);
}
console.log(
  actions.length === 0
    ? 'test set-up: everything the suites need is here.'
    : `test set-up: ${actions.map((action) => action.done).join('; ')}.`,
);
