import { describe, expect, it } from 'vitest';
import { clearedCookies, cookieModeOf, isLoopbackHostname, requestCookies, tokenCookies } from './auth-cookies.js';

const base = {
  JWT_AUTH_COOKIE: 'access',
  JWT_AUTH_REFRESH_COOKIE: 'refresh',
  JWT_AUTH_REFRESH_COOKIE_PATH: null,
  JWT_AUTH_HTTPONLY: true,
  JWT_AUTH_SECURE: false,
  JWT_AUTH_SAMESITE: 'Lax' as const,
  CSRF_COOKIE_NAME: 'csrftoken',
};
const mode = cookieModeOf(base, '/auth/jwt/');
const at = (host: string) => ({ headers: { host } });

describe('cookie mode', () => {
  it('is off without JWT_AUTH_COOKIE, and limits the refresh cookie to the token routes by default', () => {
    expect(cookieModeOf({ ...base, JWT_AUTH_COOKIE: null }, '/api/token/')).toBeUndefined();
    expect(mode?.refreshPath).toBe('/auth/jwt/');
  });

  it('drops Secure only for loopback hosts when JWT_AUTH_SECURE is off (plain http in development)', () => {
    if (mode === undefined) throw new Error('no cookie mode');
    const tokens = { access: { value: 'a', expiresAtMs: 60_000 } };
    expect(tokenCookies(mode, at('127.0.0.1:8000'), tokens, 0)[0]).toBe('access=a; Max-Age=60; Path=/; HttpOnly; SameSite=Lax');
    expect(tokenCookies(mode, at('[::1]:8000'), tokens, 0)[0]).not.toContain('Secure');
    expect(tokenCookies(mode, at('localhost'), tokens, 0)[0]).not.toContain('Secure');
    expect(tokenCookies(mode, at('api.example.com'), tokens, 0)[0]).toContain('; Secure');
    expect(tokenCookies(mode, at('127.0.0.1.nip.io'), tokens, 0)[0]).toContain('; Secure');
    expect(clearedCookies(mode, at('api.example.com')).every((line) => line.includes('Max-Age=0') && line.includes('Secure'))).toBe(true);
  });

  it('reads cookies, several Cookie headers included', () => {
    expect(requestCookies({ headers: { cookie: ['a=1; b=2', 'c=3'] } })).toEqual({ a: '1', b: '2', c: '3' });
    expect(requestCookies({ headers: {} })).toEqual({});
    expect(isLoopbackHostname('127.255.0.1')).toBe(true);
    expect(isLoopbackHostname('128.0.0.1')).toBe(false);
  });
});
