/**
 * Signing in to the admin console over real HTTP from a chosen source address, as a browser
 * would: fetch the sign-in form (its CSRF cookie), then post the form with that token.
 */
import { sendFrom, type AddressedReply } from './from-address.js';

/** The sign-in CSRF token the form sets as a cookie for `from`. */
export async function consoleCsrfToken(baseUrl: string, from: string): Promise<string> {
  const form = await sendFrom(baseUrl, from, 'GET', '/admin/login/', undefined, { headers: { accept: 'text/html' } });
  const cookies = [form.headers['set-cookie'] ?? []].flat();
  const token = cookies.map((line) => /^tessera_admin_csrf=([\w-]+)/.exec(line)?.[1]).find((value) => value !== undefined);
  if (token === undefined) throw new Error(`no CSRF cookie on the sign-in form (${form.status})`);
  return token;
}

/** Posts the console's sign-in form from `from` with a CSRF token it fetched. */
export function consoleSignInFrom(
  baseUrl: string,
  from: string,
  token: string,
  username: string,
  password: string,
): Promise<AddressedReply> {
  const body = new URLSearchParams({ csrf_token: token, username, password, next: '/admin/' }).toString();
  return sendFrom(baseUrl, from, 'POST', '/admin/login/', body, {
    contentType: 'application/x-www-form-urlencoded',
    headers: { cookie: `tessera_admin_csrf=${token}`, accept: 'text/html' },
  });
}

/** A signed-in console session from one address: its cookie and CSRF token, and form posts with them. */
export interface ConsoleSession {
  post(path: string, fields: Record<string, string>): Promise<AddressedReply>;
  get(path: string): Promise<AddressedReply>;
}

/** Signs `username` in from `from` and returns the session (throws unless the sign-in redirects). */
export async function consoleSessionFrom(baseUrl: string, from: string, username: string, password: string): Promise<ConsoleSession> {
  const token = await consoleCsrfToken(baseUrl, from);
  const signedIn = await consoleSignInFrom(baseUrl, from, token, username, password);
  const cookie = [signedIn.headers['set-cookie'] ?? []]
    .flat()
    .map((line) => /^(tessera_admin_session=[\w-]+)/.exec(line)?.[1])
    .find((value) => value !== undefined);
  if (signedIn.status !== 303 || cookie === undefined) throw new Error(`console sign-in failed: ${signedIn.status}`);
  const headers = { cookie, accept: 'text/html' };
  const get = (path: string) => sendFrom(baseUrl, from, 'GET', path, undefined, { headers });
  const csrf = /name="csrf_token" value="([\w-]+)"/.exec((await get('/admin/')).text)?.[1] ?? '';
  return {
    get,
    post: (path, fields) =>
      sendFrom(baseUrl, from, 'POST', path, new URLSearchParams({ csrf_token: csrf, ...fields }).toString(), {
        contentType: 'application/x-www-form-urlencoded',
        headers,
      }),
  };
}
