/**
 * What DRF does before any view code runs: methods (405, OPTIONS, HEAD), content negotiation
 * (415, 406), the three parsers (JSON, form, multipart) and their errors, non-object JSON,
 * numbers, unicode and bytes; plus Django's routing (404, the trailing-slash redirect).
 * Spec §2.2 and §2.3.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectDeliberateDifference, expectParity } from './compare.js';
import { ROUTES, useServerPair } from './fixture.js';
import { jsonRequest, type RawRequest } from './http-client.js';
import { SUPERUSER } from './servers.js';

const pair = useServerPair('default');

const TOKEN_ROUTES = [ROUTES.obtain, ROUTES.refresh, ROUTES.verify, ROUTES.blacklist];
const REQUIRED = '{"username":["This field is required."],"password":["This field is required."]}';
const NO_ACCOUNT = '{"detail":"No active account found with the given credentials"}';
const TOKENS = '{"refresh":"<jwt>","access":"<jwt>"}';
const PASSWORD = 'Tessellate-42-mosaic';
const { username, password } = SUPERUSER;

function post(contentType: string | undefined, body: string | Uint8Array | undefined, path: string = ROUTES.obtain): RawRequest {
  return { method: 'POST', path, headers: contentType === undefined ? [] : [['Content-Type', contentType]], body };
}

const parseError = (message: string): string => `{"detail":"JSON parse error - ${message}"}`;

/** A multipart/form-data body with the given fields. */
function multipart(fields: Record<string, string>, boundary = '----parity-boundary-7MA4YWxk'): { contentType: string; body: Buffer } {
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`, 'utf8') };
}

async function expectReference(request: RawRequest, status: number, body?: string): Promise<void> {
  const { reference } = await expectParity(pair(), request);
  if (body === undefined) expect(reference.status).toBe(status);
  else expect({ status: reference.status, body: reference.body }).toEqual({ status, body });
}

describe('Tessera additions on URLs the reference does not have', () => {
  it('answers the health probes (deliberate difference health-endpoints)', async () => {
    await expectDeliberateDifference(pair(), 'health-endpoints', { method: 'GET', path: '/healthz', headers: [] });
    await expectDeliberateDifference(pair(), 'health-endpoints', { method: 'GET', path: '/readyz', headers: [] });
  });
});

describe('methods', () => {
  describe.each(TOKEN_ROUTES)('%s', (path) => {
    it.each(['GET', 'PUT', 'PATCH', 'DELETE', 'PURGE'])('%s is 405, allowing POST and OPTIONS', async (method) => {
      const { reference } = await expectParity(pair(), { method, path });
      expect({ status: reference.status, body: reference.body, allow: reference.headers.allow }).toEqual({
        status: 405,
        body: `{"detail":"Method \\"${method}\\" not allowed."}`,
        allow: 'POST, OPTIONS',
      });
    });

    it('HEAD is 405', async () => {
      expect((await expectParity(pair(), { method: 'HEAD', path })).reference.status).toBe(405);
    });

    it('OPTIONS describes the view (DRF metadata)', async () => {
      const { reference } = await expectParity(pair(), { method: 'OPTIONS', path });
      expect(reference.status).toBe(200);
      expect(Object.keys(reference.json as object)).toEqual(['name', 'description', 'renders', 'parses', 'actions']);
    });
  });

  it('FOO, a method Node does not parse (deliberate difference method-unknown-to-node)', async () => {
    await expectDeliberateDifference(pair(), 'method-unknown-to-node', { method: 'FOO', path: ROUTES.obtain });
  });

  it('OPTIONS on the register view', async () => {
    expect((await expectParity(pair(), { method: 'OPTIONS', path: ROUTES.register })).reference.status).toBe(200);
  });

  it('GET on the register view is 405', async () => {
    expect((await expectParity(pair(), { method: 'GET', path: ROUTES.register })).reference.status).toBe(405);
  });
});

describe('media types', () => {
  const cases: Array<[string, RawRequest, number, string]> = [
    ['text/plain', post('text/plain', 'username=kyoko'), 415, '{"detail":"Unsupported media type \\"text/plain\\" in request."}'],
    ['application/xml', post('application/xml', '<a/>'), 415, '{"detail":"Unsupported media type \\"application/xml\\" in request."}'],
    ['text/json', post('text/json', '{}'), 415, '{"detail":"Unsupported media type \\"text/json\\" in request."}'],
    [
      'application/vnd.api+json',
      post('application/vnd.api+json', '{}'),
      415,
      '{"detail":"Unsupported media type \\"application/vnd.api+json\\" in request."}',
    ],
    ['a body and no Content-Type', post(undefined, '{"username":"kyoko"}'), 415, '{"detail":"Unsupported media type \\"\\" in request."}'],
    [
      '415 on refresh too',
      post('text/plain', 'x', ROUTES.refresh),
      415,
      '{"detail":"Unsupported media type \\"text/plain\\" in request."}',
    ],
    [
      '415 on register too',
      post('text/plain', 'x', ROUTES.register),
      415,
      '{"detail":"Unsupported media type \\"text/plain\\" in request."}',
    ],
    ['an empty body and no Content-Type', post(undefined, undefined), 400, REQUIRED],
    ['an empty body as JSON', post('application/json', ''), 400, REQUIRED],
    ['an empty body as text/plain (no parser runs)', post('text/plain', ''), 400, REQUIRED],
    ['APPLICATION/JSON in capitals', post('APPLICATION/JSON', '{}'), 400, REQUIRED],
    ['application/json; charset=utf-8', post('application/json; charset=utf-8', JSON.stringify({ username, password })), 200, TOKENS],
    ['application/json; charset=bogus (ignored)', post('application/json; charset=bogus', '{}'), 400, REQUIRED],
    ['application/* (matches the JSON parser)', post('application/*', '{}'), 400, REQUIRED],
    [
      'Accept: application/xml',
      {
        ...post('application/json', '{}'),
        headers: [
          ['Content-Type', 'application/json'],
          ['Accept', 'application/xml'],
        ],
      },
      406,
      '{"detail":"Could not satisfy the request Accept header."}',
    ],
    [
      'Accept: */*',
      {
        ...post('application/json', '{}'),
        headers: [
          ['Content-Type', 'application/json'],
          ['Accept', '*/*'],
        ],
      },
      400,
      REQUIRED,
    ],
    [
      'Accept: application/json; indent=4 (DRF pretty-prints)',
      {
        ...post('application/json', '{}'),
        headers: [
          ['Content-Type', 'application/json'],
          ['Accept', 'application/json; indent=4'],
        ],
      },
      400,
      '{\n    "username": [\n        "This field is required."\n    ],\n    "password": [\n        "This field is required."\n    ]\n}',
    ],
  ];

  it.each(cases)('%s', async (_name, request, status, body) => {
    await expectReference(request, status, body);
  });

  it('application/json; charset=utf-16 without a BOM (deliberate difference utf16-charset-without-bom)', async () => {
    await expectDeliberateDifference(pair(), 'utf16-charset-without-bom', post('application/json; charset=utf-16', '{}'));
  });
});

describe('content negotiation (Accept)', () => {
  const withAccept = (accept: string, path: string = ROUTES.obtain): RawRequest => ({
    ...post('application/json', '{}', path),
    headers: [
      ['Content-Type', 'application/json'],
      ['Accept', accept],
    ],
  });
  /** REQUIRED as Python's json.dumps(indent=n) writes it. */
  const requiredIndented = (n: number): string => {
    const [one, two] = [' '.repeat(n), ' '.repeat(2 * n)];
    const field = (name: string): string => `${one}"${name}": [\n${two}"This field is required."\n${one}]`;
    return `{\n${field('username')},\n${field('password')}\n}`;
  };
  // DRF's JSONRenderer: indent = max(min(int(indent), 8), 0), and 0 means compact.
  const cases: Array<[string, RawRequest, number, string]> = [
    ['indent=2', withAccept('application/json; indent=2'), 400, requiredIndented(2)],
    ['indent=20 is clamped to 8', withAccept('application/json; indent=20'), 400, requiredIndented(8)],
    ['indent=0 is compact', withAccept('application/json; indent=0'), 400, REQUIRED],
    ['indent=-3 is compact', withAccept('application/json; indent=-3'), 400, REQUIRED],
    ['indent=abc is ignored', withAccept('application/json; indent=abc'), 400, REQUIRED],
    ['a list whose first servable type is JSON', withAccept('application/xml, application/json;q=0.1'), 400, REQUIRED],
    ['application/* is servable', withAccept('application/*'), 400, REQUIRED],
    ['image/png is not', withAccept('image/png'), 406, '{"detail":"Could not satisfy the request Accept header."}'],
  ];

  it.each(cases)('%s', async (_name, request, status, body) => {
    await expectReference(request, status, body);
  });

  it('406 comes before authentication on an authenticated view', async () => {
    await expectReference(
      { method: 'GET', path: ROUTES.protected, headers: [['Accept', 'application/xml']] },
      406,
      '{"detail":"Could not satisfy the request Accept header."}',
    );
  });
});

describe('malformed JSON', () => {
  const cases: Array<[string, string | Uint8Array, string]> = [
    ['an unquoted key', '{x', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
    ['single quotes', "{'username':'kyoko'}", 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
    ['a trailing comma', '{"a":1,}', 'Expecting property name enclosed in double quotes: line 1 column 8 (char 7)'],
    ['a missing value', '{"username": }', 'Expecting value: line 1 column 14 (char 13)'],
    ['whitespace only', '   ', 'Expecting value: line 1 column 4 (char 3)'],
    ['data after the object', '{} x', 'Extra data: line 1 column 4 (char 3)'],
    ['an unterminated string', '{"a', 'Unterminated string starting at: line 1 column 2 (char 1)'],
    ['an error on line 3', '{\n"a":\n}', 'Expecting value: line 3 column 1 (char 7)'],
    ['positions count characters, not bytes', '{"ñé": }', 'Expecting value: line 1 column 8 (char 7)'],
    ['NaN', '{"username":NaN}', "Out of range float values are not JSON compliant: 'NaN'"],
    ['Infinity', '{"username":Infinity}', "Out of range float values are not JSON compliant: 'Infinity'"],
    ['-Infinity', '{"username":-Infinity}', "Out of range float values are not JSON compliant: '-Infinity'"],
    [
      'invalid UTF-8',
      Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      "'utf-8' codec can't decode byte 0xff in position 13: invalid start byte",
    ],
    [
      'a truncated UTF-8 sequence',
      Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xc3]), Buffer.from('"}')]),
      "'utf-8' codec can't decode byte 0xc3 in position 13: invalid continuation byte",
    ],
    [
      'a UTF-8 byte order mark',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]),
      'Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)',
    ],
  ];

  it.each(cases)('%s', async (_name, body, message) => {
    await expectReference(post('application/json', body), 400, parseError(message));
  });

  it('JSON nested 5000 levels deep (deliberate difference deeply-nested-json)', async () => {
    await expectDeliberateDifference(pair(), 'deeply-nested-json', post('application/json', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`));
  });
});

