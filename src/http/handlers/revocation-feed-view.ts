/**
 * `GET <token prefix>revocations/`: the revocation feed (`sessions/revocation-feed.ts`), for
 * services holding REVOCATION_FEED_KEY. Served only when that setting is set. Never cached.
 */
import type { Json } from '../../errors.js';
import { assertFeedReader, revocationFeed } from '../../sessions/revocation-feed.js';
import { header } from '../http-types.js';
import type { Route } from '../route.js';

export function revocationFeedRoutes(prefix: string): Route[] {
  return [
    {
      path: `${prefix}revocations/`,
      name: 'Revocation Feed',
      description:
        'Users cut off and sessions revoked within the last access-token lifetime, for services that verify tokens themselves. Needs the feed key.',
      handlers: {
        GET: async ({ request, context }) => {
          assertFeedReader(context, header(request, 'authorization'));
          return { status: 200, body: (await revocationFeed(context)) as unknown as Json, headers: { 'cache-control': 'no-store' } };
        },
      },
      authenticated: false,
    },
  ];
}
