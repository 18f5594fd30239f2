/**
 * The Authorization header on the authenticated views GET /protected/ and GET /hello/
 * (JWTAuthentication + IsAuthenticated): spec §4.1 and §2.3.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectDeliberateDifference, expectParity, type PairRequest } from './compare.js';
import { loginBoth, ROUTES, useServerPair, type BothTokens } from './fixture.js';
import type { HeaderList } from './http-client.js';
import { accessClaims, signJwt } from './jwt.js';

const pair = useServerPair('default');

const NOT_PROVIDED = '{"detail":"Authentication credentials were not provided."}';
const BAD_HEADER = '{"detail":"Authorization header must contain two space-delimited values","code":"bad_authorization_header"}';
const PROTECTED = '{"content":"This view is protected"}';
const invalidBecause = (message: string): string =>
  `{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken","token_type":"access","message":"${message}"}]}`;

let tokens: BothTokens;
beforeAll(async () => {
  // Inside a test-level guard: if the pair did not start, the tests report that error.
  try {
    tokens = await loginBoth(pair());
  } catch {
    // pair() will throw the start-up error in each test.
  }
});

/** A GET whose headers are built from each server's own access/refresh token. */
function get(path: string, headers: (own: { access: string; refresh: string }) => HeaderList, method = 'GET'): PairRequest {
  return (side) => ({ method, path, headers: headers(tokens[side]) });
}

describe.each([ROUTES.protected, ROUTES.hello])('Authorization on GET %s', (path) => {
  const ok = path === ROUTES.protected ? PROTECTED : '{"message":"Hello, World!"}';
  // [name, headers, reference status, reference body]
  const cases: Array<[string, (own: { access: string; refresh: string }) => HeaderList, number, string]> = [
    ['no header', () => [], 401, NOT_PROVIDED],
    ['an empty header', () => [['Authorization', '']], 401, NOT_PROVIDED],
    ['"Token <jwt>"', (own) => [['Authorization', `Token ${own.access}`]], 401, NOT_PROVIDED],
    ['"bearer <jwt>" (lower case)', (own) => [['Authorization', `bearer ${own.access}`]], 401, NOT_PROVIDED],
    ['"BEARER <jwt>"', (own) => [['Authorization', `BEARER ${own.access}`]], 401, NOT_PROVIDED],
    ['"Basic ..."', () => [['Authorization', 'Basic a3lva286Y29udHJhc2VuYXNlZ3VyYQ==']], 401, NOT_PROVIDED],
    ['a bare token', (own) => [['Authorization', own.access]], 401, NOT_PROVIDED],
    ['"Bearer" alone', () => [['Authorization', 'Bearer']], 401, BAD_HEADER],
    ['"Bearer" and trailing spaces', () => [['Authorization', 'Bearer   ']], 401, BAD_HEADER],
    ['"Bearer a b"', () => [['Authorization', 'Bearer a b']], 401, BAD_HEADER],
    ['"Bearer <jwt> extra"', (own) => [['Authorization', `Bearer ${own.access} extra`]], 401, BAD_HEADER],
    ['"Bearer garbage"', () => [['Authorization', 'Bearer garbage']], 401, invalidBecause('Token is invalid or expired')],
    ['latin-1 bytes as the token', () => [['Authorization', 'Bearer \xff\xfe\xe9']], 401, invalidBecause('Token is invalid or expired')],
    ['a refresh token', (own) => [['Authorization', `Bearer ${own.refresh}`]], 401, invalidBecause('Token has wrong type')],
    ['a valid access token', (own) => [['Authorization', `Bearer ${own.access}`]], 200, ok],
    ['a tab between scheme and token', (own) => [['Authorization', `Bearer\t${own.access}`]], 200, ok],
    ['several spaces between scheme and token', (own) => [['Authorization', `Bearer    ${own.access}`]], 200, ok],
    ['trailing whitespace after the token', (own) => [['Authorization', `Bearer ${own.access} \t`]], 200, ok],
    // gunicorn joins repeated headers with ","; node keeps only the first Authorization.
    [
      'two Authorization headers',
      (own) => [
        ['Authorization', `Bearer ${own.access}`],
        ['Authorization', `Bearer ${own.access}`],
      ],
      401,
      BAD_HEADER,
    ],
    ['the token in X-Access-Token instead', (own) => [['X-Access-Token', own.access]], 401, NOT_PROVIDED],
  ];

  it.each(cases)('%s', async (_name, headers, status, body) => {
    const { reference } = await expectParity(pair(), get(path, headers));
    expect({ status: reference.status, body: reference.body }).toEqual({ status, body });
    expect(reference.headers['www-authenticate']).toBe(status === 401 ? 'Bearer realm="api"' : null);
    expect(reference.headers.allow).toBe('GET, HEAD, OPTIONS');
  });
});

describe('other methods on an authenticated view', () => {
  it('HEAD with a valid token: 200 and the GET headers', async () => {
    const { reference } = await expectParity(
      pair(),
      get(ROUTES.protected, (own) => [['Authorization', `Bearer ${own.access}`]], 'HEAD'),
    );
    expect(reference.status).toBe(200);
  });

  it('HEAD without a token: 401', async () => {
    expect((await expectParity(pair(), { method: 'HEAD', path: ROUTES.hello })).reference.status).toBe(401);
  });

  it('POST without a token: authentication comes first, 401', async () => {
    const { reference } = await expectParity(pair(), {
      method: 'POST',
      path: ROUTES.protected,
      headers: [['Content-Type', 'application/json']],
      body: '{}',
    });
    expect(reference.body).toBe(NOT_PROVIDED);
  });

  it('POST, PUT and DELETE with a valid token: 405', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const { reference } = await expectParity(
        pair(),
        get(ROUTES.protected, (own) => [['Authorization', `Bearer ${own.access}`]], method),
      );
      expect({ status: reference.status, body: reference.body }).toEqual({
        status: 405,
        body: `{"detail":"Method \\"${method}\\" not allowed."}`,
      });
    }
  });

  it('OPTIONS without a token: 401 (permissions apply to OPTIONS too)', async () => {
    const { reference } = await expectParity(pair(), { method: 'OPTIONS', path: ROUTES.protected });
    expect(reference.body).toBe(NOT_PROVIDED);
  });

  it('OPTIONS with a valid token: DRF metadata', async () => {
    const { reference } = await expectParity(
      pair(),
      get(ROUTES.hello, (own) => [['Authorization', `Bearer ${own.access}`]], 'OPTIONS'),
    );
    expect(reference.body).toBe(
      '{"name":"Hello","description":"","renders":["application/json","text/html"],"parses":["application/json","application/x-www-form-urlencoded","multipart/form-data"]}',
    );
  });

  it('a browser without a token gets an HTML page, not the content (deliberate difference browsable-api-page-status)', async () => {
    const browser: PairRequest = {
      method: 'GET',
      path: ROUTES.protected,
      headers: [['Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8']],
    };
    const { reference, tessera } = await expectDeliberateDifference(pair(), 'browsable-api-page-status', browser);
    for (const answer of [reference, tessera]) expect(answer.body).not.toContain('This view is protected');
  });

  it('a valid token with extra custom claims is accepted', async () => {
    const token = signJwt({ ...accessClaims(), role: 'admin', nested: { a: [1] } }, { secret: pair().secret });
    const { reference } = await expectParity(pair(), {
      method: 'GET',
      path: ROUTES.protected,
      headers: [['Authorization', `Bearer ${token}`]],
    });
    expect(reference.status).toBe(200);
  });
});
