/**
 * Tokens for the bench: logins against the servers that have users, and access tokens minted
 * here (simplejwt's header and claims, HS256) for the peers, which have no login.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { probe } from './processes.mjs';

export const USERNAME = 'kyoko';
export const PASSWORD = 'contrasenasegura';
export const LOGIN_BODY = JSON.stringify({ username: USERNAME, password: PASSWORD });

const JSON_HEADERS = { 'content-type': 'application/json' };

/** A random secret of `length` URL-safe characters (the servers all share one per run). */
export function randomSecret(length = 64) {
  return randomBytes(length).toString('base64url').slice(0, length);
}

/** Logs in as the bench superuser; resolves to `{ access, refresh }` or throws with the answer. */
export async function login(baseUrl) {
  const response = await probe(`${baseUrl}/api/token/`, { method: 'POST', headers: JSON_HEADERS, body: LOGIN_BODY });
  if (response?.status !== 200) throw new Error(`login at ${baseUrl} answered ${response?.status}: ${response?.body}`);
  const { access, refresh } = JSON.parse(response.body);
  return { access, refresh };
}

/** `count` refresh tokens from as many logins, `concurrency` at a time. */
export async function mintRefreshPool(baseUrl, count, concurrency = 4) {
  const pool = [];
  let active = 0;
  const worker = async () => {
    while (pool.length + active < count) {
      active += 1;
      try {
        pool.push((await login(baseUrl)).refresh);
      } finally {
        active -= 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return pool;
}

/**
 * `count` distinct access tokens the server minted itself: one login, then `count` refreshes of
 * its refresh token (the server must not rotate), `concurrency` at a time.
 */
export async function accessTokensByRefresh(baseUrl, count, concurrency = 4) {
  const { refresh } = await login(baseUrl);
  const body = JSON.stringify({ refresh });
  const tokens = new Set();
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started += 1;
      const response = await probe(`${baseUrl}/api/token/refresh/`, { method: 'POST', headers: JSON_HEADERS, body });
      if (response?.status !== 200) throw new Error(`refresh at ${baseUrl} answered ${response?.status}: ${response?.body}`);
      tokens.add(JSON.parse(response.body).access);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (tokens.size !== count) throw new Error(`${baseUrl} minted ${tokens.size} distinct access tokens out of ${count}`);
  return [...tokens];
}

/** An HS256 access token shaped like simplejwt's (sorted header, its claim names), for user 1. */
export function mintAccessToken(secret, lifetimeSeconds = 3600) {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(
    JSON.stringify({ token_type: 'access', exp: now + lifetimeSeconds, iat: now, jti: randomBytes(16).toString('hex'), user_id: 1 }),
  ).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}
