import { describe, expect, it } from 'vitest';
import { loggablePath, requestLine } from './request-log.js';

describe('loggablePath', () => {
  it('drops the query string and the fragment', () => {
    expect(loggablePath('/protected/?token=abc&x=1')).toBe('/protected/');
    expect(loggablePath('/a/#frag')).toBe('/a/');
  });

  it('replaces JWT-shaped and long opaque segments', () => {
    expect(loggablePath('/t/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl/')).toBe('/t/[redacted]/');
    expect(loggablePath(`/k/${'a1'.repeat(40)}/`)).toBe('/k/[redacted]/');
    expect(loggablePath('/admin/users/12/')).toBe('/admin/users/12/');
  });

  it('cuts long paths', () => {
    expect(loggablePath(`/${'a/'.repeat(200)}`)).toHaveLength(201);
  });

  it('rounds the time to 0.1 ms', () => {
    expect(requestLine('id', 'GET', '/x/?q=1', 200, 1.26)).toEqual({ request_id: 'id', method: 'GET', path: '/x/', status: 200, ms: 1.3 });
  });
});
