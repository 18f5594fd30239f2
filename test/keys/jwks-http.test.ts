/**
 * The JWKS over real HTTP, between real `tessera serve` processes: each server publishes its
 * public key; a verification-only service (`createVerifier`) and a second Tessera instance
 * (JWK_URL) authenticate the first one's RS256, ES256 and EdDSA tokens through that document
 * alone; tokens MACed with the published key are refused.
 */
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../../src/app/verifier.js';
import { TesseraError } from '../../src/errors.js';
import { SUPERUSER, startCliServer, type RunningServer } from '../support/cli-server.js';

const ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

function keyPair(algorithm: Algorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  if (algorithm === 'RS256') return generateKeyPairSync('rsa', { modulusLength: 2048 });
  if (algorithm === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return generateKeyPairSync('ed25519');
}

const privatePem = (key: KeyObject) => key.export({ format: 'pem', type: 'pkcs8' }).toString();

async function login(server: RunningServer): Promise<{ access: string; refresh: string }> {
  const response = await fetch(`${server.baseUrl}/api/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: SUPERUSER.username, password: SUPERUSER.password }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { access: string; refresh: string };
}

const protectedStatus = async (server: RunningServer, token: string) =>
  (await fetch(`${server.baseUrl}/protected/`, { headers: { authorization: `Bearer ${token}` } })).status;

const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<string, unknown>;

/** An HS256 token with the given claims, MACed with `secret`. */
function forgedHs256(claims: object, secret: Buffer, kid?: string): string {
  const header = kid === undefined ? { alg: 'HS256', typ: 'JWT' } : { alg: 'HS256', kid, typ: 'JWT' };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const servers: Partial<Record<Algorithm, { server: RunningServer; pair: { privateKey: KeyObject; publicKey: KeyObject } }>> = {};
let hmacServer: RunningServer;

beforeAll(async () => {
  const started = ALGORITHMS.map(async (algorithm) => {
    const pair = keyPair(algorithm);
    servers[algorithm] = {
      pair,
      server: await startCliServer({ TESSERA_ALGORITHM: algorithm, TESSERA_SIGNING_KEY: privatePem(pair.privateKey) }),
    };
  });
  await Promise.all([...started, startCliServer().then((server) => (hmacServer = server))]);
});

afterAll(async () => {
  await Promise.all([...Object.values(servers).map((entry) => entry?.server.stop()), hmacServer?.stop()]);
});

describe.each(ALGORITHMS)('a Tessera signing %s', (algorithm) => {
  const entry = () => servers[algorithm] as { server: RunningServer; pair: { privateKey: KeyObject; publicKey: KeyObject } };

  it('publishes its public key, and only that, at /.well-known/jwks.json with Cache-Control', async () => {
    const { server, pair } = entry();
    const response = await fetch(`${server.baseUrl}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const jwks = (await response.json()) as { keys: Record<string, string>[] };
    expect(jwks.keys).toHaveLength(1);
    const [jwk] = jwks.keys as [Record<string, string>];
    expect(jwk).toMatchObject({ use: 'sig', alg: algorithm });
    const expected = pair.publicKey.export({ format: 'jwk' });
    for (const member of ['kty', 'n', 'e', 'crv', 'x', 'y'] as const) expect(jwk[member]).toBe(expected[member]);
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(jwk).not.toHaveProperty(member);

    const { access } = await login(server);
    expect(headerOf(access)).toEqual({ alg: algorithm, kid: jwk.kid, typ: 'JWT' });
  });

  it('a verification-only service authenticates its tokens through the JWKS alone (createVerifier)', async () => {
    const { server } = entry();
    const verifier = createVerifier({ jwkUrl: `${server.baseUrl}/.well-known/jwks.json`, algorithm });
    const { access, refresh } = await login(server);
    const user = await verifier.authenticateHeader(`Bearer ${access}`);
    expect(user).toMatchObject({ id: 1, isActive: true, claims: { token_type: 'access', user_id: 1 } });
    expect(await verifier.authenticateHeader(undefined)).toBeUndefined();

    // A refresh token is not an access token; a tampered one is not a token at all.
    const refused = async (header: string) => {
      try {
        await verifier.authenticateHeader(header);
      } catch (error) {
        return error as TesseraError;
      }
      throw new Error('accepted');
    };
    expect((await refused(`Bearer ${refresh}`)).body).toMatchObject({
      code: 'token_not_valid',
      messages: [{ message: 'Token has wrong type' }],
    });
    const [header, payload, signature] = access.split('.') as [string, string, string];
    const lifted = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), user_id: 2 })).toString(
      'base64url',
    );
    expect((await refused(`Bearer ${header}.${lifted}.${signature}`)).status).toBe(401);
  });

  it('refuses, over HTTP, HS256 tokens MACed with the key it publishes (PEM, DER, JWK text)', async () => {
    const { server, pair } = entry();
    const jwks = (await (await fetch(`${server.baseUrl}/.well-known/jwks.json`)).json()) as { keys: [Record<string, string>] };
    const now = Math.floor(Date.now() / 1000);
    const claims = { token_type: 'access', exp: now + 600, iat: now, jti: 'e'.repeat(32), user_id: 1 };
    const secrets = [
      Buffer.from(pair.publicKey.export({ format: 'pem', type: 'spki' })),
      Buffer.from(pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')),
      pair.publicKey.export({ format: 'der', type: 'spki' }),
      Buffer.from(JSON.stringify(jwks.keys[0])),
    ];
    for (const secret of secrets) {
      expect(await protectedStatus(server, forgedHs256(claims, secret))).toBe(401);
      expect(await protectedStatus(server, forgedHs256(claims, secret, jwks.keys[0].kid))).toBe(401);
    }
    expect(await protectedStatus(server, (await login(server)).access)).toBe(200);
  });
});

describe('a second Tessera instance', () => {
  let second: RunningServer;
  beforeAll(async () => {
    const first = servers.ES256?.server as RunningServer;
    second = await startCliServer({
      TESSERA_ALGORITHM: 'ES256',
      TESSERA_SIGNING_KEY: privatePem(keyPair('ES256').privateKey),
      TESSERA_JWK_URL: `${first.baseUrl}/.well-known/jwks.json`,
    });
  });
  afterAll(async () => second?.stop());

  it("verifies the first one's tokens through the first one's JWKS (JWK_URL), and its own", async () => {
    const first = servers.ES256?.server as RunningServer;
    expect(await protectedStatus(second, (await login(first)).access)).toBe(200);
    expect(await protectedStatus(second, (await login(second)).access)).toBe(200);
    // The first does not know the second's key: nothing is trusted that was not published to it.
    expect(await protectedStatus(first, (await login(second)).access)).toBe(401);
  });

  it('publishes only its own key, not the ones it fetched', async () => {
    const jwks = (await (await fetch(`${second.baseUrl}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(1);
  });
});

describe('an HMAC-only Tessera', () => {
  it('publishes an empty key set: secrets are never published', async () => {
    const response = await fetch(`${hmacServer.baseUrl}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"keys":[]}');
    const { access } = await login(hmacServer);
    expect(headerOf(access)).toEqual({ alg: 'HS256', typ: 'JWT' });
  });
});
