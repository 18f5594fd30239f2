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
    const token = issueCsrfToken(settings, { userId: 7 });
    expect(isCsrfTokenOf(settings, token, { userId: 7 })).toBe(true);
    expect(isCsrfTokenOf(settings, token, { userId: 8 })).toBe(false);
    expect(isCsrfTokenOf({ ...settings, SECRET_KEY: 'x'.repeat(40) }, token, { userId: 7 })).toBe(false);
    expect(issueCsrfToken(settings, { userId: 7 })).not.toBe(token);
    for (const bad of ['', '.', 'abc', `${token}x`]) expect(isCsrfTokenOf(settings, bad, { userId: 7 })).toBe(false);
  });

  it('bound to a session, are refused for another session of the same user and for the user alone', () => {
    const sessionA = 'c0a8012e-0000-4000-8000-00000000000a';
    const sessionB = 'c0a8012e-0000-4000-8000-00000000000b';
    const token = issueCsrfToken(settings, { userId: 7, sessionId: sessionA });
    expect(isCsrfTokenOf(settings, token, { userId: 7, sessionId: sessionA })).toBe(true);
    expect(isCsrfTokenOf(settings, token, { userId: 7, sessionId: sessionB })).toBe(false);
    expect(isCsrfTokenOf(settings, token, { userId: 7 })).toBe(false);
    expect(isCsrfTokenOf(settings, token, { userId: 8, sessionId: sessionA })).toBe(false);
    // A token bound to the user alone does not pass for any session either.
    expect(isCsrfTokenOf(settings, issueCsrfToken(settings, { userId: 7 }), { userId: 7, sessionId: sessionA })).toBe(false);
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
  const token = issueCsrfToken(settings, { userId: 1 });
  const request = (headers: Record<string, string>, method = 'POST', secure = true) => ({
    method,
    secure,
    headers: { host: 'api.example.org', cookie: `csrftoken=${token}`, ...headers },
  });

  it('never checks safe methods', () => {
    expect(refusal(() => checkCsrf(request({ origin: 'https://evil.test' }, 'GET'), settings, { userId: 1 }))).toBe('accepted');
  });

  it("applies Django's Referer rules to secure requests without Origin", () => {
    expect(refusal(() => checkCsrf(request({ 'x-csrftoken': token }), settings, { userId: 1 }))).toBe(
      'CSRF Failed: Referer checking failed - no Referer.',
    );
    expect(refusal(() => checkCsrf(request({ 'x-csrftoken': token, referer: 'http://api.example.org/x' }), settings, { userId: 1 }))).toBe(
      'CSRF Failed: Referer checking failed - Referer is insecure while host is secure.',
    );
    expect(refusal(() => checkCsrf(request({ 'x-csrftoken': token, referer: 'https://evil.test/' }), settings, { userId: 1 }))).toBe(
      'CSRF Failed: Referer checking failed - https://evil.test/ does not match any trusted origins.',
    );
    expect(
      refusal(() => checkCsrf(request({ 'x-csrftoken': token, referer: 'https://app.example.com/page' }), settings, { userId: 1 })),
    ).toBe('accepted');
  });

  it('refuses a null Origin and a token issued to someone else', () => {
    expect(refusal(() => checkCsrf(request({ origin: 'null', 'x-csrftoken': token }), settings, { userId: 1 }))).toBe(
      'CSRF Failed: Origin checking failed - null does not match any trusted origins.',
    );
    expect(refusal(() => checkCsrf(request({ origin: 'https://api.example.org', 'x-csrftoken': token }), settings, { userId: 2 }))).toBe(
      'CSRF Failed: CSRF token incorrect.',
    );
    expect(refusal(() => checkCsrf(request({ origin: 'https://api.example.org', 'x-csrftoken': token }), settings, { userId: 1 }))).toBe(
      'accepted',
    );
  });
});
