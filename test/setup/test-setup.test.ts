/**
 * scripts/test-setup.mjs, the set-up `npm test` runs first, taken down each branch for real:
 * private redis-server and PostgreSQL clusters on free ports stand in for stopped services (the
 * machine's own are never stopped), a PATH without the programs for "not installed", the user
 * `nobody` for "not root", and an apt-get on PATH that records what it was asked for.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { OutsideFolderMissing, requireOutsideFolder } from '../../scripts/outside-folders.mjs';

const SCRIPT = new URL('../../scripts/test-setup.mjs', import.meta.url).pathname;
const REPO = new URL('../..', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'tessera-test-setup-'));
chmodSync(scratch, 0o755);
const cleanups: Array<() => void> = [];

afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

/** A fresh folder under the scratch folder. */
function folder(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs the set-up with these variables over the test's own environment, as root or as `nobody`. */
function setup(vars: Record<string, string>, user?: string): SpawnSyncReturns<string> {
  const env = { ...process.env, ...vars };
  const command = user === undefined ? [process.execPath, SCRIPT] : ['runuser', '-u', user, '--', process.execPath, SCRIPT];
  return spawnSync(command[0]!, command.slice(1), { env, encoding: 'utf8', timeout: 120_000 });
}

/** A loopback port nothing listened on a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Whether anything answers on a loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('connect', () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });
}

/** A PostgreSQL cluster of its own, initialised but not started, owned by the postgres user. */
function privateCluster(port: number): { dir: string; pgCtl: string } {
  const bin = join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql')[0]!, 'bin');
  const dir = folder(`pg-${port}`);
  const postgres = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  chownSync(dir, Number(postgres.stdout.trim()), 0);
  const init = spawnSync(
    'runuser',
    ['-u', 'postgres', '--', join(bin, 'initdb'), '-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust'],
    { encoding: 'utf8' },
  );
  expect(init.status, init.stderr).toBe(0);
  const pgCtl = `runuser -u postgres -- ${join(bin, 'pg_ctl')} -D ${join(dir, 'data')}`;
  cleanups.push(() => spawnSync('/bin/sh', ['-c', `${pgCtl} stop -m immediate`], { stdio: 'ignore' }));
  return { dir, pgCtl };
}

/** A folder to put first on PATH, holding the given executable shell scripts. */
function shims(name: string, scripts: Record<string, string>): string {
  const dir = folder(name);
  for (const [program, body] of Object.entries(scripts)) writeFileSync(join(dir, program), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return dir;
}

/** Every message starts with this line, once. */
const HEADER = 'npm test cannot run on this machine yet; nothing was changed.';

describe('npm test set-up (scripts/test-setup.mjs)', () => {
  it('changes nothing and says so when everything is there', () => {
    const marker = join(scratch, 'started');
    const run = setup({ TEST_SETUP_POSTGRES_START: `touch ${marker}`, TEST_SETUP_REDIS_START: `touch ${marker}` });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('everything the suites need is here');
    expect(existsSync(marker)).toBe(false);
  });

  it('starts a stopped Redis, then leaves it alone on the next run', async () => {
    const port = await freePort();
    const dir = folder(`redis-${port}`);
    const start = `redis-server --daemonize yes --bind 127.0.0.1 --port ${port} --save "" --appendonly no --dir ${dir} --logfile ${dir}/log --pidfile ${dir}/pid`;
    cleanups.push(() => {
      if (existsSync(`${dir}/pid`)) process.kill(Number(readFileSync(`${dir}/pid`, 'utf8')), 'SIGKILL');
    });
    expect(await listening(port)).toBe(false);

    const first = setup({ TEST_SETUP_REDIS_PORT: String(port), TEST_SETUP_REDIS_START: start });
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('started Redis');
    expect(first.status).toBe(0);
    expect(await listening(port)).toBe(true);

    // Started a second time, this redis-server would fail on the taken port and so the set-up.
    const second = setup({ TEST_SETUP_REDIS_PORT: String(port), TEST_SETUP_REDIS_START: start });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('everything the suites need is here');
  });

  it('starts a stopped PostgreSQL, then names the missing database and the command that creates it', async () => {
    const port = await freePort();
    const { dir, pgCtl } = privateCluster(port);
    const start = `${pgCtl} -o "-p ${port} -k ${dir}" -l ${dir}/log start`;

    const run = setup({ TESSERA_TEST_POSTGRES_URL: `postgres://postgres@127.0.0.1:${port}/postgres`, TEST_SETUP_POSTGRES_START: start });
    expect(run.stdout).toContain('started PostgreSQL');
    expect(run.status).toBe(0);
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await client.connect();
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await client.end();

    const missing = setup({ TESSERA_TEST_POSTGRES_URL: `postgres://postgres@127.0.0.1:${port}/test`, TEST_SETUP_POSTGRES_START: start });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(
      `${HEADER}\n  - PostgreSQL has no database "test". Fix: createdb -h 127.0.0.1 -p ${port} -U postgres test\n`,
    );
  });

  it('stops with one message naming each missing program and its install command', async () => {
    const [postgresPort, redisPort] = [await freePort(), await freePort()];
    const run = setup({
      PATH: shims('bare-path', {}),
      TESSERA_TEST_POSTGRES_URL: `postgres://postgres@127.0.0.1:${postgresPort}/test`,
      TEST_SETUP_REDIS_PORT: String(redisPort),
      TEST_SETUP_CHROMIUM: join(scratch, 'no-chromium'),
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines.slice(1)).toEqual([
      `  - PostgreSQL is not running at postgres://postgres@127.0.0.1:${postgresPort}/test and is not installed (no pg_ctlcluster). Fix: apt-get install -y postgresql`,
      '  - Redis is not installed (no redis-server; the Redis suites start their own). Fix: apt-get install -y redis-server',
      `  - Not installed: Chromium (${join(scratch, 'no-chromium')}) for test/browser; the reference server's Django packages for test/parity; ` +
        "curl for the reference's start.sh; openssl for test/keys. This machine has no apt-get. " +
        'Fix: install chromium, python3-djangorestframework-simplejwt, python3-djangorestframework, python3-django, gunicorn, curl, openssl with its package manager.',
    ]);
  });

  it('as another user than root, starts and installs nothing and gives the commands to run as root', async () => {
    const [postgresPort, redisPort] = [await freePort(), await freePort()];
    const run = setup(
      {
        TESSERA_TEST_POSTGRES_URL: `postgres://postgres@127.0.0.1:${postgresPort}/test`,
        TEST_SETUP_REDIS_PORT: String(redisPort),
        TEST_SETUP_CHROMIUM: join(scratch, 'no-chromium'),
      },
      'nobody',
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `${HEADER}\n` +
        '  - PostgreSQL is installed but stopped, and only root can start it. Fix: sudo pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start\n' +
        `  - Redis is installed but not running on 127.0.0.1:${redisPort}, and only root can start it. Fix: sudo redis-server --daemonize yes --bind 127.0.0.1 -::1 --port ${redisPort} --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log\n` +
        `  - Not installed: Chromium (${join(scratch, 'no-chromium')}) for test/browser. Only root can install them. Fix: sudo apt-get update && sudo apt-get install -y chromium\n`,
    );
    expect(await listening(postgresPort)).toBe(false);
    expect(await listening(redisPort)).toBe(false);
  });

  it('installs a missing Chromium with apt-get update, then apt-get install', () => {
    const chromium = join(scratch, 'installed-chromium');
    const calls = join(scratch, 'apt-calls');
    const bin = shims('apt-ok', {
      'apt-get': `echo "$*" >> ${calls}\n[ "$1" = install ] && printf '#!/bin/sh\\n' > ${chromium} && chmod +x ${chromium}\nexit 0`,
    });
    const run = setup({ PATH: `${bin}:${process.env.PATH}`, TEST_SETUP_CHROMIUM: chromium });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('test set-up: installed chromium.');
    expect(run.status).toBe(0);
    expect(readFileSync(calls, 'utf8')).toBe('update\ninstall -y chromium\n');
  });

  it("installs the reference server's packages and curl in the same apt-get install", () => {
    const calls = join(scratch, 'apt-calls-reference');
    const bin = folder('apt-reference');
    for (const program of ['redis-server', 'openssl'])
      symlinkSync(spawnSync('/bin/sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).stdout.trim(), join(bin, program));
    const installs = `for p in gunicorn curl; do printf '#!/bin/sh\\n' > ${bin}/$p; /bin/chmod +x ${bin}/$p; done`;
    shims('apt-reference', { 'apt-get': `echo "$*" >> ${calls}\n[ "$1" = install ] && ${installs}\nexit 0` });
    const run = setup({ PATH: bin });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const packages = 'python3-djangorestframework-simplejwt python3-djangorestframework python3-django gunicorn curl';
    expect(run.stdout).toContain(`test set-up: installed ${packages.replaceAll(' ', ', ')}.`);
    expect(readFileSync(calls, 'utf8')).toBe(`update\ninstall -y ${packages}\n`);
  });

  it('stops with the failed command when an install fails', () => {
    const bin = shims('apt-broken', { 'apt-get': 'echo "E: Unable to locate package chromium" >&2\nexit 100' });
    const run = setup({ PATH: `${bin}:${process.env.PATH}`, TEST_SETUP_CHROMIUM: join(scratch, 'never-installed') });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('E: Unable to locate package chromium');
    expect(run.stderr).toContain(
      'npm test could not set up this machine: `apt-get update && apt-get install -y chromium` failed (exit code 100); its output is above.',
    );
  });

  it('names a missing shared folder before anything else happens', () => {
    const empty = folder('no-vectors');
    const run = setup({ TESSERA_VECTORS_DIR: empty });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `${HEADER}\n  - The JOSE test vectors (used by test/vectors and test/keys) not found: ${empty} has no wycheproof or jose-cookbook. ` +
        `Fix: put the project's shared/ folder beside the repository, or set TESSERA_VECTORS_DIR to a copy of this folder.\n`,
    );
  });
});

describe('suites that need a folder outside the repository', () => {
  it('fail with the folder and no stack trace', () => {
    const empty = folder('no-vectors-either');
    let thrown: unknown;
    try {
      requireOutsideFolder('vectors', { TESSERA_VECTORS_DIR: empty });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OutsideFolderMissing);
    expect((thrown as Error).stack).toBe(`OutsideFolderMissing: ${(thrown as Error).message}`);
    expect((thrown as Error).message).toContain(`${empty} has no wycheproof or jose-cookbook`);
  });

  it('report it once per file in a real vitest run, before any test runs', () => {
    const empty = folder('no-vectors-for-vitest');
    const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/vectors/wycheproof-jwk.test.ts'], {
      cwd: REPO,
      env: { ...process.env, TESSERA_VECTORS_DIR: empty, NO_COLOR: '1', FORCE_COLOR: '0' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const output = run.stdout + run.stderr;
    expect(run.status).toBe(1);
    expect(output).toContain(
      `OutsideFolderMissing: The JOSE test vectors (used by test/vectors and test/keys) not found: ${empty} has no wycheproof or jose-cookbook.`,
    );
    expect(output).not.toMatch(/❯ .*support\/vectors\.ts/);
    expect(output).toMatch(/Tests\s+no tests/);
  });
});
