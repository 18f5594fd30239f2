/**
 * Known JWT attacks against the bundled server, over real HTTP (issue 6 §1, checklist §2-§3).
 *
 * Every forged token is sent to all four places a token is read (a Bearer header on a protected
 * view, and the refresh, verify and blacklist bodies) and must get simplejwt's exact 401, never
 * a 5xx. Tokens are forged with node:crypto on bytes chosen here (./support/forge.ts). Where an
 * attack needs the server's own key to reach a code path (a "library-level" case in the
 * checklist: a validly MACed token whose header or payload is hostile), a control test first
 * shows that the same construction with a clean header or payload is accepted, so each refusal
 * is caused by the one thing the case changes.
 *
 * Test names carry the checklist requirement (SEC-xx) and CVE they prove; docs/security.md maps
 * requirements to them. The last block reads everything the servers wrote to stdout/stderr and
 * checks that no secret, password or token ever appears there (SEC-48).
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/stores/open-store.js';
import type { Store } from '../../src/model/store.js';
import { client } from '../http/api-suite.js';
import { startCliServer, SUPERUSER, TEST_SECRET, type CliServerProcess } from '../support/cli-server.js';
import {
  attackerKeys,
  b64u,
  forgeAsymmetric,
  forgeHmac,
  forgeWithSignature,
  hmac,
  KEY_PREFIXES,
  publicKeyForms,
  signingInputOf,
  type ForgeInput,
} from './support/forge.js';
import {
  claimsFor,
  ENDPOINTS,
  expectRefused,
  INVALID,
  KIND_FOR,
  nowSeconds,
  present,
  PYJWT_HEADER,
  type Api,
  type Endpoint,
  type Reply,
} from './support/token-endpoints.js';

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'tessera-api';

/** The attacker's own RSA and EC key pairs; the RSA public key also plays "the server's public key" for key confusion. */
const attacker = attackerKeys();

let server: CliServerProcess;
let slidingServer: CliServerProcess;
let issuerServer: CliServerProcess;
let api: Api;
let store: Store;
/** Every token that was valid at some point (issued by a server, or forged with its key): none may be logged. */
const liveTokens = new Set<string>();
/** Every response body any server sent in this file: no secret may be in one. */
const responseTexts: string[] = [];
/** Passwords used in this file: none may be logged. */
const passwords = new Set<string>([SUPERUSER.password]);

/** The API client, recording every response body. */
function recordingClient(baseUrl: string): Api {
  const inner = client(baseUrl);
  const send: Api['send'] = async (method, path, options) => {
    const reply = await inner.send(method, path, options);
    responseTexts.push(reply.text);
    for (const value of Object.values((reply.json ?? {}) as Record<string, unknown>))
      if (typeof value === 'string' && value.split('.').length === 3) liveTokens.add(value);
    return reply;
  };
  return {
    send,
    post: (path, body, headers = {}) =>
      send('POST', path, { body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } }),
    get: (path, token) => send('GET', path, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } }),
  };
}

/** A listener standing in for an attacker's key server: `jku`/`x5u` must never make Tessera call it. */
let keyServer: Server;
let keyServerHits = 0;
let keyServerUrl = '';

