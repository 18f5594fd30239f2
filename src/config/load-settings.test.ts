import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { loadSettings } from './load-settings.js';

const SECRET = 'q3Jx9-Lw2vTz8Hk4Nf7Rb1Yc6Md0Pa5Se-Ug';
const load = (env: Record<string, string>, extra: Parameters<typeof loadSettings>[0] = {}) =>
  loadSettings({ configFile: false, ...extra, env: { TESSERA_SECRET_KEY: SECRET, ...env } }).settings;

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadSettings', () => {
  it("has simplejwt's defaults", () => {
    const settings = load({});
    expect(settings).toMatchObject({
      ACCESS_TOKEN_LIFETIME: 300,
      REFRESH_TOKEN_LIFETIME: 86_400,
      ROTATE_REFRESH_TOKENS: false,
      BLACKLIST_AFTER_ROTATION: false,
      ALGORITHM: 'HS256',
      AUTH_HEADER_TYPES: ['Bearer'],
      USER_ID_CLAIM: 'user_id',
      SIGNING_KEY: SECRET,
    });
  });

  it('reads TESSERA_<SETTING> variables in their operator-friendly forms', () => {
    const settings = load({
      TESSERA_ROTATE_REFRESH_TOKENS: 'true',
      TESSERA_ACCESS_TOKEN_LIFETIME: '5m',
      TESSERA_REFRESH_TOKEN_LIFETIME: '1d',
      TESSERA_SLIDING_TOKEN_LIFETIME: '300',
      TESSERA_AUTH_HEADER_TYPES: 'Bearer,JWT',
      TESSERA_AUTH_TOKEN_CLASSES: 'rest_framework_simplejwt.tokens.AccessToken,SlidingToken',
      TESSERA_AUDIENCE: 'a,b',
      TESSERA_LEEWAY: '1.5',
    });
    expect(settings).toMatchObject({
      ROTATE_REFRESH_TOKENS: true,
      ACCESS_TOKEN_LIFETIME: 300,
      REFRESH_TOKEN_LIFETIME: 86_400,
      AUTH_HEADER_TYPES: ['Bearer', 'JWT'],
      AUTH_TOKEN_CLASSES: ['AccessToken', 'SlidingToken'],
      AUDIENCE: ['a', 'b'],
      LEEWAY: 1.5,
    });
  });

  it.each([
    ['TESSERA_ACCESS_TOKEN_LIFETIME', 'soon', 'ACCESS_TOKEN_LIFETIME'],
    ['TESSERA_ROTATE_REFRESH_TOKENS', 'maybe', 'ROTATE_REFRESH_TOKENS'],
    ['TESSERA_ALGORITHM', 'none', 'ALGORITHM'],
    ['TESSERA_USER_ID_FIELD', 'password', 'USER_ID_FIELD'],
    ['TESSERA_JTI_CLAIM', '', 'JTI_CLAIM'],
    ['TESSERA_ROTATE_REFRESH_TOKEN', 'true', 'ROTATE_REFRESH_TOKEN'],
    ['TESSERA_AUTH_HEADER_TYPE', 'Bearer', 'AUTH_HEADER_TYPE'],
    ['TESSERA_TOKEN_USER_CLASS', 'x.y', 'TOKEN_USER_CLASS'],
  ])('stops on %s=%j, naming the setting', (variable, value, setting) => {
    const error = configError(() => load({ [variable]: value }));
    expect(error.setting).toBe(setting);
    expect(error.message).toContain(setting);
  });

  it('never shows key values in errors', () => {
    const error = configError(() => load({}, { production: true, overrides: { SIGNING_KEY: 'short-secret-value' } }));
    expect(error.message).not.toContain('short-secret-value');
  });

  it('takes code over environment over file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
    const file = join(dir, 'tessera.config.json');
    writeFileSync(file, JSON.stringify({ ACCESS_TOKEN_LIFETIME: '1m', REFRESH_TOKEN_LIFETIME: 60, LEEWAY: 2 }));
    const settings = load({ TESSERA_REFRESH_TOKEN_LIFETIME: '2m', TESSERA_LEEWAY: '3' }, { configFile: file, overrides: { LEEWAY: 4 } });
    expect(settings).toMatchObject({ ACCESS_TOKEN_LIFETIME: 60, REFRESH_TOKEN_LIFETIME: 120, LEEWAY: 4 });
  });

  it('names the setting when the config file has a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
    const file = join(dir, 'tessera.config.json');
    writeFileSync(file, JSON.stringify({ BLACKLIST_AFTER_ROTATION: 'sometimes' }));
    expect(configError(() => load({}, { configFile: file })).setting).toBe('BLACKLIST_AFTER_ROTATION');
  });
});

