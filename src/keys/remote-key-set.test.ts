import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AsymmetricKey } from '../tokens/asymmetric-key.js';
import { RemoteKeySet } from './remote-key-set.js';

/** A JWKS host on loopback whose answer the test controls, counting requests. */
interface JwksHost {
  readonly url: string;
  requests: number;
  answer: { status: number; body: string; headers?: Record<string, string> } | 'hang';
  close(): Promise<void>;
}

const hosts: JwksHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

async function jwksHost(body: unknown): Promise<JwksHost> {
  const host = { requests: 0, answer: { status: 200, body: JSON.stringify(body) } } as JwksHost;
  const server: Server = createServer((_request, response) => {
    host.requests++;
    const answer = host.answer;
    if (answer === 'hang') return;
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  Object.assign(host, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  });
  hosts.push(host);
  return host;
}

const es256 = (kid: string) => AsymmetricKey.fromKeyObjects('ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }), kid);

describe('RemoteKeySet', () => {
  it('keeps only keys that fit ALGORITHM and can verify', async () => {
    const good = es256('good');
    const rsa = AsymmetricKey.fromKeyObjects('RS256', generateKeyPairSync('rsa', { modulusLength: 2048 }), 'rsa');
    const host = await jwksHost({
      keys: [
        good.publicJwk(),
        rsa.publicJwk(),
        { ...rsa.publicJwk(), kid: 'rsa-without-alg', alg: undefined },
        { ...es256('labelled-es384').publicJwk(), alg: 'ES384' },
        { ...es256('for-encryption').publicJwk(), use: 'enc' },
        { ...es256('private').publicJwk(), d: 'AAAA' },
        { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA', kid: 'hmac' },
        'not a key',
      ],
    });
    const skipped: string[] = [];
    const set = new RemoteKeySet({ url: host.url, algorithm: 'ES256', onError: (error) => skipped.push(error.message) });
    expect(await set.refresh()).toBe(true);
    expect(set.kids).toEqual(['good']);
    expect(set.keyFor('good')?.publicJwk()).toEqual(good.publicJwk());
    expect(skipped.join('\n')).toMatch(/skipped key rsa: .*"alg" is "RS256", not ES256/);
    expect(skipped.join('\n')).toMatch(/skipped key rsa-without-alg: ES256 needs an EC key on P-256, not an RSA key/);
    expect(skipped.join('\n')).toMatch(/skipped key hmac/);
  });

  it('refetches for an unknown kid at most once per cool-down, and shares one fetch between callers', async () => {
    const host = await jwksHost({ keys: [es256('a').publicJwk()] });
    let now = 1_000_000;
    const set = new RemoteKeySet({ url: host.url, algorithm: 'ES256', cooldownMs: 30_000, now: () => now });
    expect(await Promise.all([set.refreshForKid('a'), set.refreshForKid('a'), set.refreshForKid('a')])).toEqual([true, true, true]);
    expect(host.requests).toBe(1);

    // A flood of forged kids costs nothing within the cool-down.
    for (let i = 0; i < 50; i++) expect(await set.refreshForKid(`forged-${i}`)).toBe(false);
    expect(host.requests).toBe(1);

    // The signer publishes a new key: found after the cool-down, by the first token naming it.
    host.answer = { status: 200, body: JSON.stringify({ keys: [es256('a').publicJwk(), es256('b').publicJwk()] }) };
    now += 30_001;
    expect(await set.refreshForKid('b')).toBe(true);
    expect(host.requests).toBe(2);
  });

  it('honours the max-age of the response, refetching in the background while answering from cache', async () => {
    const host = await jwksHost({ keys: [es256('a').publicJwk()] });
    host.answer = {
      status: 200,
      body: JSON.stringify({ keys: [es256('a').publicJwk()] }),
      headers: { 'cache-control': 'public, max-age=60' },
    };
    let now = 0;
    const set = new RemoteKeySet({ url: host.url, algorithm: 'ES256', now: () => now });
    await set.refresh();
    now = 59_000;
    expect(set.keyFor('a')).toBeDefined();
    expect(host.requests).toBe(1);
    now = 61_000;
    expect(set.keyFor('a')).toBeDefined();
    await expect.poll(() => host.requests).toBe(2);
  });

  it('fails closed on errors, never throws, and keeps the previous keys only for stale-if-error', async () => {
    const host = await jwksHost({ keys: [es256('a').publicJwk()] });
    let now = 0;
    const errors: string[] = [];
    const set = new RemoteKeySet({
      url: host.url,
      algorithm: 'ES256',
      now: () => now,
      staleIfErrorMs: 3_600_000,
      onError: (error) => errors.push(error.message),
    });
    await set.refresh();

    for (const answer of [
      { status: 500, body: 'oops' },
      { status: 200, body: 'not json' },
      { status: 200, body: '{"keys":"none"}' },
      { status: 200, body: JSON.stringify({ keys: [es256('d').publicJwk(), es256('d').publicJwk()] }) },
    ]) {
      host.answer = answer;
      expect(await set.refresh()).toBe(false);
      expect(set.keyFor('a')).toBeDefined();
    }
    expect(errors.join('\n')).toMatch(/answered 500[\s\S]*not JSON[\s\S]*no "keys" list[\s\S]*two keys with kid "d"/);
    now = 3_600_001;
    expect(set.keyFor('a')).toBeUndefined();
  });

  it('gives up on a JWKS host that does not answer within the timeout', async () => {
    const host = await jwksHost({ keys: [] });
    host.answer = 'hang';
    const set = new RemoteKeySet({ url: host.url, algorithm: 'ES256', timeoutMs: 200 });
    const started = Date.now();
    expect(await set.refreshForKid('a')).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses HMAC algorithms and non-http URLs', () => {
    expect(() => new RemoteKeySet({ url: 'https://example.test/jwks.json', algorithm: 'HS256' })).toThrow(/asymmetric ALGORITHM/);
    expect(() => new RemoteKeySet({ url: 'file:///etc/passwd', algorithm: 'ES256' })).toThrow(/http\(s\) URL/);
  });
});
