/**
 * Where settings come from, lowest precedence first: simplejwt's defaults, `tessera.config.json`
 * (or the file `TESSERA_CONFIG` names), `TESSERA_<SETTING>` environment variables, and values
 * passed in code. Every value goes through the setting's parser; the first bad one stops
 * start-up with a `ConfigError` naming it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { HMAC_ALGORITHM_SPECS, isHmacAlgorithm } from '../tokens/algorithms.js';
import { checkBrowserSettings } from './browser-settings.js';
import { isDataSettingName, parseSetting } from './parse-setting.js';
import { resolveSecretKey } from './secret-key.js';
import { DEFAULT_SETTINGS, PYTHON_ONLY_SETTINGS, REMOVED_SETTINGS, type DataSettingName, type Settings } from './settings.js';

/** Environment variables that start with `TESSERA_` but are not settings. */
export const NON_SETTING_ENV: ReadonlySet<string> = new Set([
  'TESSERA_CONFIG',
  'TESSERA_SUPERUSER_PASSWORD',
  'TESSERA_SECRET_FILE',
  'TESSERA_KEY_ENCRYPTION_KEY',
  // Switches read by the test suites only.
  'TESSERA_VECTORS_DIR',
  'TESSERA_TEST_POSTGRES_URL',
]);

export interface LoadSettingsOptions {
  /** Values set in code; they win over everything else. */
  overrides?: Partial<Settings>;
  /** The environment to read `TESSERA_*` from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** A config file path, or `false` for none. @default `TESSERA_CONFIG`, else `./tessera.config.json` if present */
  configFile?: string | false;
  /** Production mode: secrets are required, never generated. @default env.NODE_ENV === 'production' */
  production?: boolean;
}

export interface LoadedSettings {
  readonly settings: Settings;
  /** Things an operator should hear about at start-up (a generated development secret, ...). */
  readonly warnings: string[];
}

/**
 * Loads and validates settings.
 *
 * @example
 * ```ts
 * const { settings, warnings } = loadSettings({ overrides: { ROTATE_REFRESH_TOKENS: true } });
 * ```
 */
export function loadSettings(options: LoadSettingsOptions = {}): LoadedSettings {
  const env = options.env ?? process.env;
  const production = options.production ?? env.NODE_ENV === 'production';
  const raw: Partial<Record<DataSettingName, unknown>> = {};

  const file = options.configFile ?? env.TESSERA_CONFIG ?? (existsSync('tessera.config.json') ? 'tessera.config.json' : false);
  if (file !== false) Object.assign(raw, readConfigFile(file));

  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith('TESSERA_') || NON_SETTING_ENV.has(variable) || value === undefined) continue;
    raw[checkedName(variable.slice('TESSERA_'.length), variable)] = value;
  }

  const parsed: Partial<Record<DataSettingName, unknown>> = {};
  for (const [name, value] of Object.entries(raw)) parsed[name as DataSettingName] = parseSetting(name as DataSettingName, value);
  const { USER_AUTHENTICATION_RULE, ...codeValues } = options.overrides ?? {};
  for (const [name, value] of Object.entries(codeValues)) {
    parsed[checkedName(name, name)] = parseSetting(name as DataSettingName, value);
  }

  const warnings: string[] = [];
  const databaseUrl = (parsed.DATABASE_URL as string | undefined) ?? DEFAULT_SETTINGS.DATABASE_URL;
  const secretKey = resolveSecretKey({
    configured: parsed.SECRET_KEY as string | undefined,
    production,
    databaseUrl,
    secretFile: env.TESSERA_SECRET_FILE,
    warnings,
  });

  const settings = {
    ...DEFAULT_SETTINGS,
    ...(USER_AUTHENTICATION_RULE ? { USER_AUTHENTICATION_RULE } : {}),
    ...parsed,
    SECRET_KEY: secretKey,
    // Django's default backend is SMTP; printing mails (reset links) is for development only.
    EMAIL_BACKEND:
      (parsed.EMAIL_BACKEND as Settings['EMAIL_BACKEND'] | undefined) ?? (production ? 'smtp' : DEFAULT_SETTINGS.EMAIL_BACKEND),
    // A line per request helps while developing; in production it is the proxy's access log.
    LOG_REQUESTS: (parsed.LOG_REQUESTS as boolean | undefined) ?? !production,
    // SECRET_KEY is an HMAC secret: it is never a default for an asymmetric algorithm's key.
    SIGNING_KEY:
      (parsed.SIGNING_KEY as string | undefined) ??
      (isHmacAlgorithm((parsed.ALGORITHM as Settings['ALGORITHM'] | undefined) ?? DEFAULT_SETTINGS.ALGORITHM) ? secretKey : ''),
  } as Settings;
  checkCombination(settings, production, warnings);
  return { settings, warnings };
}

