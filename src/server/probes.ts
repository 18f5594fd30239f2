/**
 * `GET /healthz` and `GET /readyz` for load balancers and orchestrators (docs/operations.md).
 * Plain JSON whatever the `Accept` header (never a browsable page), never throttled, never
 * cached, and registered as routes of their own so that no authentication, page negotiation
 * or DRF emulation runs for them.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Tessera } from '../app/tessera.js';

function answer(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json').header('cache-control', 'no-store').send(JSON.stringify(body));
}

/** Registers both probes on `app`. */
export function registerProbes(app: FastifyInstance, tessera: Tessera): void {
  app.get('/healthz', async (_request, reply) => answer(reply, 200, { status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const { ready, checks } = await tessera.readiness();
    return answer(reply, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks });
  });
}
