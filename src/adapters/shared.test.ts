import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../test/support/memory-store.js';
import { createTessera, type Tessera } from '../app/tessera.js';
import { permissionRefusal } from './shared.js';
import { contextOf } from '../app/tessera-context.js';

describe('permissionRefusal (DRF APIView.permission_denied)', () => {
  let tessera: Tessera;
  beforeAll(async () => {
    tessera = await createTessera({
      store: new MemoryStore(),
      env: { TESSERA_SECRET_KEY: 'permission-test-secret-0123456789abcdef-0123' },
      configFile: false,
    });
  });
  afterAll(async () => tessera.close());

  it("answers an authenticated request 403 with DRF's message and no WWW-Authenticate", () => {
    const response = permissionRefusal(contextOf(tessera), true);
    expect(response.status).toBe(403);
    expect(response.body).toBe('{"detail":"You do not have permission to perform this action."}');
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect(response.headers['content-type']).toBe('application/json');
  });

  it("takes a permission's own message, as DRF permission classes may set one", () => {
    expect(permissionRefusal(contextOf(tessera), true, 'Staff only.').body).toBe('{"detail":"Staff only."}');
  });

  it('answers an unauthenticated request 401 with WWW-Authenticate, as DRF does', () => {
    const response = permissionRefusal(contextOf(tessera), false);
    expect(response.status).toBe(401);
    expect(response.body).toBe('{"detail":"Authentication credentials were not provided."}');
    expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
  });
});
