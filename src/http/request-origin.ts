/**
 * Where a request came from, as events record it: the client address and the request id.
 */
import type { RequestOrigin } from '../model/auth-events.js';
import type { HttpRequest } from './http-types.js';

export function originOf(request: HttpRequest): RequestOrigin {
  return { ip: request.ip, requestId: request.requestId };
}
