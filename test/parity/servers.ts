/**
 * Starting and stopping the two servers the parity suite compares: the reference Django server
 * (`../shared/reference/start.sh` beside the repository) and Tessera (`node dist/cli/main.js serve`), on free
 * loopback ports, with one shared signing secret, in default or rotation mode.
 *
 * With `PARITY_SELF_CHECK=1` the "Tessera" slot is a second reference instance: the harness
 * then proves that its normalisation makes two equivalent servers compare equal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireOutsideFolder } from '../../scripts/outside-folders.mjs';
import { client, type HttpClient } from './http-client.js';

export { client, jsonRequest } from './http-client.js';
export type { HttpClient, RawRequest, RawResponse, HeaderList } from './http-client.js';

/** `default`: simplejwt's defaults. `rotate`: ROTATE_REFRESH_TOKENS + BLACKLIST_AFTER_ROTATION. */
export type ServerMode = 'default' | 'rotate';

export type ServerKind = 'reference' | 'tessera';

/** How to start one server. Both servers of a pair get the same values. */
export interface ServerOptions {
  /** SECRET_KEY / SIGNING_KEY (reference) and TESSERA_SECRET_KEY. */
  readonly secret: string;
  readonly mode: ServerMode;
  /** ACCESS_TOKEN_LIFETIME in seconds; both default to 300. */
  readonly accessLifetimeSeconds?: number;
  /** Reference only: gunicorn sync workers (start.sh's default is 2). */
  readonly referenceWorkers?: number;
  /**
   * Tessera only: extra `TESSERA_...` settings for `serve` (e.g. a throttle rate). Ignored in
   * self-check mode, where both servers are references.
   */
  readonly tesseraEnv?: Readonly<Record<string, string>>;
}

/** A started server. */
export interface RunningServer {
  readonly kind: ServerKind;
  /** Names the server in failure messages: `reference`, `tessera`, `reference#2`. */
  readonly label: string;
  readonly baseUrl: string;
  readonly port: number;
  readonly client: HttpClient;
  /** The tail of the server's own log, for failure messages. */
  log(): string;
  /** Stops the server and every process it started; safe to call twice. */
  stop(): Promise<void>;
}

/** The superuser both servers are created with (start.sh / `createsuperuser`). */
export const SUPERUSER = {
  id: 1,
  username: 'kyoko',
  email: 'kyoko@example.com',
  password: 'contrasenasegura',
} as const;

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TESSERA_CLI = path.join(REPO_ROOT, 'dist/cli/main.js');
/**
 * The reference's start script. Checked when a parity file imports this module, so a missing
 * `../shared/reference` fails each file at once with one message naming the folder.
 */
export const REFERENCE_START = path.join(requireOutsideFolder('reference'), 'start.sh');

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const START_ATTEMPTS = 3;
const LOG_TAIL_CHARS = 4_000;

/** Whether `PARITY_SELF_CHECK=1` asks for reference-vs-reference. */
export function isSelfCheck(): boolean {
  return process.env.PARITY_SELF_CHECK === '1';
}

/** A fresh random signing secret (64 bytes of text: long enough for any HS* key rule). */
export function newSecret(): string {
  return `parity-${randomBytes(28).toString('hex')}`;
}

/** A loopback port that was free a moment ago: bind :0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      if (address === null || typeof address === 'string') {
        probe.close();
        reject(new Error('could not read the probe port'));
        return;
      }
      probe.close(() => resolve(address.port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function tail(text: string): string {
  return text.length > LOG_TAIL_CHARS ? `...${text.slice(-LOG_TAIL_CHARS)}` : text;
}

/**
 * A server that did not come up. `portTaken` marks the one failure worth another attempt:
 * another process bound the port between our probe and the server's own bind.
 */
class StartFailure extends Error {
  readonly portTaken: boolean;
  constructor(message: string, portTaken: boolean) {
    super(message);
    this.name = 'StartFailure';
    this.portTaken = portTaken;
  }
}

const PORT_TAKEN = /EADDRINUSE|Address already in use|Connection in use/;

function readTextOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/** The environment a child server gets: ours, minus any stray TESSERA_... and REF_... settings. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('TESSERA_') && !key.startsWith('REF_')) env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * Settings every Tessera server of the run gets on top of the pair's own: `PARITY_TESSERA_ENV`,
 * a JSON object of TESSERA_* variables. It runs the unchanged suite with an optional feature on
 * (`PARITY_TESSERA_ENV='{"TESSERA_JWT_AUTH_COOKIE":"access","TESSERA_JWT_AUTH_REFRESH_COOKIE":"refresh"}'`:
 * cookie mode must not change what a simplejwt client sees).
 */
const PARITY_TESSERA_ENV = 'PARITY_TESSERA_ENV';

function parityExtraEnv(): Record<string, string> {
  const text = process.env[PARITY_TESSERA_ENV];
  if (text === undefined || text === '') return {};
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Object.values(parsed).some((value) => typeof value !== 'string')) {
    throw new Error('PARITY_TESSERA_ENV must be a JSON object of strings');
  }
  return parsed as Record<string, string>;
}

