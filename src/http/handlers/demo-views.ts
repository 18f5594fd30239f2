/**
 * The tutorials' demo resources: two views any authenticated user may GET.
 */
import { jsonAnswer, objectSchema, stringProperty } from '../response-docs.js';
import type { Route } from '../route.js';

export function demoRoutes(): Route[] {
  return [
    {
      path: '/protected/',
      name: 'Protected',
      description: '',
      handlers: { GET: () => Promise.resolve({ status: 200, body: { content: 'This view is protected' } }) },
      authenticated: true,
      responses: {
        '200': jsonAnswer('The protected resource.', objectSchema({ content: stringProperty('"This view is protected"') }, ['content'])),
      },
    },
    {
      path: '/hello/',
      name: 'Hello',
      description: '',
      handlers: { GET: () => Promise.resolve({ status: 200, body: { message: 'Hello, World!' } }) },
      authenticated: true,
      responses: { '200': jsonAnswer('A greeting.', objectSchema({ message: stringProperty('"Hello, World!"') }, ['message'])) },
    },
  ];
}
