/**
 * The server secret (`TESSERA_SECRET_KEY`, the default `SIGNING_KEY`).
 *
 * Production (`NODE_ENV=production`) demands one of at least 32 bytes. Outside production a
 * development secret is generated once and kept in a file beside the SQLite database, so
 * tokens survive restarts and `npm start` needs no configuration; start-up warns about it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, missingSqliteFolderMessage } from '../errors.js';

export const MIN_SECRET_KEY_BYTES = 32;
const SECRET_FILE_NAME = '.tessera-secret';

interface ResolveSecretKeyInput {
  configured: string | undefined;
  production: boolean;
  databaseUrl: string;
  /** Overrides where the development secret is kept. */
  secretFile: string | undefined;
  warnings: string[];
}

export function resolveSecretKey(input: ResolveSecretKeyInput): string {
  if (input.configured !== undefined) {
    // Too short first: a short key is simply too short, whatever its characters.
    const bytes = Buffer.byteLength(input.configured, 'utf8');
    const placeholder =
      bytes < MIN_SECRET_KEY_BYTES
        ? `is too short: at least ${MIN_SECRET_KEY_BYTES} bytes are needed; this one is ${bytes}`
        : placeholderReason(input.configured);
    if (placeholder !== undefined) {
      if (input.production)
        throw new ConfigError('SECRET_KEY', `TESSERA_SECRET_KEY ${placeholder}; generate one (e.g. \`openssl rand -base64 48\`)`);
      input.warnings.push(`SECRET_KEY ${placeholder}. Allowed outside production only.`);
    }
    return input.configured;
  }
  if (input.production) {
    throw new ConfigError(
      'SECRET_KEY',
      `TESSERA_SECRET_KEY is required when NODE_ENV=production (at least ${MIN_SECRET_KEY_BYTES} random bytes, e.g. \`openssl rand -base64 48\`)`,
    );
  }
  const path = input.secretFile ?? defaultSecretPath(input.databaseUrl);
  if (existsSync(path)) {
    const secret = readFileSync(path, 'utf8').trim();
    if (Buffer.byteLength(secret) < MIN_SECRET_KEY_BYTES) {
      throw new ConfigError(
        'SECRET_KEY',
        `the development secret in ${path} is shorter than ${MIN_SECRET_KEY_BYTES} bytes; delete the file to regenerate it`,
      );
    }
    input.warnings.push(`Using the development secret kept in ${path}. Set TESSERA_SECRET_KEY in production.`);
    return secret;
  }
  refuseMissingFolder(path, input);
  const secret = randomBytes(48).toString('base64url');
  // 0o600: the secret signs every token; only the server's user may read it.
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  input.warnings.push(`Generated a development secret in ${path}. Set TESSERA_SECRET_KEY in production.`);
  return secret;
}

/**
 * Long enough is not random enough (SEC-10): Django's generated development keys say so in
 * their prefix, and a key of a handful of distinct characters was typed, not generated.
 */
function placeholderReason(secret: string): string | undefined {
  if (secret.startsWith('django-insecure-')) return "is a Django development key ('django-insecure-...')";
  if (new Set(secret).size < 8) return 'has fewer than 8 distinct characters: it was typed, not generated';
  return undefined;
}

function defaultSecretPath(databaseUrl: string): string {
  const sqlitePath = /^sqlite:(?!:memory:)(.+)$/.exec(databaseUrl)?.[1];
  return sqlitePath === undefined ? resolve(SECRET_FILE_NAME) : join(dirname(resolve(sqlitePath)), SECRET_FILE_NAME);
}

/**
 * The development secret is not a reason to create a folder: beside an SQLite database whose
 * folder is missing, the same error as opening that database (DATABASE_URL), whatever the mode.
 */
function refuseMissingFolder(path: string, input: ResolveSecretKeyInput): void {
  const folder = dirname(path);
  if (existsSync(folder) && statSync(folder).isDirectory()) return;
  if (input.secretFile !== undefined) throw new ConfigError('SECRET_KEY', `TESSERA_SECRET_FILE: the folder ${folder} does not exist`);
  const sqlitePath = /^sqlite:(.+)$/.exec(input.databaseUrl.trim())?.[1] ?? input.databaseUrl;
  throw new ConfigError('DATABASE_URL', missingSqliteFolderMessage(sqlitePath, folder));
}