function checkedName(name: string, source: string): DataSettingName {
  if ((REMOVED_SETTINGS as readonly string[]).includes(name)) {
    throw new ConfigError(name, `the '${name}' setting has been removed (from ${source}); see docs/settings.md`);
  }
  const pythonOnly = PYTHON_ONLY_SETTINGS[name];
  if (pythonOnly !== undefined) throw new ConfigError(name, `not available outside Python (from ${source}): ${pythonOnly}`);
  if (!isDataSettingName(name)) throw new ConfigError(name, `unknown setting (from ${source}); see docs/settings.md`);
  return name;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(resolve(path), 'utf8');
  } catch (error) {
    throw new ConfigError('TESSERA_CONFIG', `cannot read ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('TESSERA_CONFIG', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError('TESSERA_CONFIG', `${path} must hold a JSON object of settings`);
  }
  const settings: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) settings[checkedName(name, path)] = value;
  return settings;
}

function checkCombination(settings: Settings, production: boolean, warnings: string[]): void {
  // RFC 7518 §3.2: an HMAC key at least as long as the hash output. Asymmetric keys are checked
  // when they are built (src/keys/keys-from-settings.ts).
  const minimum = isHmacAlgorithm(settings.ALGORITHM) ? HMAC_ALGORITHM_SPECS[settings.ALGORITHM].minKeyBytes : 0;
  const keyBytes = Buffer.byteLength(settings.SIGNING_KEY, 'utf8');
  if (keyBytes < minimum) {
    const message = `an ${settings.ALGORITHM} key must be at least ${minimum} bytes (RFC 7518 §3.2); this one is ${keyBytes}`;
    if (production) throw new ConfigError('SIGNING_KEY', message);
    warnings.push(`SIGNING_KEY: ${message}. Allowed outside production only.`);
  }
  // SEC-50: lifetimes that make no sense are configuration mistakes, not choices.
  for (const name of [
    'ACCESS_TOKEN_LIFETIME',
    'REFRESH_TOKEN_LIFETIME',
    'SLIDING_TOKEN_LIFETIME',
    'SLIDING_TOKEN_REFRESH_LIFETIME',
  ] as const) {
    if (settings[name] <= 0) throw new ConfigError(name, 'must be longer than 0 seconds');
  }
  if (settings.ACCESS_TOKEN_LIFETIME > settings.REFRESH_TOKEN_LIFETIME) {
    throw new ConfigError(
      'ACCESS_TOKEN_LIFETIME',
      `${settings.ACCESS_TOKEN_LIFETIME} s outlives REFRESH_TOKEN_LIFETIME (${settings.REFRESH_TOKEN_LIFETIME} s)`,
    );
  }
  checkMailSettings(settings, production, warnings);
  checkBrowserSettings(settings, warnings);
  if (settings.BLACKLIST_AFTER_ROTATION && !settings.ROTATE_REFRESH_TOKENS) {
    warnings.push('BLACKLIST_AFTER_ROTATION has no effect unless ROTATE_REFRESH_TOKENS is true.');
  }
}

function checkMailSettings(settings: Settings, production: boolean, warnings: string[]): void {
  if (settings.EMAIL_BACKEND === 'file' && settings.EMAIL_FILE_PATH === null) {
    throw new ConfigError('EMAIL_FILE_PATH', 'required when EMAIL_BACKEND is file: the folder mails are written to');
  }
  if (settings.EMAIL_USE_TLS && settings.EMAIL_USE_SSL) {
    throw new ConfigError('EMAIL_USE_TLS', 'EMAIL_USE_TLS and EMAIL_USE_SSL are mutually exclusive: set one of them');
  }
  if (production && (settings.EMAIL_BACKEND === 'console' || settings.EMAIL_BACKEND === 'memory')) {
    warnings.push(
      `EMAIL_BACKEND: ${settings.EMAIL_BACKEND} in production: no mail leaves this server, and printed mails put reset links in your logs.`,
    );
  }
}
