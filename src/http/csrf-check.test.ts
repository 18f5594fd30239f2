import { describe, expect, it } from 'vitest';
import { TesseraError } from '../errors.js';
import { checkCsrf, isCsrfTokenOf, isTrustedOrigin, issueCsrfToken } from './csrf-check.js';

const settings = {
  SECRET_KEY: 'k'.repeat(40),
  CSRF_TRUSTED_ORIGINS: ['https://*.example.com'],
  CSRF_COOKIE_NAME: 'csrftoken',
  CSRF_HEADER_NAME: 'HTTP_X_CSRFTOKEN',
};

function refusal(run: () => void): string {
  try {
    run();
  } catch (error) {
    if (error instanceof TesseraError) return String((error.body as { detail: string }).detail);
    throw error;
  }
  return 'accepted';
}

describe('CSRF tokens', () => {
  it('are bound to the user they were issued to, and differ at every issue', () => {
    const token = issueCsrfToken(settings, 7);
    expect(isCsrfTokenOf(settings, token, 7)).toBe(true);
    expect(isCsrfTokenOf(settings, token, 8)).toBe(false);
    expect(isCsrfTokenOf({ ...settings, SECRET_KEY: 'x'.repeat(40) }, token, 7)).toBe(false);
    expect(issueCsrfToken(settings, 7)).not.toBe(token);
    for (const bad of ['', '.', 'abc', `${token}x`]) expect(isCsrfTokenOf(settings, bad, 7)).toBe(false);
  });
});

describe('origins', () => {
  it("match the server's own origin, exact entries and Django's *. subdomain entries, by scheme", () => {
    expect(isTrustedOrigin('https://api.example.org', 'https://api.example.org', [])).toBe(true);
    expect(isTrustedOrigin('https://app.example.com', 'https://api.example.org', settings.CSRF_TRUSTED_ORIGINS)).toBe(true);
    expect(isTrustedOrigin('http://app.example.com', 'https://api.example.org', settings.CSRF_TRUSTED_ORIGINS)).toBe(false);
    expect(isTrustedOrigin('https://example.com.evil.test', 'https://api.example.org', settings.CSRF_TRUSTED_ORIGINS)).toBe(false);
    expect(isTrustedOrigin('https://evilexample.com', 'https://api.example.org', settings.CSRF_TRUSTED_ORIGINS)).toBe(false);
  });
});

describe('checkCsrf', () => {
  const token = issueCsrfToken(settings, 1);
  const request = (headers: Record<string, string>, method = 'POST', secure = true) => ({
    method,
    secure,
    headers: { host: 'api.example.org', cookie: `csrftoken=${token}`, ...headers },
  });

  it('never checks safe methods', () => {
    expect(refusal(() => checkCsrf(request({ origin: 'https://evil.test' }, 'GET'), settings, 1))).toBe('accepted');
  });

  it("applies Django's Referer rules to secure requests without Origin", () => {
    expect(refusal(() => checkCsrf(request({ 'x-csrftoken': token }), settings, 1))).toBe(
      'CSRF Failed: Referer checking failed - no Referer.',
    );
    expect(refusal(() => checkCsrf(request({ 'x-csrftoken': token, referer: 'http://api.example.org/x' }), settings, 1))).toBe(
      'CSRF Failed: Referer checking failed - Referer is insecure while host is secure.',
    );
    expect(refusal(() => checkCsrf(request({ 'x-csrftoken': token, referer: 'https://evil.test/' }), settings, 1))).toBe(
      'CSRF Failed: Referer checking failed - https://evil.test/ does not match any trusted origins.',
    );
    expect(refusal(() => checkCsrf(request({ 'x-csrftoken': token, referer: 'https://app.example.com/page' }), settings, 1))).toBe(
      'accepted',
    );
  });

  it('refuses a null Origin and a token issued to someone else', () => {
    expect(refusal(() => checkCsrf(request({ origin: 'null', 'x-csrftoken': token }), settings, 1))).toBe(
      'CSRF Failed: Origin checking failed - null does not match any trusted origins.',
    );
    expect(refusal(() => checkCsrf(request({ origin: 'https://api.example.org', 'x-csrftoken': token }), settings, 2))).toBe(
      'CSRF Failed: CSRF token incorrect.',
    );
    expect(refusal(() => checkCsrf(request({ origin: 'https://api.example.org', 'x-csrftoken': token }), settings, 1))).toBe('accepted');
  });
});