describe('JSON that is not an object', () => {
  const cases: Array<[string, string, string]> = [
    ['a list', '[]', '{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}'],
    ['an integer', '123', '{"non_field_errors":["Invalid data. Expected a dictionary, but got int."]}'],
    ['a float', '1.5', '{"non_field_errors":["Invalid data. Expected a dictionary, but got float."]}'],
    ['a string', '"kyoko"', '{"non_field_errors":["Invalid data. Expected a dictionary, but got str."]}'],
    ['true', 'true', '{"non_field_errors":["Invalid data. Expected a dictionary, but got bool."]}'],
    ['null', 'null', '{"non_field_errors":["No data provided"]}'],
  ];

  describe.each([ROUTES.obtain, ROUTES.refresh, ROUTES.verify, ROUTES.register])('%s', (path) => {
    it.each(cases)('%s', async (_name, json, body) => {
      await expectReference(post('application/json', json, path), 400, body);
    });
  });
});

describe('form and multipart bodies', () => {
  const form = 'application/x-www-form-urlencoded';
  const cases: Array<[string, () => RawRequest, number, string]> = [
    ['form-encoded credentials', () => post(form, new URLSearchParams({ username, password }).toString()), 200, TOKENS],
    ['form-encoded, password missing', () => post(form, 'username=kyoko'), 400, '{"password":["This field is required."]}'],
    [
      'form-encoded, a repeated key: the last value wins',
      () => post(form, 'username=nobody&username=kyoko&password=contrasenasegura'),
      200,
      TOKENS,
    ],
    ['form-encoded garbage', () => post(form, 'garbage'), 400, REQUIRED],
    ['form-encoded %FF (invalid UTF-8 once decoded)', () => post(form, 'username=%ff&password=x'), 401, NO_ACCOUNT],
    [
      'form-encoded with a charset',
      () => post(`${form}; charset=utf-8`, new URLSearchParams({ username, password }).toString()),
      200,
      TOKENS,
    ],
    [
      'multipart credentials',
      () => {
        const { contentType, body } = multipart({ username, password });
        return post(contentType, body);
      },
      200,
      TOKENS,
    ],
    [
      'multipart refresh field',
      () => {
        const { contentType, body } = multipart({ refresh: 'garbage' });
        return post(contentType, body, ROUTES.refresh);
      },
      401,
      '{"detail":"Token is invalid or expired","code":"token_not_valid"}',
    ],
    [
      'multipart without a boundary',
      () => post('multipart/form-data', 'x'),
      400,
      '{"detail":"Multipart form parse error - Invalid boundary in multipart: None"}',
    ],
  ];

  it.each(cases)('%s', async (_name, request, status, body) => {
    await expectReference(request(), status, body);
  });
});

