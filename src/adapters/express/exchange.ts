/**
 * Writing Tessera's answers to Express and reading what authentication needs from its requests,
 * shared by the router, `authenticate` and `checkPermissions`.
 */
import type { Request, Response } from 'express';
import type { AuthenticationRequest } from '../../http/cookie-authentication.js';
import type { HttpResponse } from '../../http/http-types.js';
import { firstHeader, mergedVary } from '../shared.js';

/** Sends an `HttpResponse` byte for byte (no Express content-type or charset handling). */
export function send(res: Response, response: HttpResponse): void {
  res.status(response.status);
  // Vary is merged with what a CORS middleware (or the app) already set; Set-Cookie is appended.
  for (const [name, value] of Object.entries(response.headers))
    res.setHeader(name, name === 'vary' ? mergedVary(firstHeader(res.getHeader('vary') as string | string[] | undefined), value) : value);
  for (const cookie of response.setCookies ?? []) res.append('set-cookie', cookie);
  res.end(response.body === '' ? undefined : response.body);
}

/** What authentication (cookie mode) reads of an Express request. */
export function authenticationRequest(req: Request): AuthenticationRequest {
  return { method: req.method, headers: req.headers, secure: req.secure };
}
