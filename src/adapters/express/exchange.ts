/**
 * Writing Tessera's answers to Express and reading what authentication needs from its requests,
 * shared by the router, `authenticate` and `checkPermissions`.
 */
import type { NextFunction, Request, Response } from 'express';
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

/** What authentication or a permission check decided: go on, or send this refusal. */
type Decision = { readonly ok: true } | { readonly ok: false; readonly response: HttpResponse };

/**
 * Goes on once Tessera has decided about a request: a refusal is sent as it is; otherwise
 * `accept` stores what was found (on `req` and `res.locals`) and the next handler runs. An
 * unexpected error goes to `next`, hence to the app's error handling.
 */
export function continueAfter<Outcome extends Decision>(
  decision: Promise<Outcome>,
  res: Response,
  next: NextFunction,
  accept: (outcome: Extract<Outcome, { readonly ok: true }>) => void,
): void {
  decision.then((outcome) => {
    const decided: Decision = outcome;
    if (!decided.ok) {
      send(res, decided.response);
      return;
    }
    // TypeScript does not narrow a generic union by its tag: `decided.ok` is what proves this.
    accept(outcome as Extract<Outcome, { readonly ok: true }>);
    next();
  }, next);
}