/** Whether anything answers HTTP at `baseUrl` (any status counts). */
async function answers(api: HttpClient): Promise<boolean> {
  try {
    await api.send({ method: 'GET', path: '/hello/' });
    return true;
  } catch {
    return false;
  }
}

interface ExitResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/** Runs a command to completion, collecting stdout and stderr together. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ExitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Process-group bookkeeping for the reference. start.sh runs gunicorn under setsid, so the
// master leads its own process group and its workers are in it; the master is not our child,
// so we can only watch it through /proc.

interface ProcState {
  readonly pid: number;
  readonly state: string;
  readonly pgrp: number;
}

function readProcStat(pid: number): ProcState | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself contain spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0] ?? '?', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** Live (non-zombie) processes in process group `pgid`. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') members.push(stat.pid);
  }
  return members;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
}

async function stopGroup(pgid: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (groupMembers(pgid).length > 0) {
    if (Date.now() > deadline) {
      signalGroup(pgid, 'SIGKILL');
      await sleep(200);
      if (groupMembers(pgid).length > 0) throw new Error(`reference process group ${pgid} survived SIGKILL`);
      return;
    }
    await sleep(50);
  }
}

/**
 * Reference process groups still running. If a test worker dies without running `afterAll`,
 * its `exit` handler still takes them down: they run under setsid and would outlive us.
 */
const liveReferenceGroups = new Set<number>();
let exitHookInstalled = false;
function trackReferenceGroup(pgid: number): void {
  liveReferenceGroups.add(pgid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const group of liveReferenceGroups) signalGroup(group, 'SIGKILL');
  });
}

/** The state directory start.sh made (from gunicorn's `-p DIR/pid` argument). */
function referenceStateDir(pid: number): string | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const pidFile = args[args.indexOf('-p') + 1];
    return pidFile ? path.dirname(pidFile) : undefined;
  } catch {
    return undefined;
  }
}

async function startReferenceOnce(options: ServerOptions, label: string): Promise<RunningServer> {
  const port = await freePort();
  const env = cleanEnv({
    REF_SECRET_KEY: options.secret,
    REF_ACCESS_S: String(options.accessLifetimeSeconds ?? 300),
    REF_REFRESH_S: '86400',
    REF_WORKERS: String(options.referenceWorkers ?? 2),
  });
  const args = [REFERENCE_START, String(port), ...(options.mode === 'rotate' ? ['--rotate'] : [])];
  // The first start on a fresh machine installs Debian packages, hence the long timeout.
  const started = await run('bash', args, env, 600_000);
  const pid = Number(started.output.trim().split('\n').pop());
  if (started.code !== 0 || !Number.isInteger(pid) || pid <= 1) {
    throw new Error(`${label}: start.sh ${port} failed (code ${started.code}):\n${tail(started.output)}`);
  }
  trackReferenceGroup(pid);
  const stateDir = referenceStateDir(pid);
  const logFile = stateDir ? path.join(stateDir, 'log') : undefined;
  const log = (): string => tail(logFile ? readTextOr(logFile, '(no log)') : '(log not found)');
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopGroup(pid);
    liveReferenceGroups.delete(pid);
    if (stateDir && path.basename(stateDir).startsWith('reference-')) rmSync(stateDir, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const api = client(baseUrl);
  // Another server may have taken the port between our probe and gunicorn's bind; then the
  // master never logs "Listening at" our port, and something else would answer. Wait for both.
  const listening = `Listening at: ${baseUrl}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const alive = groupMembers(pid).includes(pid);
    if (alive && log().includes(listening) && (await answers(api))) break;
    if (!alive || Date.now() > deadline) {
      const why = alive ? 'did not become ready' : 'exited';
      const logText = log();
      await stop();
      throw new StartFailure(`${label} (gunicorn ${pid}, port ${port}) ${why}:\n${logText}`, PORT_TAKEN.test(logText));
    }
    await sleep(100);
  }
  return { kind: 'reference', label, baseUrl, port, client: api, log, stop };
}

/** Runs `start` again (on a new port) only while the failure is a lost port race. */
async function withPortRetries(label: string, start: () => Promise<RunningServer>): Promise<RunningServer> {
  const failures: string[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
      if (!(error instanceof StartFailure && error.portTaken) || attempt >= START_ATTEMPTS) {
        throw new Error(`${label} could not start:\n${failures.join('\n---\n')}`);
      }
    }
  }
}

/**
 * Starts the reference Django server (fresh database, superuser kyoko) and waits until it
 * answers. Retries on another port if the chosen one was taken meanwhile.
 */
export function startReference(options: ServerOptions, label = 'reference'): Promise<RunningServer> {
  return withPortRetries(label, () => startReferenceOnce(options, label));
}

/** A migrated Tessera database with the superuser, in its own temporary directory. */
interface TesseraDatabase {
  readonly dir: string;
  readonly env: Readonly<Record<string, string>>;
}

async function prepareTesseraDatabase(options: ServerOptions, label: string): Promise<TesseraDatabase> {
  if (!existsSync(TESSERA_CLI)) {
    throw new Error(`${label}: ${TESSERA_CLI} does not exist; build first (npm test runs the build)`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-parity-'));
  const env = {
    TESSERA_SECRET_KEY: options.secret,
    TESSERA_DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite3')}`,
  };
  const steps: Array<{ args: string[]; env: Record<string, string> }> = [
    { args: ['migrate'], env },
    {
      args: ['createsuperuser', '--username', SUPERUSER.username, '--email', SUPERUSER.email, '--no-input'],
      env: { ...env, TESSERA_SUPERUSER_PASSWORD: SUPERUSER.password },
    },
  ];
  for (const step of steps) {
    const result = await run(process.execPath, [TESSERA_CLI, ...step.args], cleanEnv(step.env), 60_000);
    if (result.code !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(
        `${label}: \`tessera ${step.args[0]}\` failed (code ${result.code}, signal ${result.signal}):\n${tail(result.output)}`,
      );
    }
  }
  return { dir, env };
}

