/**
 * The request properties the Fastify plugin fills (`request.user`, `request.tokenClaims`,
 * `request.tokenUser`): each lives in a symbol slot, and reading it where no preHandler filled
 * it throws an error naming the preHandler, instead of handing the route `undefined` typed as a user.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

const SLOTS = { user: Symbol('tessera.user'), tokenClaims: Symbol('tessera.tokenClaims'), tokenUser: Symbol('tessera.tokenUser') } as const;

/**
 * A request property that only the preHandler `setBy` fills.
 *
 * @example
 * ```ts
 * decorateGuarded(app, 'user', 'app.authenticate');
 * ```
 */
export function decorateGuarded(app: FastifyInstance, name: keyof typeof SLOTS, setBy: string): void {
  const slot = SLOTS[name];
  type Slotted = FastifyRequest & { [slot]?: unknown };
  app.decorateRequest(name, {
    getter(this: FastifyRequest) {
      const value = (this as Slotted)[slot];
      if (value === undefined) throw new Error(`tessera: request.${name} is only set on routes protected by ${setBy} (preHandler)`);
      return value as never;
    },
    setter(this: FastifyRequest, value: unknown) {
      (this as Slotted)[slot] = value;
    },
  });
}

/**
 * The value in a slot, `undefined` when no preHandler filled it (never throws).
 *
 * @example
 * ```ts
 * const user = filledSlot(request, 'user'); // after app.authenticate, or undefined
 * ```
 */
export function filledSlot(request: FastifyRequest, name: keyof typeof SLOTS): unknown {
  return (request as FastifyRequest & Record<symbol, unknown>)[SLOTS[name]];
}
