import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { loadSettings } from './load-settings.js';

const SECRET = 'q3Jx9-Lw2vTz8Hk4Nf7Rb1Yc6Md0Pa5Se-Ug';
const load = (env: Record<string, string>) => loadSettings({ configFile: false, env: { TESSERA_SECRET_KEY: SECRET, ...env } });
const COOKIES = { TESSERA_JWT_AUTH_COOKIE: '__Host-access', TESSERA_JWT_AUTH_REFRESH_COOKIE: '__Secure-refresh' };

/** The setting a refused configuration names. */
function refusedSetting(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.setting;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('cookie mode, CSRF and CORS settings', () => {
  it("are off by default, with dj-rest-auth's and Django's names and safer defaults", () => {
    expect(load({}).settings).toMatchObject({
      JWT_AUTH_COOKIE: null,
      JWT_AUTH_HTTPONLY: true,
      JWT_AUTH_SECURE: true,
      JWT_AUTH_SAMESITE: 'Lax',
      CSRF_COOKIE_NAME: 'csrftoken',
      CORS_ALLOWED_ORIGINS: [],
      CORS_ALLOW_CREDENTIALS: false,
      REFRESH_TOKEN_REUSE_GRACE: null,
    });
  });

  it('read origins and lists from the environment, normalised as browsers send them', () => {
    const { settings } = load({
      ...COOKIES,
      TESSERA_CSRF_TRUSTED_ORIGINS: 'https://App.Example.com, https://*.example.net',
      TESSERA_CORS_ALLOWED_ORIGINS: 'https://app.example.com:443,http://localhost:5173',
      TESSERA_CORS_ALLOW_HEADERS: 'Content-Type,X-CSRFToken',
      TESSERA_JWT_AUTH_SAMESITE: 'strict',
    });
    expect(settings.CSRF_TRUSTED_ORIGINS).toEqual(['https://app.example.com', 'https://*.example.net']);
    expect(settings.CORS_ALLOWED_ORIGINS).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(settings.CORS_ALLOW_HEADERS).toEqual(['content-type', 'x-csrftoken']);
    expect(settings.JWT_AUTH_SAMESITE).toBe('Strict');
  });

  it('refuse what a browser would drop or an attacker could use, naming the setting', () => {
    expect(refusedSetting({ TESSERA_CORS_ALLOWED_ORIGINS: '*', TESSERA_CORS_ALLOW_CREDENTIALS: 'true' })).toBe('CORS_ALLOWED_ORIGINS');
    expect(refusedSetting({ TESSERA_CORS_ALLOWED_ORIGINS: 'https://app.example.com/path' })).toBe('CORS_ALLOWED_ORIGINS');
    expect(refusedSetting({ TESSERA_CSRF_TRUSTED_ORIGINS: 'app.example.com' })).toBe('CSRF_TRUSTED_ORIGINS');
    expect(refusedSetting({ ...COOKIES, TESSERA_JWT_AUTH_SECURE: 'false' })).toBe('JWT_AUTH_COOKIE');
    expect(refusedSetting({ TESSERA_JWT_AUTH_COOKIE: 'access', TESSERA_JWT_AUTH_REFRESH_COOKIE: '__Host-refresh' })).toBe(
      'JWT_AUTH_REFRESH_COOKIE',
    );
    expect(refusedSetting({ TESSERA_JWT_AUTH_REFRESH_COOKIE: 'refresh' })).toBe('JWT_AUTH_REFRESH_COOKIE');
    expect(refusedSetting({ TESSERA_JWT_AUTH_COOKIE: 'csrftoken' })).toBe('JWT_AUTH_COOKIE');
    expect(refusedSetting({ ...COOKIES, TESSERA_JWT_AUTH_SAMESITE: 'None' })).toBe('JWT_AUTH_SAMESITE');
    expect(
      refusedSetting({
        TESSERA_JWT_AUTH_COOKIE: 'access',
        TESSERA_JWT_AUTH_SECURE: 'false',
        TESSERA_JWT_AUTH_SAMESITE: 'None',
        TESSERA_CSRF_TRUSTED_ORIGINS: 'https://a.example',
      }),
    ).toBe('JWT_AUTH_SAMESITE');
    expect(refusedSetting({ TESSERA_JWT_AUTH_COOKIE: 'bad name' })).toBe('JWT_AUTH_COOKIE');
    expect(refusedSetting({ TESSERA_JWT_AUTH_SAMESITE: 'sometimes' })).toBe('JWT_AUTH_SAMESITE');
    expect(refusedSetting({ TESSERA_REFRESH_TOKEN_REUSE_GRACE: 'soon' })).toBe('REFRESH_TOKEN_REUSE_GRACE');
  });

  it('allows SameSite=None for a trusted front end on another site, over Secure cookies', () => {
    const { settings } = load({ ...COOKIES, TESSERA_JWT_AUTH_SAMESITE: 'None', TESSERA_CSRF_TRUSTED_ORIGINS: 'https://app.example.net' });
    expect(settings.JWT_AUTH_SAMESITE).toBe('None');
  });
});