beforeAll(async () => {
  keyServer = createHttpServer((_request, response) => {
    keyServerHits++;
    response.end('{"keys":[]}');
  });
  await new Promise<void>((listening) => keyServer.listen(0, '127.0.0.1', listening));
  keyServerUrl = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}`;
  [server, slidingServer, issuerServer] = await Promise.all([
    startCliServer({}),
    startCliServer({ TESSERA_AUTH_TOKEN_CLASSES: 'AccessToken,SlidingToken' }),
    startCliServer({ TESSERA_ISSUER: ISSUER, TESSERA_AUDIENCE: AUDIENCE }),
  ]);
  api = recordingClient(server.baseUrl);
  store = await openStore(server.databaseUrl);
});

afterAll(async () => {
  await store?.close();
  await Promise.all([server?.stop(), slidingServer?.stop(), issuerServer?.stop()]);
  await new Promise((closed) => keyServer?.close(closed));
});

/** A token MACed with the server's real key: what a test needs to reach past the signature check. */
function signed(input: ForgeInput): string {
  const token = forgeHmac(input, TEST_SECRET);
  liveTokens.add(token);
  return token;
}

/** A clean, valid token of the kind `endpoint` expects, with `changes` to its claims. */
function validFor(endpoint: Endpoint, changes: Record<string, unknown> = {}): string {
  return signed({ header: PYJWT_HEADER, payload: claimsFor(KIND_FOR[endpoint], changes) });
}

function splitToken(token: string): [string, string, string] {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return [header, payload, signature];
}

/** An attack: how to build the token for an endpoint, and the refusal message expected there. */
interface Attack {
  readonly name: string;
  readonly token: (endpoint: Endpoint) => string;
  readonly message?: string;
  readonly endpoints?: readonly Endpoint[];
}

/** One `it` per attack, each presenting its token at every endpoint it applies to. */
function refusesAll(attacks: readonly Attack[]): void {
  it.each(attacks.map((attack) => [attack.name, attack] as const))('%s', async (_name, attack) => {
    for (const endpoint of attack.endpoints ?? ENDPOINTS) {
      expectRefused(await present(api, endpoint, attack.token(endpoint)), endpoint, attack.message ?? INVALID);
    }
  });
}

/** A payload for `endpoint` as raw JSON text, so duplicate members and odd spellings are possible. */
function rawClaimsText(endpoint: Endpoint, extra: string): string {
  const iat = nowSeconds();
  const kind = KIND_FOR[endpoint];
  return `{"token_type":"${kind}","exp":${iat + 300},"iat":${iat},"jti":"${randomBytes(16).toString('hex')}"${extra}}`;
}

describe('control: tokens forged here with the server key are accepted', () => {
  it('a clean forged token is accepted at every endpoint (so every refusal below is caused by the attack)', async () => {
    for (const endpoint of ENDPOINTS) {
      const reply = await present(api, endpoint, validFor(endpoint));
      expect(reply.status, `${endpoint}: ${reply.text}`).toBe(200);
    }
  });

  it('a raw-text payload built the way the duplicate-member cases build theirs is accepted', async () => {
    for (const endpoint of ENDPOINTS) {
      const reply = await present(api, endpoint, signed({ header: PYJWT_HEADER, payload: rawClaimsText(endpoint, ',"user_id":1') }));
      expect(reply.status, `${endpoint}: ${reply.text}`).toBe(200);
    }
  });
});

describe('algorithm pinning (SEC-08)', () => {
  const noneVariants = ['none', 'None', 'NONE', 'nOnE'];
  refusesAll([
    ...noneVariants.flatMap((alg): Attack[] => [
      {
        name: `alg "${alg}" with an empty signature (SEC-08, CVE-2015-2951, CVE-2022-23540)`,
        token: (endpoint) => forgeWithSignature({ header: { alg, typ: 'JWT' }, payload: claimsFor(KIND_FOR[endpoint]) }, ''),
      },
      {
        name: `alg "${alg}" with a garbage signature (SEC-08)`,
        token: (endpoint) => forgeWithSignature({ header: { alg, typ: 'JWT' }, payload: claimsFor(KIND_FOR[endpoint]) }, 'AAAAAAAA'),
      },
      {
        name: `alg "${alg}" carrying a real HS256 MAC (SEC-08)`,
        token: (endpoint) => signed({ header: { alg, typ: 'JWT' }, payload: claimsFor(KIND_FOR[endpoint]) }),
      },
    ]),
    {
      name: 'alg "hs256" (case differs) with a real HS256 MAC (SEC-08)',
      token: (e) => signed({ header: { alg: 'hs256', typ: 'JWT' }, payload: claimsFor(KIND_FOR[e]) }),
    },
    {
      name: 'alg "HS256 " (trailing space) with a real HS256 MAC (SEC-08)',
      token: (e) => signed({ header: { alg: 'HS256 ', typ: 'JWT' }, payload: claimsFor(KIND_FOR[e]) }),
    },
    { name: 'no alg member (SEC-08)', token: (e) => signed({ header: { typ: 'JWT' }, payload: claimsFor(KIND_FOR[e]) }) },
    { name: 'alg null (SEC-08)', token: (e) => signed({ header: { alg: null, typ: 'JWT' }, payload: claimsFor(KIND_FOR[e]) }) },
    {
      name: 'alg ["HS256"] (an array) (SEC-08)',
      token: (e) => signed({ header: { alg: ['HS256'], typ: 'JWT' }, payload: claimsFor(KIND_FOR[e]) }),
    },
    {
      name: 'HS384 token MACed with the real secret while HS256 is configured (SEC-08)',
      token: (e) => forgeHmac({ header: { alg: 'HS384', typ: 'JWT' }, payload: claimsFor(KIND_FOR[e]) }, TEST_SECRET, 'HS384'),
    },
    {
      name: 'HS512 token MACed with the real secret while HS256 is configured (SEC-08)',
      token: (e) => forgeHmac({ header: { alg: 'HS512', typ: 'JWT' }, payload: claimsFor(KIND_FOR[e]) }, TEST_SECRET, 'HS512'),
    },
    {
      name: 'RS256 token signed with an attacker key (SEC-08)',
      token: (e) =>
        forgeAsymmetric({ header: { alg: 'RS256', typ: 'JWT' }, payload: claimsFor(KIND_FOR[e]) }, 'RS256', attacker.rsa.privateKey),
    },
    {
      name: 'ES256 token signed with an attacker key (SEC-08)',
      token: (e) =>
        forgeAsymmetric({ header: { alg: 'ES256', typ: 'JWT' }, payload: claimsFor(KIND_FOR[e]) }, 'ES256', attacker.ec.privateKey),
    },
    {
      name: 'ES256 token with an all-zero 64-byte signature (CVE-2022-21449)',
      token: (e) => forgeWithSignature({ header: { alg: 'ES256', typ: 'JWT' }, payload: claimsFor(KIND_FOR[e]) }, b64u(Buffer.alloc(64))),
    },
    {
      name: 'HS256 header with an HS512-length MAC (SEC-15: a wrong-length signature is a 401, not a 500)',
      token: (e) => forgeHmac({ header: PYJWT_HEADER, payload: claimsFor(KIND_FOR[e]) }, TEST_SECRET, 'HS512'),
    },
    {
      name: 'a truncated signature (SEC-15)',
      token: (e) => {
        const [header, payload, signature] = splitToken(validFor(e));
        return `${header}.${payload}.${signature.slice(0, 20)}`;
      },
    },
    {
      name: 'HS256 MACed with an empty key (CVE-2019-20933, CVE-2020-28637)',
      token: (e) => forgeHmac({ header: PYJWT_HEADER, payload: claimsFor(KIND_FOR[e]) }, ''),
    },
    {
      name: 'HS256 MACed with another secret (SEC-08)',
      token: (e) => forgeHmac({ header: PYJWT_HEADER, payload: claimsFor(KIND_FOR[e]) }, 'not-the-server-secret-0123456789abcdef'),
    },
  ]);
});

describe('HS/RS key confusion: HS256 MACed with an RSA public key (SEC-09)', () => {
  // A real RSA public key, as an RS256 server would publish it (a JWKS, a PEM on a website).
  const publicJwk = attacker.rsa.publicKey.export({ format: 'jwk' }) as { kty: 'RSA'; n: string; e: string };
  const forms = publicKeyForms(publicJwk);
  const attacks: Attack[] = [];
  for (const [formName, bytes] of Object.entries(forms)) {
    attacks.push({
      name: `HS256 MACed with the public key as ${formName} (SEC-09, CVE-2015-9235, CVE-2016-10555, CVE-2017-11424, CVE-2022-29217)`,
      token: (e) => forgeHmac({ header: PYJWT_HEADER, payload: claimsFor(KIND_FOR[e]) }, bytes),
    });
    for (const [prefixName, prefix] of Object.entries(KEY_PREFIXES)) {
      attacks.push({
        name: `HS256 MACed with the public key as ${formName} prefixed by ${prefixName} (SEC-09, CVE-2023-48223, CVE-2026-34950)`,
        token: (e) => forgeHmac({ header: PYJWT_HEADER, payload: claimsFor(KIND_FOR[e]) }, Buffer.concat([Buffer.from(prefix), bytes])),
      });
    }
  }
  attacks.push({
    name: 'header alg RS256 with an HMAC made from the SPKI PEM (SEC-09)',
    token: (e) => forgeHmac({ header: { alg: 'RS256', typ: 'JWT' }, payload: claimsFor(KIND_FOR[e]) }, forms['SPKI PEM'] ?? ''),
  });
  refusesAll(attacks);
});

describe('keys named by the token itself (SEC-11, SEC-12)', () => {
  const attackerJwk = () => attacker.rsa.publicKey.export({ format: 'jwk' });
  refusesAll([
    {
      name: 'RS256 signed by the attacker, with the attacker public key in a jwk header (SEC-11, CVE-2018-0114)',
      token: (e) =>
        forgeAsymmetric(
          { header: { alg: 'RS256', typ: 'JWT', jwk: attackerJwk() }, payload: claimsFor(KIND_FOR[e]) },
          'RS256',
          attacker.rsa.privateKey,
        ),
    },
    {
      name: 'HS256 MACed with an attacker secret, announced as an oct jwk header (SEC-11)',
      token: (e) => {
        const secret = 'attacker-chosen-secret-0123456789abcdef';
        return forgeHmac(
          { header: { alg: 'HS256', typ: 'JWT', jwk: { kty: 'oct', k: b64u(secret) } }, payload: claimsFor(KIND_FOR[e]) },
          secret,
        );
      },
    },
    ...(['jwk', 'jku', 'x5u', 'x5c'] as const).map((member): Attack => ({
      name: `a ${member} header is refused even with a valid MAC from the real key (SEC-11)`,
      token: (e) => {
        const value =
          member === 'jwk'
            ? attackerJwk()
            : member === 'x5c'
              ? [Buffer.alloc(300, 1).toString('base64')]
              : `${keyServerUrl}/${member}.json`;
        return signed({ header: { alg: 'HS256', typ: 'JWT', [member]: value }, payload: claimsFor(KIND_FOR[e]) });
      },
    })),
    ...(['jku', 'x5u'] as const).map((member): Attack => ({
      name: `RS256 by the attacker, with its key at a ${member} URL the attacker serves (SEC-11)`,
      token: (e) =>
        forgeAsymmetric(
          { header: { alg: 'RS256', typ: 'JWT', [member]: `${keyServerUrl}/keys` }, payload: claimsFor(KIND_FOR[e]) },
          'RS256',
          attacker.rsa.privateKey,
        ),
    })),
    {
      name: 'kid "../../../../../../dev/null" MACed with an empty key (SEC-12, jwt_tool playbook)',
      token: (e) =>
        forgeHmac({ header: { alg: 'HS256', typ: 'JWT', kid: '../../../../../../dev/null' }, payload: claimsFor(KIND_FOR[e]) }, ''),
    },
    {
      name: 'kid "/dev/null" MACed with an empty key (SEC-12)',
      token: (e) => forgeHmac({ header: { alg: 'HS256', kid: '/dev/null' }, payload: claimsFor(KIND_FOR[e]) }, ''),
    },
    {
      name: 'kid "/invalid_path" MACed with an empty key (SEC-12)',
      token: (e) => forgeHmac({ header: { alg: 'HS256', kid: '/invalid_path' }, payload: claimsFor(KIND_FOR[e]) }, ''),
    },
    {
      name: 'kid "|sleep 10" (SEC-12)',
      token: (e) => forgeHmac({ header: { alg: 'HS256', kid: '|sleep 10' }, payload: claimsFor(KIND_FOR[e]) }, ''),
    },
    {
      name: `kid "x' UNION SELECT '1';--" MACed with the key "1" (SEC-12)`,
      token: (e) => forgeHmac({ header: { alg: 'HS256', kid: "x' UNION SELECT '1';--" }, payload: claimsFor(KIND_FOR[e]) }, '1'),
    },
    {
      name: 'a 10,000-character kid (SEC-12, SEC-03)',
      token: (e) => forgeHmac({ header: { alg: 'HS256', kid: 'k'.repeat(10_000) }, payload: claimsFor(KIND_FOR[e]) }, ''),
    },
  ]);

  it('never fetched the jku / x5u URLs the tokens named (SEC-11), and a kid of "|sleep 10" ran nothing', async () => {
    const started = Date.now();
    const reply = await present(api, 'verify', forgeHmac({ header: { alg: 'HS256', kid: '|sleep 10' }, payload: claimsFor('access') }, ''));
    expect(reply.status).toBe(401);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(keyServerHits).toBe(0);
  });
});

describe('crit, b64 and JWE headers (SEC-13, SEC-14)', () => {
  refusesAll([
    {
      name: 'crit ["x-foo"] with x-foo present and a valid MAC (SEC-13, CVE-2026-32597)',
      token: (e) => signed({ header: { alg: 'HS256', typ: 'JWT', crit: ['x-foo'], 'x-foo': 1 }, payload: claimsFor(KIND_FOR[e]) }),
    },
    {
      name: 'crit ["exp"] with a valid MAC (SEC-13)',
      token: (e) => signed({ header: { alg: 'HS256', crit: ['exp'] }, payload: claimsFor(KIND_FOR[e]) }),
    },
    {
      name: 'crit [] (empty, invalid per RFC 7515 §4.1.11) with a valid MAC (SEC-13)',
      token: (e) => signed({ header: { alg: 'HS256', crit: [] }, payload: claimsFor(KIND_FOR[e]) }),
    },
    {
      name: 'b64 false with crit ["b64"] and a valid MAC (SEC-13, RFC 7797)',
      token: (e) => signed({ header: { alg: 'HS256', b64: false, crit: ['b64'] }, payload: claimsFor(KIND_FOR[e]) }),
    },
    {
      name: 'b64 false, MAC over the raw (unencoded) payload as RFC 7797 defines it (SEC-13)',
      token: (e) => {
        const header = b64u(JSON.stringify({ alg: 'HS256', b64: false, crit: ['b64'] }));
        const payload = JSON.stringify(claimsFor(KIND_FOR[e]));
        return `${header}.${payload}.${b64u(hmac('HS256', TEST_SECRET, `${header}.${payload}`))}`;
      },
    },
    {
      name: 'b64 false without crit and a valid MAC (SEC-13)',
      token: (e) => signed({ header: { alg: 'HS256', b64: false }, payload: claimsFor(KIND_FOR[e]) }),
    },
    {
      name: 'a 5-part JWE (dir / A256GCM) (SEC-14, CVE-2022-3102)',
      token: () =>
        `${b64u('{"alg":"dir","enc":"A256GCM"}')}..${b64u(Buffer.alloc(12, 7))}.${b64u(Buffer.alloc(40, 9))}.${b64u(Buffer.alloc(16, 3))}`,
    },
    {
      name: 'a 5-part JWE with zip "DEF" (SEC-14, CVE-2024-28176)',
      token: () =>
        `${b64u('{"alg":"dir","enc":"A256GCM","zip":"DEF"}')}..${b64u(Buffer.alloc(12, 7))}.${b64u(Buffer.alloc(40, 9))}.${b64u(Buffer.alloc(16, 3))}`,
    },
    {
      name: 'a 5-part JWE with PBES2 p2c 2147483647 (SEC-14, CVE-2022-36083)',
      token: () =>
        `${b64u(JSON.stringify({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 2147483647, p2s: b64u(Buffer.alloc(16, 1)) }))}.${b64u(Buffer.alloc(24, 5))}.${b64u(Buffer.alloc(12, 7))}.${b64u(Buffer.alloc(40, 9))}.${b64u(Buffer.alloc(16, 3))}`,
    },
    {
      name: 'a JWS header carrying enc, with a valid MAC (SEC-14)',
      token: (e) => signed({ header: { alg: 'HS256', enc: 'A256GCM' }, payload: claimsFor(KIND_FOR[e]) }),
    },
    {
      name: 'a JWS header carrying zip "DEF", with a valid MAC (SEC-14)',
      token: (e) => signed({ header: { alg: 'HS256', zip: 'DEF' }, payload: claimsFor(KIND_FOR[e]) }),
    },
    {
      name: 'a JWS header carrying p2c 2147483647, with a valid MAC (SEC-14)',
      token: (e) => signed({ header: { alg: 'HS256', p2c: 2147483647 }, payload: claimsFor(KIND_FOR[e]) }),
    },
  ]);
});

describe('compact serialization, exactly three canonical base64url segments (SEC-01, SEC-02)', () => {
  const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  /** A valid token whose signature contains `-` or `_`, so they can be swapped for `+` or `/`. */
  function withUrlSafeCharacter(endpoint: Endpoint): string {
    for (;;) {
      const token = validFor(endpoint);
      if (/[-_]/.test(splitToken(token)[2])) return token;
    }
  }
  /**
   * A validly MACed token whose payload segment is non-canonical: its last character carries
   * non-zero unused bits. The MAC covers that exact spelling, so only the canonical check stops it.
   */
  function nonCanonicalPayload(endpoint: Endpoint): string {
    for (let pad = 0; ; pad++) {
      const payloadJson = JSON.stringify(claimsFor(KIND_FOR[endpoint], { x: 'y'.repeat(pad) }));
      if (Buffer.byteLength(payloadJson) % 3 === 0) continue;
      const canonical = b64u(payloadJson);
      const last = BASE64URL.indexOf(canonical.slice(-1));
      const sibling = `${canonical.slice(0, -1)}${BASE64URL[last ^ 1]}`;
      const signingInput = `${b64u(PYJWT_HEADER)}.${sibling}`;
      return `${signingInput}.${b64u(hmac('HS256', TEST_SECRET, signingInput))}`;
    }
  }
  refusesAll([
    { name: 'two segments (SEC-01)', token: (e) => splitToken(validFor(e)).slice(0, 2).join('.') },
    { name: 'one segment (SEC-01)', token: (e) => splitToken(validFor(e))[0] },
    { name: 'four segments: a valid token plus ".AAAA" (SEC-01)', token: (e) => `${validFor(e)}.AAAA` },
    { name: 'four segments: a valid token plus "." (SEC-01)', token: (e) => `${validFor(e)}.` },
    {
      name: "five segments made of a valid token's parts (SEC-01)",
      token: (e) => `${validFor(e)}.${splitToken(validFor(e))[2]}.${splitToken(validFor(e))[2]}`,
    },
    {
      name: 'an empty signature: header.payload. (SEC-01, CVE-2020-28042)',
      token: (e) => `${splitToken(validFor(e)).slice(0, 2).join('.')}.`,
    },
    { name: 'an empty header: .payload.signature (SEC-01)', token: (e) => `.${splitToken(validFor(e)).slice(1).join('.')}` },
    { name: 'an empty payload: header..signature (SEC-01)', token: (e) => `${splitToken(validFor(e))[0]}..${splitToken(validFor(e))[2]}` },
    { name: 'only dots ".." (SEC-01)', token: () => '..' },
    { name: '"=" padding after the signature (SEC-01, SEC-02)', token: (e) => `${validFor(e)}=` },
    {
      name: 'the last signature character swapped for the sibling that decodes to the same bytes (SEC-02)',
      token: (e) => {
        const token = validFor(e);
        return `${token.slice(0, -1)}${BASE64URL[BASE64URL.indexOf(token.slice(-1)) ^ 1]}`;
      },
    },
    {
      name: '"+" / "/" (standard base64) in place of "-" / "_" (SEC-01)',
      token: (e) => withUrlSafeCharacter(e).replace(/-/g, '+').replace(/_/g, '/'),
    },
    {
      name: 'a payload segment with non-zero unused bits, MACed as spelt (SEC-02, Wycheproof tc374)',
      token: (e) => nonCanonicalPayload(e),
    },
    {
      name: 'a header segment with "=" padding, MACed as spelt (SEC-02)',
      token: (e) => {
        // 16 bytes of header: standard base64 ends it with "==".
        const signingInput = `${Buffer.from('{"alg":"HS256" }').toString('base64')}.${b64u(JSON.stringify(claimsFor(KIND_FOR[e])))}`;
        return `${signingInput}.${b64u(hmac('HS256', TEST_SECRET, signingInput))}`;
      },
    },
    { name: 'a "?" inside the signature (SEC-01, Wycheproof tc361)', token: (e) => `${validFor(e)}?` },
    {
      name: 'the flattened JSON serialization of a valid token (SEC-01, CVE-2022-39227, Wycheproof tc17)',
      token: (e) => {
        const [header, payload, signature] = splitToken(validFor(e));
        return JSON.stringify({ payload, protected: header, signature });
      },
    },
    {
      name: 'the general JSON serialization of a valid token (SEC-01, CVE-2022-39227)',
      token: (e) => {
        const [header, payload, signature] = splitToken(validFor(e));
        return JSON.stringify({ payload, signatures: [{ protected: header, header: { kid: 'x' }, signature }] });
      },
    },
    { name: 'a polyglot: a valid token inside a JSON string (SEC-01, CVE-2022-39227)', token: (e) => `{"a":"${validFor(e)}"}` },
    {
      name: 'a fullwidth full stop (U+FF0E) in place of a dot (SEC-01)',
      token: (e) => validFor(e).replace('.', '\uff0e'),
      endpoints: ['refresh', 'verify', 'blacklist'],
    },
    {
      name: 'a space inside the payload segment (SEC-01, Wycheproof tc368)',
      token: (e) => validFor(e).replace('.', '. '),
      endpoints: ['refresh', 'verify', 'blacklist'],
    },
    {
      name: 'a tab inside the header segment (SEC-01)',
      token: (e) => validFor(e).replace('.', '\t.'),
      endpoints: ['refresh', 'verify', 'blacklist'],
    },
    {
      name: 'a newline inside the signature (SEC-01)',
      token: (e) => {
        const t = validFor(e);
        return `${t.slice(0, -5)}\n${t.slice(-5)}`;
      },
      endpoints: ['refresh', 'verify', 'blacklist'],
    },
    {
      name: 'a no-break space (U+00A0) inside a segment (SEC-01)',
      token: (e) => validFor(e).replace('.', '\u00a0.'),
      endpoints: ['refresh', 'verify', 'blacklist'],
    },
  ]);

  it('whitespace inside a Bearer token splits the header: simplejwt\'s "two space-delimited values" 401', async () => {
    for (const separator of [' ', '\t']) {
      const reply = await api.send('GET', '/protected/', {
        headers: { authorization: `Bearer ${validFor('bearer').replace('.', `${separator}.`)}` },
      });
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual({
        detail: 'Authorization header must contain two space-delimited values',
        code: 'bad_authorization_header',
      });
    }
  });

  it("whitespace around a body token is removed by the field, as DRF's CharField does; the token itself stays strict", async () => {
    const reply = await present(api, 'verify', ` \t${validFor('verify')}\n `);
    expect(reply.status, reply.text).toBe(200);
  });
});

describe('header and payload must be unique-member JSON objects (SEC-04, SEC-05, SEC-07, SEC-24)', () => {
  const payloadAttack = (name: string, payload: (endpoint: Endpoint) => string | Buffer): Attack => ({
    name,
    token: (e) => signed({ header: PYJWT_HEADER, payload: payload(e) }),
  });
  refusesAll([
    payloadAttack('payload [1,2] (a JSON array) with a valid MAC (SEC-04, CVE-2026-107723)', () => '[1,2]'),
    payloadAttack('payload "x" (a JSON string) with a valid MAC (SEC-04)', () => '"x"'),
    payloadAttack('payload 1 with a valid MAC (SEC-04)', () => '1'),
    payloadAttack('payload null with a valid MAC (SEC-04)', () => 'null'),
    payloadAttack('payload true with a valid MAC (SEC-04)', () => 'true'),
    payloadAttack('payload that is not JSON, with a valid MAC (SEC-04)', () => 'not json'),
    payloadAttack('an empty payload with a valid MAC (SEC-04)', () => ''),
    payloadAttack('payload {"a":"\\xff"}: invalid UTF-8, with a valid MAC (SEC-04)', (e) => {
      const [before = '', after = ''] = rawClaimsText(e, ',"user_id":1,"a":"@"').split('@');
      return Buffer.concat([Buffer.from(before), Buffer.from([0xff]), Buffer.from(after)]);
    }),
    payloadAttack(
      'a payload starting with a UTF-8 byte order mark, with a valid MAC (SEC-04)',
      (e) => `\ufeff${JSON.stringify(claimsFor(KIND_FOR[e]))}`,
    ),
    { name: 'header null with a valid MAC (SEC-04)', token: (e) => signed({ header: 'null', payload: claimsFor(KIND_FOR[e]) }) },
    { name: 'header [] with a valid MAC (SEC-04)', token: (e) => signed({ header: '[]', payload: claimsFor(KIND_FOR[e]) }) },
    {
      name: 'header "HS256" (a JSON string) with a valid MAC (SEC-04)',
      token: (e) => signed({ header: '"HS256"', payload: claimsFor(KIND_FOR[e]) }),
    },
    {
      name: 'a header that is not JSON, with a valid MAC (SEC-04)',
      token: (e) => signed({ header: '{"alg":"HS256"', payload: claimsFor(KIND_FOR[e]) }),
    },
    {
      name: 'a header with invalid UTF-8, with a valid MAC (SEC-04)',
      token: (e) => {
        const signingInput = `${b64u(Buffer.concat([Buffer.from('{"alg":"HS256","x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]))}.${b64u(JSON.stringify(claimsFor(KIND_FOR[e])))}`;
        return `${signingInput}.${b64u(hmac('HS256', TEST_SECRET, signingInput))}`;
      },
    },
    {
      name: 'header {"alg":"HS256","alg":"none"} with an empty signature (SEC-05)',
      token: (e) => forgeWithSignature({ header: '{"alg":"HS256","alg":"none"}', payload: claimsFor(KIND_FOR[e]) }, ''),
    },
    {
      name: 'header {"alg":"none","alg":"HS256"} with a valid MAC: duplicates refused outright (SEC-05)',
      token: (e) => signed({ header: '{"alg":"none","alg":"HS256"}', payload: claimsFor(KIND_FOR[e]) }),
    },
    payloadAttack('duplicate user_id (999, then 1) with a valid MAC (SEC-05)', (e) => rawClaimsText(e, ',"user_id":999,"user_id":1')),
    payloadAttack('duplicate token_type with a valid MAC (SEC-05)', (e) => rawClaimsText(e, ',"user_id":1,"token_type":"sliding"')),
    payloadAttack('duplicate exp (expired, then valid) with a valid MAC (SEC-05)', (e) =>
      rawClaimsText(e, ',"user_id":1').replace('"exp":', '"exp":1,"exp":'),
    ),
    payloadAttack('a duplicate spelt with an escape ("\\u0075ser_id") with a valid MAC (SEC-05)', (e) =>
      rawClaimsText(e, ',"user_id":1,"\\u0075ser_id":999'),
    ),
    {
      // In a Bearer header this token is over Node's 16 KiB header limit: a 431 (input-bounds.test.ts).
      name: 'a header nested 10,000 levels deep (SEC-07, CVE-2025-53864)',
      token: (e) => signed({ header: `{"alg":"HS256","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, payload: claimsFor(KIND_FOR[e]) }),
      endpoints: ['refresh', 'verify', 'blacklist'],
    },
    {
      name: 'a validly MACed token longer than the length cap (SEC-03)',
      token: (e) => signed({ header: PYJWT_HEADER, payload: claimsFor(KIND_FOR[e], { padding: 'p'.repeat(9000) }) }),
    },
  ]);

  it('a payload nested as deep as the length cap allows, validly MACed, is handled without a crash (SEC-07)', async () => {
    for (const endpoint of ENDPOINTS) {
      const deep = JSON.parse(`${'['.repeat(2800)}${']'.repeat(2800)}`) as unknown;
      const reply = await present(api, endpoint, validFor(endpoint, { deep }));
      expect(reply.status, `${endpoint}: ${reply.text.slice(0, 200)}`).toBe(200);
    }
    expect((await api.post('/api/token/', SUPERUSER)).status).toBe(200);
  });

  it('a "__proto__" member cannot supply a missing claim (SEC-24)', async () => {
    const withoutType = (e: Endpoint) => {
      const { token_type: _dropped, ...rest } = claimsFor(KIND_FOR[e]);
      return signed({ header: PYJWT_HEADER, payload: JSON.stringify(rest).replace(/}$/, `,"__proto__":{"token_type":"${KIND_FOR[e]}"}}`) });
    };
    for (const endpoint of ['bearer', 'refresh', 'blacklist'] as const)
      expectRefused(await present(api, endpoint, withoutType(endpoint)), endpoint, 'Token has no type');
    const { user_id: _id, ...noUser } = claimsFor('access');
    const reply = await present(
      api,
      'bearer',
      signed({ header: PYJWT_HEADER, payload: JSON.stringify(noUser).replace(/}$/, ',"__proto__":{"user_id":1}}') }),
    );
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ detail: 'Token contained no recognizable user identification', code: 'token_not_valid' });
  });
});

describe('registered claims of the wrong type or out of range (SEC-18, SEC-19)', () => {
  const claimAttack = (name: string, changes: () => Record<string, unknown>, message?: string): Attack => ({
    name,
    token: (e) => validFor(e, changes()),
    ...(message === undefined ? {} : { message }),
  });
  refusesAll([
    claimAttack('exp "9999999999" (a string) (SEC-18, CVE-2026-25537)', () => ({ exp: '9999999999' })),
    claimAttack('exp true (SEC-18)', () => ({ exp: true })),
    claimAttack('exp null (SEC-18)', () => ({ exp: null })),
    claimAttack('exp [] (SEC-18)', () => ({ exp: [] })),
    claimAttack('exp {} (SEC-18)', () => ({ exp: {} })),
    claimAttack('exp ten seconds ago (SEC-18)', () => ({ exp: nowSeconds() - 10 })),
    {
      name: 'no exp at all (SEC-18)',
      token: (e) => {
        const { exp: _dropped, ...rest } = claimsFor(KIND_FOR[e]);
        return signed({ header: PYJWT_HEADER, payload: rest });
      },
      message: "Token has no 'exp' claim",
    },
    claimAttack('nbf "0" (a string) (SEC-18)', () => ({ nbf: '0' })),
    claimAttack('nbf true (SEC-18)', () => ({ nbf: true })),
    claimAttack('nbf null (SEC-18)', () => ({ nbf: null })),
    claimAttack('nbf an hour from now (SEC-18)', () => ({ nbf: nowSeconds() + 3600 })),
    claimAttack('iat "x" (a string) (SEC-18)', () => ({ iat: 'x' })),
    claimAttack('iat true (SEC-18)', () => ({ iat: true })),
    claimAttack('iat null (SEC-18)', () => ({ iat: null })),
    claimAttack('iat 100 s in the future, leeway 0 (SEC-19)', () => ({ iat: nowSeconds() + 100 })),
  ]);
});

describe('each token type only where it belongs (SEC-21)', () => {
  let pair: { access: string; refresh: string };
  beforeAll(async () => {
    pair = (await api.post('/api/token/', SUPERUSER)).json as { access: string; refresh: string };
  });
  const wrongType = 'Token has wrong type';

  it('a refresh token as a Bearer token: 401 "Token has wrong type"', async () => {
    expectRefused(await present(api, 'bearer', pair.refresh), 'bearer', wrongType);
  });

  it('an access token at refresh and at blacklist: 401 "Token has wrong type"', async () => {
    expectRefused(await present(api, 'refresh', pair.access), 'refresh', wrongType);
    expectRefused(await present(api, 'blacklist', pair.access), 'blacklist', wrongType);
  });

  it('a sliding token where sliding tokens are not enabled: Bearer, refresh and blacklist refuse it', async () => {
    const sliding = signed({ header: PYJWT_HEADER, payload: claimsFor('sliding') });
    for (const endpoint of ['bearer', 'refresh', 'blacklist'] as const)
      expectRefused(await present(api, endpoint, sliding), endpoint, wrongType);
    expect((await api.post('/api/token/sliding/refresh/', { token: sliding })).status).toBe(404);
  });

  it('with sliding tokens enabled: refresh and access tokens are refused at sliding refresh, sliding tokens at refresh and blacklist', async () => {
    const onSliding = recordingClient(slidingServer.baseUrl);
    const { refresh, access } = (await onSliding.post('/api/token/', SUPERUSER)).json as { access: string; refresh: string };
    const { token: sliding } = (await onSliding.post('/api/token/sliding/', SUPERUSER)).json as { token: string };
    for (const token of [refresh, access]) {
      const reply = await onSliding.post('/api/token/sliding/refresh/', { token });
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual({ detail: wrongType, code: 'token_not_valid' });
    }
    expectRefused(await present(onSliding, 'refresh', sliding), 'refresh', wrongType);
    expectRefused(await present(onSliding, 'blacklist', sliding), 'blacklist', wrongType);
    // Where sliding tokens are allowed, a refresh token as Bearer is refused by both classes.
    const bearer = await present(onSliding, 'bearer', refresh);
    expect(bearer.status).toBe(401);
    expect(bearer.json).toEqual({
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [
        { token_class: 'AccessToken', token_type: 'access', message: wrongType },
        { token_class: 'SlidingToken', token_type: 'sliding', message: wrongType },
      ],
    });
  });

  it('a token without token_type: 401 "Token has no type" at Bearer, refresh and blacklist', async () => {
    for (const endpoint of ['bearer', 'refresh', 'blacklist'] as const) {
      const { token_type: _dropped, ...rest } = claimsFor(KIND_FOR[endpoint]);
      expectRefused(await present(api, endpoint, signed({ header: PYJWT_HEADER, payload: rest })), endpoint, 'Token has no type');
    }
  });

  it('a refresh token without jti: 401 "Token has no id" at refresh and blacklist (simplejwt answers 500)', async () => {
    for (const endpoint of ['refresh', 'blacklist'] as const) {
      const { jti: _dropped, ...rest } = claimsFor('refresh');
      expectRefused(await present(api, endpoint, signed({ header: PYJWT_HEADER, payload: rest })), endpoint, 'Token has no id');
    }
  });
});

describe('tokens must name an existing, active user (SEC-23, CVE-2024-22513)', () => {
  const USER_NOT_FOUND = { detail: 'User not found', code: 'user_not_found' };
  const NO_ACCOUNT_FOR_TOKEN = { detail: 'No active account found for the given token.' };

  it.each([
    ['an unknown id', 999_999],
    ['an id of the wrong type: {"$ne":null}', { $ne: null }],
    ['an id of the wrong type: "1 OR 1=1"', '1 OR 1=1'],
    ['an id of the wrong type: [1]', [1]],
    ['an id of the wrong type: 1.5', 1.5],
    ['an id of the wrong type: true', true],
  ])('a Bearer token for %s: 401 "User not found"', async (_name, userId) => {
    const reply = await present(api, 'bearer', validFor('bearer', { user_id: userId }));
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual(USER_NOT_FOUND);
  });

  it('a refresh token for an unknown user: 401 "No active account found for the given token."', async () => {
    const reply = await present(api, 'refresh', validFor('refresh', { user_id: 999_999 }));
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual(NO_ACCOUNT_FOR_TOKEN);
  });

  async function registeredUserWithTokens(username: string): Promise<{ id: number; password: string; access: string; refresh: string }> {
    const password = `${username}-Correct-Horse-88`;
    passwords.add(password);
    const registered = await api.post('/accounts/register/', {
      email: `${username}@example.com`,
      username,
      first_name: 'X',
      password,
      password2: password,
    });
    expect(registered.status, registered.text).toBe(201);
    const { access, refresh } = (await api.post('/api/token/', { username, password })).json as { access: string; refresh: string };
    const user = await store.findUser('username', username);
    return { id: user?.id ?? -1, password, access, refresh };
  }

  it('a deactivated user: Bearer 401 user_inactive, refresh 401, login 401 (the tokens were issued before)', async () => {
    const user = await registeredUserWithTokens('to-deactivate');
    await store.updateUser(user.id, { isActive: false });
    const bearer = await present(api, 'bearer', user.access);
    expect(bearer.status).toBe(401);
    expect(bearer.json).toEqual({ detail: 'User is inactive', code: 'user_inactive' });
    const refresh = await present(api, 'refresh', user.refresh);
    expect(refresh.status).toBe(401);
    expect(refresh.json).toEqual(NO_ACCOUNT_FOR_TOKEN);
    const login = await api.post('/api/token/', { username: 'to-deactivate', password: user.password });
    expect(login.status).toBe(401);
    expect(login.json).toEqual({ detail: 'No active account found with the given credentials' });
  });

  it('a deleted user: Bearer 401 user_not_found, refresh 401', async () => {
    const user = await registeredUserWithTokens('to-delete');
    expect(await store.deleteUser(user.id)).toBe(true);
    const bearer = await present(api, 'bearer', user.access);
    expect(bearer.status).toBe(401);
    expect(bearer.json).toEqual(USER_NOT_FOUND);
    const refresh = await present(api, 'refresh', user.refresh);
    expect(refresh.status).toBe(401);
    expect(refresh.json).toEqual(NO_ACCOUNT_FOR_TOKEN);
  });
});

describe('iss and aud match exactly when configured (SEC-22)', () => {
  let onIssuer: Api;
  beforeAll(() => {
    onIssuer = recordingClient(issuerServer.baseUrl);
  });
  const issued = (endpoint: Endpoint, changes: Record<string, unknown>) =>
    signed({ header: PYJWT_HEADER, payload: claimsFor(KIND_FOR[endpoint], { aud: AUDIENCE, iss: ISSUER, ...changes }) });

  it('control: the configured iss and aud (also aud as a list holding it) are accepted', async () => {
    for (const endpoint of ENDPOINTS) {
      for (const aud of [AUDIENCE, ['another-api', AUDIENCE]]) {
        const reply = await present(onIssuer, endpoint, issued(endpoint, { aud }));
        expect(reply.status, `${endpoint}: ${reply.text}`).toBe(200);
      }
    }
  });

  it.each([
    ['iss a prefix of the issuer (CVE-2024-53861)', { iss: 'https://auth.example' }],
    ['iss a substring of the issuer (CVE-2024-53861)', { iss: 'auth.example.com' }],
    ['iss a list holding the issuer (CVE-2025-30144, CVE-2026-75509)', { iss: ['https://evil.example', ISSUER] }],
    ['iss missing', { iss: undefined }],
    ['aud another audience', { aud: 'another-api' }],
    ['aud a prefix of the audience', { aud: 'tessera' }],
    ['aud an empty list', { aud: [] }],
    ['aud a number', { aud: 5 }],
    ['aud missing', { aud: undefined }],
  ])('%s: 401 at every endpoint', async (_name, changes) => {
    for (const endpoint of ENDPOINTS) {
      const claims = claimsFor(KIND_FOR[endpoint], { aud: AUDIENCE, iss: ISSUER, ...changes });
      for (const [name, value] of Object.entries(changes)) if (value === undefined) delete claims[name];
      expectRefused(await present(onIssuer, endpoint, signed({ header: PYJWT_HEADER, payload: claims })), endpoint);
    }
  });
});

describe('oversized and pathological tokens are refused fast (SEC-03, CVE-2025-30204)', () => {
  async function timed(run: () => Promise<Reply>): Promise<{ reply: Reply; ms: number }> {
    const started = performance.now();
    const reply = await run();
    return { reply, ms: performance.now() - started };
  }

  it('"Bearer " followed by 15,000 dots: 401 well under a second', async () => {
    const { reply, ms } = await timed(() => present(api, 'bearer', '.'.repeat(15_000)));
    expectRefused(reply, 'bearer');
    expect(ms).toBeLessThan(1000);
  });

  it('100 KB of dots in the verify body: 401 well under a second', async () => {
    const { reply, ms } = await timed(() => present(api, 'verify', '.'.repeat(100_000)));
    expectRefused(reply, 'verify');
    expect(ms).toBeLessThan(1000);
  });

  it('the server still answers normally afterwards', async () => {
    expect((await api.post('/api/token/', SUPERUSER)).status).toBe(200);
  });
});

describe('secrets never leave the server (SEC-48, issue 6 §3)', () => {
  it('no response body carried the signing secret', () => {
    expect(responseTexts.length).toBeGreaterThan(100);
    for (const text of responseTexts) expect(text.includes(TEST_SECRET)).toBe(false);
  });

  it("the servers' stdout and stderr hold no secret, password or token", async () => {
    // One more login, refresh and logout, so the log has had every chance to see them.
    const { refresh } = (await api.post('/api/token/', SUPERUSER)).json as { refresh: string };
    await api.post('/api/token/refresh/', { refresh });
    await api.post('/api/token/blacklist/', { refresh });
    await api.post('/api/token/', { username: SUPERUSER.username, password: 'a-wrong-password-to-be-logged?' });
    passwords.add('a-wrong-password-to-be-logged?');
    const logs = [server, slidingServer, issuerServer].map((running) => running.output()).join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(liveTokens.size).toBeGreaterThan(100);
    const leaks = [TEST_SECRET, ...passwords, ...liveTokens].filter((secret) => logs.includes(secret));
    expect(leaks).toEqual([]);
    // Not even a signature segment or the Authorization scheme with a token.
    expect(logs).not.toMatch(/Bearer [A-Za-z0-9_-]{10,}/);
    for (const token of liveTokens) expect(logs.includes(splitToken(token)[2])).toBe(false);
  });
});
