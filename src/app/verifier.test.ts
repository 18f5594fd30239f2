import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError, TesseraError } from '../errors.js';
import { AsymmetricKey } from '../tokens/asymmetric-key.js';
import { signJws } from '../tokens/jws.js';
import { createVerifier } from './verifier.js';

const signer = AsymmetricKey.fromKeyObjects('ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'signer-1');
const now = Math.floor(Date.now() / 1000);
const access = (extra: Record<string, unknown> = {}) =>
  signJws({ token_type: 'access', exp: now + 300, iat: now, jti: 'a'.repeat(32), user_id: 7, username: 'kyoko', ...extra }, signer);

async function refusal(promise: Promise<unknown>): Promise<TesseraError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TesseraError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('createVerifier', () => {
  const verifier = createVerifier({ algorithm: 'ES256', keys: [signer.publicJwk()], settings: { AUDIENCE: null } });

  it('authenticates an access token as simplejwt TokenUser, with no database', async () => {
    expect(await verifier.authenticateHeader(`Bearer ${access()}`)).toMatchObject({
      id: 7,
      username: 'kyoko',
      isActive: true,
      isStaff: false,
    });
    expect(await verifier.authenticateHeader('Basic abc')).toBeUndefined();
    expect((await refusal(verifier.authenticateHeader('Bearer a b'))).body).toMatchObject({ code: 'bad_authorization_header' });
  });

  it("answers bad tokens with simplejwt's bodies", async () => {
    const expired = await refusal(verifier.authenticateHeader(`Bearer ${access({ exp: now - 1 })}`));
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid or expired' }],
    });
    const other = AsymmetricKey.fromKeyObjects('ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'signer-1');
    const forged = signJws({ token_type: 'access', exp: now + 300, jti: 'b'.repeat(32), user_id: 1 }, other);
    expect((await refusal(verifier.authenticateHeader(`Bearer ${forged}`))).status).toBe(401);
    const { user_id: _id, ...anonymous } = { token_type: 'access', exp: now + 300, jti: 'c'.repeat(32), user_id: 1 };
    expect((await refusal(verifier.authenticateHeader(`Bearer ${signJws(anonymous, signer)}`))).body).toMatchObject({
      code: 'token_not_valid',
    });
  });

  it('gives the TokenUser the groups and permissions the signer put in TOKEN_GROUPS_CLAIM and TOKEN_PERMISSIONS_CLAIM', async () => {
    const reading = createVerifier({
      algorithm: 'ES256',
      keys: [signer.publicJwk()],
      settings: { TOKEN_GROUPS_CLAIM: 'groups', TOKEN_PERMISSIONS_CLAIM: 'permissions' },
    });
    const user = await reading.authenticateHeader(`Bearer ${access({ groups: ['editors'], permissions: ['blog.publish_post'] })}`);
    expect(user?.groups).toEqual(['editors']);
    expect([user?.hasPermission('blog.publish_post'), user?.hasPermission('blog.delete_post')]).toEqual([true, false]);
    const superuser = await reading.authenticateHeader(`Bearer ${access({ is_superuser: true, permissions: [] })}`);
    expect(superuser?.hasPermission('blog.delete_post')).toBe(true);
    // Without the settings the claims are only claims.
    const plain = await verifier.authenticateHeader(`Bearer ${access({ groups: ['editors'], permissions: ['blog.publish_post'] })}`);
    expect([plain?.groups, plain?.hasPermission('blog.publish_post')]).toEqual([[], false]);
  });

  it('applies AUDIENCE and ISSUER when given', async () => {
    const strict = createVerifier({ algorithm: 'ES256', keys: [signer.publicJwk()], settings: { ISSUER: 'https://auth.example' } });
    expect((await refusal(strict.authenticateHeader(`Bearer ${access()}`))).status).toBe(401);
    expect(await strict.authenticateHeader(`Bearer ${access({ iss: 'https://auth.example' })}`)).toMatchObject({ id: 7 });
  });

  it('fails closed, without throwing anything but the 401, when the JWKS host is down', async () => {
    const server = createServer((_request, response) => response.writeHead(503).end());
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    try {
      const remote = createVerifier({ algorithm: 'ES256', jwkUrl: url });
      expect(await remote.refresh()).toBe(false);
      expect((await refusal(remote.authenticateHeader(`Bearer ${access()}`))).status).toBe(401);
    } finally {
      server.close();
    }
  });

  it('refuses configurations it cannot honour', () => {
    const setting = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        if (error instanceof ConfigError) return error.setting;
        throw error;
      }
      return 'accepted';
    };
    expect(setting(() => createVerifier({ algorithm: 'ES256' }))).toBe('JWK_URL');
    expect(setting(() => createVerifier({ algorithm: 'HS256', jwkUrl: 'https://auth.example/jwks.json' }))).toBe('JWK_URL');
    expect(
      setting(() =>
        createVerifier({
          algorithm: 'ES256',
          jwkUrl: 'https://auth.example/jwks.json',
          settings: { AUTH_TOKEN_CLASSES: ['SlidingToken'] },
        }),
      ),
    ).toBe('AUTH_TOKEN_CLASSES');
    expect(setting(() => createVerifier({ algorithm: 'ES256', keys: [{ ...signer.publicJwk(), d: 'AAAA' }] }))).toBe('VERIFYING_KEYS');
    expect(setting(() => createVerifier({ algorithm: 'none' as 'HS256', keys: [] }))).toBe('ALGORITHM');
  });
});