describe('the secret key', () => {
  it('is required in production, and at least 32 bytes', () => {
    expect(configError(() => loadSettings({ configFile: false, production: true, env: {} })).setting).toBe('SECRET_KEY');
    expect(configError(() => loadSettings({ configFile: false, production: true, env: { TESSERA_SECRET_KEY: 'short' } })).setting).toBe(
      'SECRET_KEY',
    );
    expect(loadSettings({ configFile: false, production: true, env: { TESSERA_SECRET_KEY: SECRET } }).settings.SECRET_KEY).toBe(SECRET);
  });

  it('refuses placeholder secrets in production, however long (SEC-10)', () => {
    for (const placeholder of ['django-insecure-0123456789abcdefghijklmnopqrstuvwxyz', 'a'.repeat(64), 'abcabcabc'.repeat(8)]) {
      expect(
        configError(() => loadSettings({ configFile: false, production: true, env: { TESSERA_SECRET_KEY: placeholder } })).setting,
      ).toBe('SECRET_KEY');
    }
  });

  it('refuses lifetimes of 0 and access tokens that outlive refresh tokens (SEC-50)', () => {
    expect(configError(() => load({ TESSERA_ACCESS_TOKEN_LIFETIME: '0' })).setting).toBe('ACCESS_TOKEN_LIFETIME');
    expect(configError(() => load({ TESSERA_ACCESS_TOKEN_LIFETIME: '2d' })).setting).toBe('ACCESS_TOKEN_LIFETIME');
  });

  it('must be long enough for the algorithm in production (HS512: 64 bytes)', () => {
    const env = { TESSERA_SECRET_KEY: SECRET, TESSERA_ALGORITHM: 'HS512' };
    expect(configError(() => loadSettings({ configFile: false, production: true, env })).setting).toBe('SIGNING_KEY');
  });

  it('is generated once beside the SQLite database outside production, with a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-secret-'));
    const env = { TESSERA_DATABASE_URL: `sqlite:${join(dir, 'db.sqlite3')}` };
    const first = loadSettings({ configFile: false, production: false, env });
    const second = loadSettings({ configFile: false, production: false, env });
    const file = join(dir, '.tessera-secret');
    expect(first.settings.SECRET_KEY).toBe(readFileSync(file, 'utf8').trim());
    expect(second.settings.SECRET_KEY).toBe(first.settings.SECRET_KEY);
    expect(Buffer.byteLength(first.settings.SECRET_KEY)).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.warnings.join('\n')).toContain('Generated a development secret');
    expect(first.warnings.join('\n')).not.toContain(first.settings.SECRET_KEY);
  });
});

/** The settings of account recovery and mail: defaults, Django's spellings, and refusals naming the setting. */
const loadAccount = (env: Record<string, string>, production = false) =>
  loadSettings({ configFile: false, production, env: { TESSERA_SECRET_KEY: SECRET, ...env } });

