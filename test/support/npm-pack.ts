/**
 * The package as users get it, for the tests that install it: `npm pack` of what `npm run build`
 * last built, nested npm runs that do not install into this repository, and the repository's
 * TypeScript compiler run on a consumer project.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '../..');
const NPM_CLI = process.env.npm_execpath;

/**
 * The environment for nested npm and node runs, without what `npm test` exports to its scripts:
 * `npm_config_local_prefix` there would make `npm install` install into this repository.
 */
export function cleanEnv(): NodeJS.ProcessEnv {
  const keep = new Set([
    'npm_config_cache',
    'npm_config_userconfig',
    'npm_config_globalconfig',
    'npm_config_cafile',
    'npm_config_registry',
  ]);
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) || keep.has(name.toLowerCase())));
}

function runNpm(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  // The npm that runs `npm test` when there is one, else the one on PATH.
  const [command, prefix] = NPM_CLI !== undefined && NPM_CLI.endsWith('.js') ? [process.execPath, [NPM_CLI]] : ['npm', []];
  return run(command, [...prefix, ...args], { cwd, env: cleanEnv(), timeout: 110_000, maxBuffer: 16 * 1024 * 1024 });
}

export async function npm(args: string[], cwd: string): Promise<string> {
  return (await runNpm(args, cwd)).stdout;
}

/** npm's stdout and stderr (its warnings go to stderr). */
export async function npmOutput(args: string[], cwd: string): Promise<string> {
  const { stdout, stderr } = await runNpm(args, cwd);
  return `${stdout}${stderr}`;
}

/** Packs the built package into `destination`; returns the tarball's path. Fails when dist/ is missing. */
export async function packTarball(destination: string): Promise<string> {
  if (!existsSync(join(ROOT, 'dist/adapters/express/index.js')))
    throw new Error('dist/ is not built: run `npm run build` first (`npm test` does)');
  // The build is the test run's; scripts would rebuild (prepack) or do nothing useful.
  const packed = JSON.parse(await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', destination], ROOT)) as {
    filename: string;
  }[];
  return join(destination, packed[0]?.filename ?? 'missing.tgz');
}

/** Installs `packages` into `project` (the npm cache first: the versions the lockfile already fetched). */
export async function npmInstall(project: string, packages: string[]): Promise<void> {
  await npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...packages], project);
}

/**
 * The repository's compiler (module resolution starts from the consumer project all the same);
 * its diagnostics, or '' when the project compiles.
 */
export async function tsc(args: string[], cwd: string): Promise<string> {
  const compiler = join(ROOT, 'node_modules/typescript/bin/tsc');
  const result = await run(process.execPath, [compiler, ...args], { cwd, env: cleanEnv(), timeout: 90_000 }).catch(
    (error: { stdout?: string; message: string }) => ({ stdout: `${error.stdout ?? ''}\n${error.message}` }),
  );
  return result.stdout;
}
