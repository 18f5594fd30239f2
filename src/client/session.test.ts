import { describe, expect, it } from 'vitest';
import { memoryStorage } from './options.js';
import { jwtPayload, parseSession, SessionStore, sessionFromAnswer } from './session.js';

/** An unsigned token with `claims` (the client never checks signatures; the server does). */
function token(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2ln`;
}

describe('jwtPayload', () => {
  it('reads the payload of a compact JWS, non-ASCII included', () => {
    expect(jwtPayload(token({ exp: 10, name: 'Zoë 京' }))).toEqual({ exp: 10, name: 'Zoë 京' });
  });
  it('gives nothing for what is not a JWS payload', () => {
    for (const bad of [
      '',
      'abc',
      'a.!!!.c',
      `a.${Buffer.from('[1]').toString('base64url')}.c`,
      `a.${Buffer.from('nope').toString('base64url')}.c`,
    ]) {
      expect(jwtPayload(bad)).toBeUndefined();
    }
  });
});

describe('sessionFromAnswer', () => {
  it("times the access token by its own lifetime from the answer's arrival, whatever the clocks say", () => {
    // Issued "in 2001" by a server whose clock is far off: only exp - iat (120 s) matters.
    const access = token({ iat: 1_000_000_000, exp: 1_000_000_120 });
    const session = sessionFromAnswer('bearer', { access, refresh: token({ iat: 1, exp: 86_401 }) }, 50_000, null, null);
    expect(session).toMatchObject({ access, obtainedAt: 50_000, accessExpiresAt: 170_000, refreshExpiresAt: 86_450_000 });
  });
  it('keeps the refresh token when a refresh answer (no rotation) has none', () => {
    const first = sessionFromAnswer('bearer', { access: token({ iat: 0, exp: 5 }), refresh: 'R1' }, 0, null, null);
    const next = sessionFromAnswer('bearer', { access: token({ iat: 0, exp: 5 }) }, 4000, first, null);
    expect(next.refresh).toBe('R1');
    expect(next.accessExpiresAt).toBe(9000);
  });
  it('cookie mode keeps no token, and reads access_expiration when the body has no token', () => {
    const session = sessionFromAnswer('cookie', { access_expiration: new Date(70_000).toISOString() }, 10_000, null, 'csrf-1');
    expect(session).toMatchObject({ access: null, refresh: null, accessExpiresAt: 70_000, csrfToken: 'csrf-1' });
  });
  it("falls back to simplejwt's five minutes when the answer says nothing about expiry", () => {
    expect(sessionFromAnswer('bearer', { access: 'opaque' }, 0, null, null).accessExpiresAt).toBe(300_000);
  });
});

describe('parseSession and SessionStore', () => {
  const good = { access: 'a', refresh: 'r', obtainedAt: 1, accessExpiresAt: 2, refreshExpiresAt: null, csrfToken: null };
  it('accepts a well-formed session and refuses anything else', () => {
    expect(parseSession(good)).toEqual(good);
    for (const bad of [null, 'x', { ...good, access: 1 }, { ...good, obtainedAt: '1' }, { ...good, refreshExpiresAt: 'soon' }]) {
      expect(parseSession(bad)).toBeNull();
    }
  });
  it('reads a corrupt stored entry as signed out', () => {
    const storage = memoryStorage();
    const store = new SessionStore(storage, 'k');
    storage.setItem('k', '{not json');
    expect(store.load()).toBeNull();
    store.save(parseSession(good));
    expect(store.load()).toEqual(good);
    store.save(null);
    expect(storage.getItem('k')).toBeNull();
  });
});