describe('account and mail settings', () => {
  it('default to parity: no verification, console mail in development, SMTP in production', () => {
    expect(loadAccount({}).settings).toMatchObject({
      PASSWORD_RESET_TIMEOUT: 3600,
      PASSWORD_RESET_CONFIRM_URL: null,
      OLD_PASSWORD_FIELD_ENABLED: true,
      ACCOUNT_EMAIL_VERIFICATION: 'none',
      EMAIL_BACKEND: 'console',
      EMAIL_HOST: 'localhost',
      EMAIL_PORT: 25,
      DEFAULT_FROM_EMAIL: 'webmaster@localhost',
    });
    expect(loadAccount({}, true).settings.EMAIL_BACKEND).toBe('smtp');
    expect(loadAccount({ TESSERA_EMAIL_BACKEND: 'console' }, true).warnings.join('\n')).toMatch(/^EMAIL_BACKEND: console in production/m);
  });

  it("accepts Django's backend names", () => {
    expect(loadAccount({ TESSERA_EMAIL_BACKEND: 'django.core.mail.backends.locmem.EmailBackend' }).settings.EMAIL_BACKEND).toBe('memory');
    expect(loadAccount({ TESSERA_EMAIL_BACKEND: 'django.core.mail.backends.smtp.EmailBackend' }).settings.EMAIL_BACKEND).toBe('smtp');
    expect(loadAccount({ TESSERA_EMAIL_BACKEND: 'filebased', TESSERA_EMAIL_FILE_PATH: '/tmp/x' }).settings.EMAIL_BACKEND).toBe('file');
  });

  it('refuses bad values, naming the setting and never echoing the SMTP password', () => {
    expect(configError(() => loadAccount({ TESSERA_EMAIL_BACKEND: 'carrier-pigeon' })).setting).toBe('EMAIL_BACKEND');
    expect(configError(() => loadAccount({ TESSERA_EMAIL_BACKEND: 'file' })).setting).toBe('EMAIL_FILE_PATH');
    expect(configError(() => loadAccount({ TESSERA_EMAIL_USE_TLS: 'true', TESSERA_EMAIL_USE_SSL: 'true' })).setting).toBe('EMAIL_USE_TLS');
    expect(configError(() => loadAccount({ TESSERA_EMAIL_PORT: '70000' })).setting).toBe('EMAIL_PORT');
    expect(configError(() => loadAccount({ TESSERA_ACCOUNT_EMAIL_VERIFICATION: 'sometimes' })).setting).toBe('ACCOUNT_EMAIL_VERIFICATION');
    const password = configError(() =>
      loadSettings({ configFile: false, env: { TESSERA_SECRET_KEY: SECRET }, overrides: { EMAIL_HOST_PASSWORD: 42 as unknown as string } }),
    );
    expect(password.message).toBe('EMAIL_HOST_PASSWORD: expected a string, got (hidden)');
  });

  it('wants front-end URL templates with their placeholders', () => {
    const url = 'https://app.example.com/reset/{uid}/{token}';
    expect(loadAccount({ TESSERA_PASSWORD_RESET_CONFIRM_URL: url }).settings.PASSWORD_RESET_CONFIRM_URL).toBe(url);
    for (const bad of ['https://app.example.com/reset/{uid}', '/reset/{uid}/{token}', 'javascript:{uid}{token}']) {
      expect(configError(() => loadAccount({ TESSERA_PASSWORD_RESET_CONFIRM_URL: bad })).setting).toBe('PASSWORD_RESET_CONFIRM_URL');
    }
    expect(configError(() => loadAccount({ TESSERA_ACCOUNT_EMAIL_CONFIRMATION_URL: 'https://app.example.com/verify' })).setting).toBe(
      'ACCOUNT_EMAIL_CONFIRMATION_URL',
    );
  });
});

describe('observability settings', () => {
  it('default to metrics off on loopback, 90 days of audit, info logs chosen by terminal', () => {
    expect(load({})).toMatchObject({
      METRICS_ENABLED: false,
      METRICS_ADDR: '127.0.0.1:9464',
      AUDIT_RETENTION: 7_776_000,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'auto',
    });
  });

  it('read their operator-friendly forms', () => {
    const settings = load({
      TESSERA_METRICS_ENABLED: 'yes',
      TESSERA_METRICS_ADDR: '[::1]:9100',
      TESSERA_AUDIT_RETENTION: '30d',
      TESSERA_LOG_LEVEL: 'debug',
      TESSERA_LOG_FORMAT: 'json',
    });
    expect(settings).toMatchObject({
      METRICS_ENABLED: true,
      METRICS_ADDR: '[::1]:9100',
      AUDIT_RETENTION: 2_592_000,
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
    });
    expect(load({ TESSERA_AUDIT_RETENTION: 'forever' }).AUDIT_RETENTION).toBeNull();
  });

  it('refuse bad values, naming the setting', () => {
    expect(configError(() => load({ TESSERA_METRICS_ADDR: '9464' })).setting).toBe('METRICS_ADDR');
    expect(configError(() => load({ TESSERA_METRICS_ADDR: '0.0.0.0:99999' })).setting).toBe('METRICS_ADDR');
    expect(configError(() => load({ TESSERA_AUDIT_RETENTION: '0' })).setting).toBe('AUDIT_RETENTION');
    expect(configError(() => load({ TESSERA_LOG_LEVEL: 'verbose' })).setting).toBe('LOG_LEVEL');
    expect(configError(() => load({ TESSERA_LOG_FORMAT: 'xml' })).setting).toBe('LOG_FORMAT');
  });
});
