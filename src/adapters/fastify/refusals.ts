/**
 * How `app.authenticate` refuses a request the Fastify way, as @fastify/jwt does: it throws, so
 * the app's `setErrorHandler` receives the `TesseraError` (status, DRF body, stable code) and can
 * reshape the answer. An app that reshapes nothing keeps simplejwt's exact answer: when the
 * reply about to go out is Fastify's default rendering of that very error, the DRF answer
 * (body, `WWW-Authenticate`, `Vary`, security headers) replaces it on its way out.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TesseraError } from '../../errors.js';
import type { HttpResponse } from '../../http/http-types.js';

/** The refusals thrown per request, until the answer goes out. */
const refusals = new WeakMap<FastifyRequest, { readonly error: TesseraError; readonly response: HttpResponse }>();

/**
 * Remembers the DRF answer for `error`, then returns the error to throw.
 *
 * @example
 * ```ts
 * if (!outcome.ok) throw refusalToThrow(request, outcome.error, outcome.response);
 * ```
 */
export function refusalToThrow(request: FastifyRequest, error: TesseraError, response: HttpResponse): TesseraError {
  refusals.set(request, { error, response });
  return error;
}

/** Fastify's default error body for `error` (its error serializer's keys, in its order). */
function isFastifyDefaultBody(payload: unknown, error: TesseraError, status: number): boolean {
  if (typeof payload !== 'string') return false;
  const expected = JSON.stringify({ statusCode: status, code: error.code, error: STATUS_CODES[status], message: error.message });
  return payload === expected;
}

/**
 * The hook that restores the DRF answer when the app's error handling left Fastify's default.
 *
 * @example
 * ```ts
 * restoreDefaultRefusals(app); // in the plugin, where `app.authenticate` is decorated
 * ```
 */
export function restoreDefaultRefusals(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const refusal = refusals.get(request);
    if (refusal === undefined) return payload;
    refusals.delete(request);
    if (reply.statusCode !== refusal.error.status || !isFastifyDefaultBody(payload, refusal.error, reply.statusCode)) return payload;
    reply.headers(refusal.response.headers);
    return refusal.response.body;
  });
}
