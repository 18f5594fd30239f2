import { describe, expect, it } from 'vitest';
import { CONSOLE_ROUTES, matchPath } from './console-routes.js';

describe('the console route table', () => {
  it('matches paths segment by segment, a user or group id being digits only', () => {
    expect(matchPath('', '')).toEqual({ id: null, group: null });
    expect(matchPath('users/', 'users/')).toEqual({ id: null, group: null });
    expect(matchPath('users/:id/password/', 'users/42/password/')).toEqual({ id: '42', group: null });
    expect(matchPath('users/:id/', 'users/new/')).toBeUndefined();
    expect(matchPath('users/:id/', 'users/1234567890123456/')).toBeUndefined();
    expect(matchPath('users/:id/', 'users/42')).toBeUndefined();
    expect(matchPath('users/', 'users/x/')).toBeUndefined();
    expect(matchPath('groups/:group/delete/', 'groups/7/delete/')).toEqual({ id: null, group: '7' });
    expect(matchPath('groups/:group/', 'groups/editors/')).toBeUndefined();
  });

  it('has one route per method and path, and every path ends with a slash', () => {
    const keys = CONSOLE_ROUTES.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of CONSOLE_ROUTES) expect(route.path === '' || route.path.endsWith('/')).toBe(true);
  });
});
