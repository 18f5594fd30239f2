/**
 * Tessera's answers as fetch `Response`s and what authentication reads of a Hono request,
 * shared by the routes, `authenticate` and `checkPermissions`.
 */
import type { Context } from 'hono';
import type { AuthenticationRequest } from '../../http/cookie-authentication.js';
import type { HttpResponse } from '../../http/http-types.js';

/** An `HttpResponse` as a fetch `Response`; no body (hence no added Content-Type) when empty. */
export function toResponse(response: HttpResponse): Response {
  const headers = new Headers(response.headers);
  for (const cookie of response.setCookies ?? []) headers.append('set-cookie', cookie);
  return new Response(response.body === '' ? null : response.body, { status: response.status, headers });
}

/** What authentication (cookie mode) reads of a Hono request. */
export function authenticationRequest(c: Context): AuthenticationRequest {
  return { method: c.req.method, headers: Object.fromEntries(c.req.raw.headers), secure: new URL(c.req.url).protocol === 'https:' };
}