async function serveTesseraOnce(options: ServerOptions, database: TesseraDatabase, label: string): Promise<RunningServer> {
  const port = await freePort();
  const serveEnv: Record<string, string> = { ...parityExtraEnv(), ...options.tesseraEnv, ...database.env };
  if (options.mode === 'rotate') {
    serveEnv.TESSERA_ROTATE_REFRESH_TOKENS = 'true';
    serveEnv.TESSERA_BLACKLIST_AFTER_ROTATION = 'true';
  }
  if (options.accessLifetimeSeconds !== undefined) serveEnv.TESSERA_ACCESS_TOKEN_LIFETIME = String(options.accessLifetimeSeconds);
  const child: ChildProcess = spawn(process.execPath, [TESSERA_CLI, 'serve', '--host', '127.0.0.1', '--port', String(port)], {
    env: cleanEnv(serveEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = tail(output + chunk.toString('utf8'));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.on('exit', () => {
      exited = true;
      resolve();
    });
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exitedPromise;
      clearTimeout(killer);
    }
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const api = client(baseUrl);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    // A server that died on EADDRINUSE must not be mistaken for ready: someone else answers.
    if (!exited && (await answers(api)) && !exited) break;
    if (exited || Date.now() > deadline) {
      const why = exited ? `exited (code ${child.exitCode}, signal ${child.signalCode})` : 'did not become ready';
      await stop();
      throw new StartFailure(`${label} (port ${port}) ${why}:\n${output}`, PORT_TAKEN.test(output));
    }
    await sleep(100);
  }
  return { kind: 'tessera', label, baseUrl, port, client: api, log: () => output, stop };
}

/**
 * Migrates a fresh SQLite database, creates the superuser kyoko, then serves Tessera and waits
 * until it answers. Fails (never skips) when the CLI is not built or the server cannot start.
 */
export async function startTessera(options: ServerOptions, label = 'tessera'): Promise<RunningServer> {
  const database = await prepareTesseraDatabase(options, label);
  try {
    const server = await withPortRetries(label, () => serveTesseraOnce(options, database, label));
    return {
      ...server,
      async stop() {
        await server.stop();
        rmSync(database.dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(database.dir, { recursive: true, force: true });
    throw error;
  }
}

/** The two servers one parity file compares. */
export interface ServerPair {
  readonly reference: RunningServer;
  /** Tessera, or a second reference instance in self-check mode. */
  readonly tessera: RunningServer;
  readonly secret: string;
  readonly mode: ServerMode;
  /** True when `tessera` is really a second reference (PARITY_SELF_CHECK=1). */
  readonly selfCheck: boolean;
  stop(): Promise<void>;
}

/**
 * Starts the reference and Tessera (or two references in self-check mode) with one fresh
 * shared secret. If either fails, the other is stopped before the error propagates.
 */
export async function startPair(mode: ServerMode, extra: Omit<ServerOptions, 'secret' | 'mode'> = {}): Promise<ServerPair> {
  const options: ServerOptions = { ...extra, secret: newSecret(), mode };
  const selfCheck = isSelfCheck();
  const [reference, tessera] = await Promise.allSettled([
    startReference(options),
    selfCheck ? startReference(options, 'reference#2') : startTessera(options),
  ]);
  if (reference.status === 'rejected' || tessera.status === 'rejected') {
    if (reference.status === 'fulfilled') await reference.value.stop();
    if (tessera.status === 'fulfilled') await tessera.value.stop();
    const reasons = [reference, tessera].flatMap((r) =>
      r.status === 'rejected' ? [String(r.reason instanceof Error ? r.reason.message : r.reason)] : [],
    );
    throw new Error(`parity servers (${mode} mode) could not start:\n${reasons.join('\n')}`);
  }
  return {
    reference: reference.value,
    tessera: tessera.value,
    secret: options.secret,
    mode,
    selfCheck,
    async stop() {
      await Promise.all([reference.value.stop(), tessera.value.stop()]);
    },
  };
}
