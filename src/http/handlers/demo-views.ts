/**
 * The tutorials' demo resources: two views any authenticated user may GET.
 */
import type { Route } from '../route.js';

export function demoRoutes(): Route[] {
  return [
    {
      path: '/protected/',
      name: 'Protected',
      description: '',
      handlers: { GET: () => Promise.resolve({ status: 200, body: { content: 'This view is protected' } }) },
      authenticated: true,
    },
    {
      path: '/hello/',
      name: 'Hello',
      description: '',
      handlers: { GET: () => Promise.resolve({ status: 200, body: { message: 'Hello, World!' } }) },
      authenticated: true,
    },
  ];
}