describe('numbers and text in JSON', () => {
  // Users whose usernames are what Python's str() makes of JSON numbers.
  const numericUsers = ['12345678901234567890123', '1.0', '100.0', '-0.0'];
  beforeAll(async () => {
    try {
      for (const name of numericUsers) {
        await expectParity(
          pair(),
          jsonRequest(ROUTES.register, {
            email: `n${numericUsers.indexOf(name)}@example.com`,
            username: name,
            first_name: 'N',
            password: PASSWORD,
            password2: PASSWORD,
          }),
        );
      }
      await expectParity(
        pair(),
        jsonRequest(ROUTES.register, {
          email: 'nandu@example.com',
          username: 'ñandú',
          first_name: 'N',
          password: PASSWORD,
          password2: PASSWORD,
        }),
      );
    } catch {
      // pair() reports a start-up failure in each test.
    }
  });

  const cases: Array<[string, string, number, string]> = [
    ['a big integer keeps every digit', `{"username":12345678901234567890123,"password":"${PASSWORD}"}`, 200, TOKENS],
    ['1.0 is "1.0"', `{"username":1.0,"password":"${PASSWORD}"}`, 200, TOKENS],
    ['1e2 is "100.0"', `{"username":1e2,"password":"${PASSWORD}"}`, 200, TOKENS],
    ['-0.0 is "-0.0"', `{"username":-0.0,"password":"${PASSWORD}"}`, 200, TOKENS],
    ['1e400 is "inf"', `{"username":1e400,"password":"${PASSWORD}"}`, 401, NO_ACCOUNT],
    ['\\u escapes decode', `{"username":"\\u00f1and\\u00fa","password":"${PASSWORD}"}`, 200, TOKENS],
    ['an escaped slash', `{"username":"kyoko\\/","password":"${PASSWORD}"}`, 401, NO_ACCOUNT],
  ];

  it.each(cases)('%s', async (_name, json, status, body) => {
    await expectReference(post('application/json', json), status, body);
  });

  it('a latin-1 body declared as charset=latin-1 is decoded as latin-1', async () => {
    const body = Buffer.from(`{"username":"ñandú","password":"${PASSWORD}"}`, 'latin1');
    await expectReference(post('application/json; charset=latin-1', body), 200, TOKENS);
  });
});

describe('transfer and routing', () => {
  it('a chunked body without Content-Length is read as empty by the reference', async () => {
    const request: RawRequest = {
      ...jsonRequest(ROUTES.obtain, { username, password }),
      headers: [
        ['Content-Type', 'application/json'],
        ['Transfer-Encoding', 'chunked'],
      ],
    };
    await expectReference(request, 400, REQUIRED);
  });

  it("an unknown path is Django's HTML 404", async () => {
    const { reference } = await expectParity(pair(), { method: 'GET', path: '/api/nothing-here/' });
    expect({ status: reference.status, type: reference.headers['content-type'] }).toEqual({ status: 404, type: 'text/html' });
  });

  it('a token path without its trailing slash redirects (301) to the slash, even for POST', async () => {
    const { reference } = await expectParity(pair(), jsonRequest('/api/token', { username, password }));
    expect({ status: reference.status, location: reference.headers.location }).toEqual({ status: 301, location: '/api/token/' });
  });

  it('a query string does not change the answer', async () => {
    await expectReference({ ...jsonRequest(`${ROUTES.obtain}?next=/x&username=kyoko`, {}) }, 400, REQUIRED);
  });
});
