/**
 * POST /api/token/ (TokenObtainPairView): spec §2.3 and §2.4.
 */
import { describe, expect, it } from 'vitest';
import { expectDeliberateDifference, expectParity } from './compare.js';
import { ROUTES, useServerPair } from './fixture.js';
import { jsonRequest, type RawRequest } from './http-client.js';
import { SUPERUSER } from './servers.js';

const pair = useServerPair('default');

const NO_ACCOUNT = '{"detail":"No active account found with the given credentials"}';
const TOKENS = '{"refresh":"<jwt>","access":"<jwt>"}';

/** A JSON login request from raw JSON text (for escapes JSON.stringify would not write). */
function rawLogin(json: string, headers: Array<[string, string]> = []): RawRequest {
  return { method: 'POST', path: ROUTES.obtain, headers: [['Content-Type', 'application/json'], ...headers], body: json };
}

const login = (body: unknown): RawRequest => jsonRequest(ROUTES.obtain, body);
const { username, password } = SUPERUSER;

describe('POST /api/token/ (obtain pair)', () => {
  it('issues {"refresh","access"} for valid credentials, user_id the integer 1', async () => {
    const { reference, tessera } = await expectParity(pair(), login({ username, password }));
    expect(reference.body).toBe(TOKENS);
    expect(reference.headers['www-authenticate']).toBeNull();
    for (const answer of [reference, tessera]) {
      expect(answer.tokens.map((t) => [t.tokenType, t.lifetime])).toEqual([
        ['refresh', 86_400],
        ['access', 300],
      ]);
      expect(answer.claims.map((c) => c.user_id)).toEqual([SUPERUSER.id, SUPERUSER.id]);
      expect(answer.tokens[0]?.claimNames).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id']);
    }
  });

  // [name, request, reference status, reference body]
  const cases: Array<[string, RawRequest, number, string]> = [
    ['empty object', login({}), 400, '{"username":["This field is required."],"password":["This field is required."]}'],
    ['username only', login({ username }), 400, '{"password":["This field is required."]}'],
    ['password only', login({ password }), 400, '{"username":["This field is required."]}'],
    [
      'blank username, null password',
      login({ username: '', password: null }),
      400,
      '{"username":["This field may not be blank."],"password":["This field may not be null."]}',
    ],
    [
      'bool and list values',
      login({ username: true, password: ['x'] }),
      400,
      '{"username":["Not a valid string."],"password":["Not a valid string."]}',
    ],
    [
      'object values (NoSQL-style)',
      login({ username: { $ne: null }, password: { $ne: null } }),
      400,
      '{"username":["Not a valid string."],"password":["Not a valid string."]}',
    ],
    ['whitespace-only password', login({ username, password: '   ' }), 400, '{"password":["This field may not be blank."]}'],
    ['whitespace-only username', login({ username: ' \t ', password }), 400, '{"username":["This field may not be blank."]}'],
    ['wrong password', login({ username, password: 'wrong-password' }), 401, NO_ACCOUNT],
    ['unknown user', login({ username: 'nobody-here', password }), 401, NO_ACCOUNT],
    ['username in another case', login({ username: 'KYOKO', password }), 401, NO_ACCOUNT],
    ['integer username (coerced to "123")', login({ username: 123, password: 456 }), 401, NO_ACCOUNT],
    ['float username 1e400 (Python: inf)', rawLogin('{"username":1e400,"password":"x"}'), 401, NO_ACCOUNT],
    ['unicode username', login({ username: 'ñandú', password }), 401, NO_ACCOUNT],
    [
      'NUL in username, lone surrogate in password',
      rawLogin('{"username":"ky\\u0000oko","password":"\\ud800"}'),
      400,
      '{"username":["Null characters are not allowed."],"password":["Surrogate characters are not allowed: U+D800."]}',
    ],
    [
      'low surrogate alone',
      rawLogin('{"username":"kyoko","password":"a\\udfffb"}'),
      400,
      '{"password":["Surrogate characters are not allowed: U+DFFF."]}',
    ],
    [
      'NUL in password',
      rawLogin('{"username":"kyoko","password":"contra\\u0000senasegura"}'),
      400,
      '{"password":["Null characters are not allowed."]}',
    ],
    ['a 1000-character wrong password', login({ username, password: 'x'.repeat(1000) }), 401, NO_ACCOUNT],
    ['username padded with spaces (trimmed)', login({ username: '  kyoko ', password }), 200, TOKENS],
    ['username padded with tab and newline (trimmed)', login({ username: '\tkyoko\n', password }), 200, TOKENS],
    // Python's str.strip() and JS's trim() disagree on these two: U+001F is Python whitespace, U+FEFF is JS whitespace.
    ['username after U+001F (Python strips it)', login({ username: '\u001fkyoko', password }), 200, TOKENS],
    ['username after U+FEFF (Python keeps it)', login({ username: '\ufeffkyoko', password }), 401, NO_ACCOUNT],
    ['username padded with U+00A0 and U+3000 (trimmed)', login({ username: '\u00a0kyoko\u3000', password }), 200, TOKENS],
    ['extra fields are ignored', login({ username, password, email: 'x@example.com', is_staff: true }), 200, TOKENS],
    [
      'duplicate keys: the last one wins',
      rawLogin('{"username":"nobody","password":"x","username":"kyoko","password":"contrasenasegura"}'),
      200,
      TOKENS,
    ],
    [
      'an Authorization header is ignored',
      rawLogin(JSON.stringify({ username, password }), [['Authorization', 'Bearer garbage']]),
      200,
      TOKENS,
    ],
    [
      'a bad Authorization shape is ignored too',
      rawLogin(JSON.stringify({ username, password }), [['Authorization', 'Bearer a b c']]),
      200,
      TOKENS,
    ],
  ];

  it.each(cases)('%s', async (_name, request, status, body) => {
    const { reference } = await expectParity(pair(), request);
    expect({ status: reference.status, body: reference.body }).toEqual({ status, body });
    if (status === 401) expect(reference.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('marks the token answer Cache-Control: no-store, Pragma: no-cache (deliberate difference token-no-store)', async () => {
    const { reference, tessera } = await expectDeliberateDifference(pair(), 'token-no-store', login({ username, password }));
    expect([reference.raw.headers['cache-control'], reference.raw.headers.pragma]).toEqual([undefined, undefined]);
    if (!pair().selfCheck) expect([tessera.raw.headers['cache-control'], tessera.raw.headers.pragma]).toEqual(['no-store', 'no-cache']);
  });

  it('does not trim the password (deliberate difference password-not-trimmed)', async () => {
    await expectDeliberateDifference(pair(), 'password-not-trimmed', login({ username, password: `  ${password}  ` }));
  });
});
