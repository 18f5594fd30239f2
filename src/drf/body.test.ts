import { describe, expect, it } from 'vitest';
import { TesseraError, type Json } from '../errors.js';
import { MAX_FORM_FIELDS, UploadedFile, parseRequestBody, type RequestBodyOptions } from './body.js';
import { isHtmlFormInput } from './fields.js';
import { PyFloat, PyInt } from './python-json.js';

// Every expectation marked "observed" comes from the reference server (DRF 3.14, Django 3.2 under
// gunicorn) on http://127.0.0.1:8300/api/token/, with the curl shown. The reference then runs
// its serializer, so a body that parses shows up as field errors (or a 401); the comment gives
// that answer and the test checks the parsed data that leads to it. The same cases, and a few
// thousand generated ones, were also replayed through DRF's Request/parsers/serializers in the
// reference's Python, and ~470 of them over HTTP against the reference: no difference.

const JSON_CT = 'application/json';
const FORM_CT = 'application/x-www-form-urlencoded';
const MULTIPART_CT = 'multipart/form-data; boundary=XyZ';

/** The error `parseRequestBody` throws: status and exact wire body. */
function refusal(contentType: string | undefined, body: string | Buffer, options?: RequestBodyOptions): { status: number; body: Json } {
  try {
    parseRequestBody(contentType, typeof body === 'string' ? Buffer.from(body, 'latin1') : body, options);
  } catch (error) {
    if (error instanceof TesseraError) return { status: error.status, body: error.body };
    throw error;
  }
  throw new Error('expected a refusal');
}

function parse(contentType: string | undefined, body: string, options?: RequestBodyOptions): unknown {
  return parseRequestBody(contentType, Buffer.from(body, 'latin1'), options);
}

/** A multipart body from [headers, value] parts; `end` is what follows the last part. */
function multipart(parts: readonly (readonly [string, string])[], end = '--XyZ--\r\n'): string {
  return parts.map(([headers, value]) => `--XyZ\r\n${headers}\r\n\r\n${value}\r\n`).join('') + end;
}

describe('JSON bodies', () => {
  it('decode with Python numbers', () => {
    expect(parse(JSON_CT, '{"username": "kyoko", "n": [1, 1.0]}')).toEqual({ username: 'kyoko', n: [new PyInt(1n), new PyFloat(1)] });
  });

  it("answer malformed JSON with DRF's parse error", () => {
    // printf '{' | curl -s -X POST -H 'Content-Type: application/json' --data-binary @- http://127.0.0.1:8300/api/token/
    // -> 400 {"detail":"JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"}
    const refused = refusal(JSON_CT, '{');
    expect(refused).toEqual({
      status: 400,
      body: { detail: 'JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)' },
    });
    expect(JSON.stringify(refused.body)).toBe(
      '{"detail":"JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"}',
    );
  });

  it('refuse NaN and Infinity (STRICT_JSON)', () => {
    // printf '{"a":NaN}' | curl ... -> 400 {"detail":"JSON parse error - Out of range float values are not JSON compliant: 'NaN'"}
    expect(refusal(JSON_CT, '{"a":NaN}').body).toEqual({
      detail: "JSON parse error - Out of range float values are not JSON compliant: 'NaN'",
    });
    // printf '{"username":-0.0,"password":-Infinity}' | curl ... -> "... compliant: '-Infinity'"
    expect(refusal(JSON_CT, '{"username":-0.0,"password":-Infinity}').body).toEqual({
      detail: "JSON parse error - Out of range float values are not JSON compliant: '-Infinity'",
    });
  });

  it('answer deeper nesting than the reference survives with a 400 (the reference answers 500)', () => {
    const deep = '['.repeat(950) + ']'.repeat(950);
    expect(refusal(JSON_CT, deep).body).toEqual({
      detail: 'JSON parse error - maximum recursion depth exceeded while decoding a JSON array from a unicode string',
    });
    expect(parse(JSON_CT, '['.repeat(949) + ']'.repeat(949))).toBeInstanceOf(Array);
    expect(() => parse(JSON_CT, '[[[]]]', { maxJsonDepth: 2 })).toThrow(TesseraError);
  });
});

describe('JSON body decoding', () => {
  it.each([
    // printf '\xff' | curl ... -H 'Content-Type: application/json'
    ['\xff', JSON_CT, "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"],
    // printf '{"username":"\xed\xa0\x80"}' | curl ...   (an encoded surrogate)
    ['{"username":"\xed\xa0\x80"}', JSON_CT, "'utf-8' codec can't decode byte 0xed in position 13: invalid continuation byte"],
    // printf '{"username":"\xff"}' | curl ... -H 'Content-Type: application/json; charset=bogus'  (unknown charset -> UTF-8)
    ['{"username":"\xff"}', 'application/json; charset=bogus', "'utf-8' codec can't decode byte 0xff in position 13: invalid start byte"],
    // printf '{"username":"\xff"}' | curl ... -H 'Content-Type: application/json; charset=ascii'
    [
      '{"username":"\xff"}',
      'application/json; charset=ascii',
      "'ascii' codec can't decode byte 0xff in position 13: ordinal not in range(128)",
    ],
    // printf '\xef\xbb\xbf{}' | curl ... -H 'Content-Type: application/json'
    ['\xef\xbb\xbf{}', JSON_CT, 'Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)'],
    // printf '{"username":"\xe2\x82' | curl ...   (the cut sequence is dropped, then the string is unterminated)
    ['{"username":"\xe2\x82', JSON_CT, 'Unterminated string starting at: line 1 column 13 (char 12)'],
    // Checked with codecs.getreader('utf-8') on the reference's Python:
    ['{"a":"x"}\xf0\x9f\x41', JSON_CT, "'utf-8' codec can't decode bytes in position 9-10: invalid continuation byte"],
    ['{"a":"x"}\xf0\x8f', JSON_CT, "'utf-8' codec can't decode byte 0xf0 in position 9: invalid continuation byte"],
  ])('%j as %s', (body, contentType, message) => {
    expect(refusal(contentType, body)).toEqual({ status: 400, body: { detail: `JSON parse error - ${message}` } });
  });

  it('drop an incomplete UTF-8 sequence at the very end, as an incremental decoder does', () => {
    // printf '{"username":"a"}\xe2\x82' | curl ... -> 400 {"password":["This field is required."]}
    expect(parse(JSON_CT, '{"username":"a"}\xe2\x82')).toEqual({ username: 'a' });
    // ...including the start of an encoded surrogate, which is refused once complete.
    expect(parse(JSON_CT, '{"username":"a"}\xed\xa0')).toEqual({ username: 'a' });
  });

  it('honour the charsets Python knows', () => {
    // printf '{"username":"\xff"}' | curl ... -H 'Content-Type: application/json; charset=latin-1'
    // -> 400 {"password":["This field is required."]}
    expect(parse('application/json; charset=latin-1', '{"username":"\xff"}')).toEqual({ username: 'ÿ' });
    expect(parse('application/json; charset="ISO-8859-1"', '{"username":"\xe9"}')).toEqual({ username: 'é' });
    // printf '\xef\xbb\xbf{}' | curl ... -H 'Content-Type: application/json; charset=utf-8-sig' -> both fields required
    expect(parse('application/json; charset=utf-8-sig', '\xef\xbb\xbf{}')).toEqual({});
    expect(parse('application/json; charset=UTF8', '{"u":"\xc3\xa9"}')).toEqual({ u: 'é' });
  });
});

describe('media types', () => {
  it.each([
    // curl -s -X POST -H 'Content-Type: <type>' --data-binary 'x' http://127.0.0.1:8300/api/token/ -> 415 with the header quoted as sent
    ['text/plain'],
    ['text/plain; charset=utf-8'],
    ['TEXT/Plain ;  charset="utf-8"'],
    ['application/json-patch+json'],
    ['application/vnd.api+json'],
    ['application'],
    [';'],
    ['multipart/mixed; boundary=XyZ'],
  ])('%s is unsupported', (contentType) => {
    const refused = refusal(contentType, '{"a":1}');
    expect(refused).toEqual({ status: 415, body: { detail: `Unsupported media type "${contentType}" in request.` } });
  });

  it('a body without Content-Type is an unsupported ""', () => {
    // curl -s -X POST -H 'Content-Type:' --data-binary 'x' http://127.0.0.1:8300/api/token/
    // -> 415 {"detail":"Unsupported media type \"\" in request."}
    expect(JSON.stringify(refusal(undefined, 'x').body)).toBe('{"detail":"Unsupported media type \\"\\" in request."}');
  });

  it.each([
    // printf '{"a":1}' | curl ... -H 'Content-Type: <type>' -> 400 {"username":[required],"password":[required]}
    ['Application/JSON'],
    [' application/json'],
    ['application/json;q=1'],
    ['*/*'],
    ['application/*'],
    ['application/json; charset=bogus'],
  ])('%s selects the JSON parser', (contentType) => {
    expect(parse(contentType, '{"a":1}')).toEqual({ a: new PyInt(1n) });
  });

  it('no body at all is empty data, whatever the type', () => {
    // printf '' | curl ... -H 'Content-Type:'  /  -H 'Content-Type: text/plain'  /  -H 'Content-Type: application/json'
    // -> 400 {"username":["This field is required."],"password":["This field is required."]}
    expect(parse(undefined, '')).toEqual({});
    expect(parse('text/plain', '')).toEqual({});
    expect(parse(JSON_CT, '')).toEqual({});
    expect(isHtmlFormInput(parse(FORM_CT, ''))).toBe(true);
  });

  it('a chunked body (no Content-Length) is not read', () => {
    // printf '{"username":"x"}' | curl ... -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked'
    // -> 400 {"username":["This field is required."],"password":["This field is required."]}
    expect(parse(JSON_CT, '{"username":"x"}', { contentLength: null })).toEqual({});
    expect(parse('text/plain', 'x', { contentLength: null })).toEqual({});
  });
});

describe('form-urlencoded bodies', () => {
  it('keep the last value of a repeated name', () => {
    // curl ... -H 'Content-Type: application/x-www-form-urlencoded' --data-binary 'username=a&username=&password=x'
    // -> 400 {"username":["This field may not be blank."]}
    const data = parse(FORM_CT, 'username=a&username=&password=x');
    expect(data).toEqual({ username: '', password: 'x' });
    expect(isHtmlFormInput(data)).toBe(true);
  });

  it('percent-decode with replacement characters', () => {
    // curl ... --data-binary 'username=%00&password=%ed%a0%80' -> 400 {"username":["Null characters are not allowed."]}
    expect(parse(FORM_CT, 'username=%00&password=%ed%a0%80')).toEqual({ username: '\0', password: '\ufffd\ufffd\ufffd' });
    // printf 'username' | curl ... -> username blank, password required
    expect(parse(FORM_CT, 'username&a+b=c+d&%zz=%2&&')).toEqual({ username: '', 'a b': 'c d', '%zz': '%2' });
  });

  it('fall back to Latin-1 for raw bytes the charset refuses', () => {
    // printf 'username=\xc3\xa9&password=%20' | curl ... -> 400 {"password":["This field may not be blank."]}
    expect(parse(FORM_CT, 'username=\xc3\xa9&password=%20')).toEqual({ username: 'é', password: ' ' });
    // printf 'username=%C3%A9&password=\xff' | curl ... -> 401 (both valid): the body is re-read as Latin-1
    expect(parse(FORM_CT, 'username=%C3%A9&password=\xff')).toEqual({ username: 'é', password: 'ÿ' });
    // curl ... -H 'Content-Type: application/x-www-form-urlencoded; charset=latin-1' --data-binary 'username=%E9&password=%20'
    // -> 400 {"password":["This field may not be blank."]}
    expect(parse(`${FORM_CT}; charset=latin-1`, 'username=%E9&password=%20')).toEqual({ username: 'é', password: ' ' });
  });

  it('keep "__proto__" as data', () => {
    const data = parse(FORM_CT, '__proto__=x') as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });

  it('refuse more than 1000 fields (the reference sends its HTML "Bad Request (400)" page)', () => {
    // python3 -c "print('&'*1000, end='')" | curl ... -> 400 text/html <h1>Bad Request (400)</h1>
    expect(MAX_FORM_FIELDS).toBe(1000);
    expect(refusal(FORM_CT, '&'.repeat(1000)).status).toBe(400);
    expect(parse(FORM_CT, 'a=1' + '&'.repeat(999))).toEqual({ a: '1' });
  });
});

describe('multipart bodies', () => {
  it('parse text fields', () => {
    // printf -- '--XyZ\r\nContent-Disposition: form-data; name="username"\r\n\r\n  \r\n--XyZ\r\nContent-Disposition: form-data; name="password"\r\n\r\nx\r\n--XyZ--\r\n' \
    //   | curl ... -H 'Content-Type: multipart/form-data; boundary=XyZ' -> 400 {"username":["This field may not be blank."]}
    const data = parse(
      MULTIPART_CT,
      multipart([
        ['Content-Disposition: form-data; name="username"', '  '],
        ['Content-Disposition: form-data; name="password"', 'x'],
      ]),
    );
    expect(data).toEqual({ username: '  ', password: 'x' });
    expect(isHtmlFormInput(data)).toBe(true);
  });

  it.each([
    // curl ... -H 'Content-Type: multipart/form-data' --data-binary 'x'
    ['multipart/form-data', 'Invalid boundary in multipart: None'],
    // curl ... -H 'Content-Type: multipart/form-data; boundary=' --data-binary 'x'
    ['multipart/form-data; boundary=', 'Invalid boundary in multipart: '],
    // curl ... -H 'Content-Type: multipart/form-data; boundary="a b "' --data-binary 'x'
    ['multipart/form-data; boundary="a b "', 'Invalid boundary in multipart: a b '],
    // curl ... -H 'Content-Type: Multipart/form-data; boundary=XyZ' --data-binary 'x'  (DRF matches, Django does not)
    ['Multipart/form-data; boundary=XyZ', 'Invalid Content-Type: Multipart/form-data; boundary=XyZ'],
    // Django's own check, seen through DRF's parser with the reference's Python:
    ['multipart/form-data; boundary=é', 'Invalid non-ASCII Content-Type in multipart: multipart/form-data; boundary=é'],
    [`multipart/form-data; boundary=${'b'.repeat(202)}`, `Invalid boundary in multipart: ${'b'.repeat(202)}`],
  ])('%s -> %s', (contentType, message) => {
    expect(refusal(contentType, 'x')).toEqual({ status: 400, body: { detail: `Multipart form parse error - ${message}` } });
  });

  it('accept what Django accepts', () => {
    // curl ... -H "Content-Type: multipart/form-data; boundary=$(printf 'b%.0s' $(seq 201))" --data-binary 'x' -> both fields required
    expect(parse(`multipart/form-data; boundary=${'b'.repeat(201)}`, 'x')).toEqual({});
    // curl ... -H 'Content-Type: multipart/form-data; boundary="a b"' --data-binary 'x' -> both fields required
    expect(parse('multipart/form-data; boundary="a b"', 'x')).toEqual({});
    // A missing final boundary is fine:
    // printf -- '--XyZ\r\nContent-Disposition: form-data; name="username"\r\n\r\n  ' | curl ... -> username blank, password required
    expect(parse(MULTIPART_CT, '--XyZ\r\nContent-Disposition: form-data; name="username"\r\n\r\n  ')).toEqual({ username: '  ' });
    // LF-only header endings: the part is ignored.
    // printf -- '--XyZ\nContent-Disposition: form-data; name="username"\n\nabc\n--XyZ--' | curl ... -> both fields required
    expect(parse(MULTIPART_CT, '--XyZ\nContent-Disposition: form-data; name="username"\n\nabc\n--XyZ--')).toEqual({});
    // printf 'garbage' | curl ... -> both fields required
    expect(parse(MULTIPART_CT, 'garbage')).toEqual({});
  });

  it('filename="" makes a text field; a file name makes an upload', () => {
    // printf -- '--XyZ\r\nContent-Disposition: form-data; name="username"; filename=""\r\n\r\n  \r\n--XyZ--' | curl ...
    // -> {"username":["This field may not be blank."],"password":["This field is required."]}
    expect(parse(MULTIPART_CT, multipart([['Content-Disposition: form-data; name="username"; filename=""', '  ']]))).toEqual({
      username: '  ',
    });
    // printf -- '--XyZ\r\nContent-Disposition: form-data; name="username"; filename="a.txt"\r\n\r\nabc\r\n--XyZ--' | curl ...
    // -> {"username":["Not a valid string."],"password":["This field is required."]}
    const data = parse(
      MULTIPART_CT,
      multipart([['Content-Disposition: form-data; name="username"; filename="a.txt"\r\nContent-Type: text/plain', 'abc']]),
    );
    expect(data).toEqual({ username: new UploadedFile('username', 'a.txt', 'text/plain', Buffer.from('abc')) });
  });

  it('an upload only counts once another part follows it', () => {
    // printf -- '--XyZ\r\nContent-Disposition: form-data; name="username"; filename="a.txt"\r\n\r\nabc\r\n--XyZ' | curl ... -> both fields required
    expect(parse(MULTIPART_CT, multipart([['Content-Disposition: form-data; name="username"; filename="a.txt"', 'abc']], '--XyZ'))).toEqual(
      {},
    );
  });

  it('a file is the last value of its name', () => {
    // Parts: username=first, username=<file>, username="" -> {"username":["Not a valid string."], ...}
    const data = parse(
      MULTIPART_CT,
      multipart([
        ['Content-Disposition: form-data; name="username"', 'first'],
        ['Content-Disposition: form-data; name="username"; filename="f"', 'file'],
        ['Content-Disposition: form-data; name="username"', ''],
      ]),
    ) as Record<string, unknown>;
    expect(data.username).toBeInstanceOf(UploadedFile);
  });

  it('sanitises file names as Django does', () => {
    const fileName = (name: string): unknown =>
      (parse(MULTIPART_CT, multipart([[`Content-Disposition: form-data; name="f"; filename="${name}"`, 'x']])) as Record<string, unknown>)
        .f;
    // filename=" " -> kept; DRF then says "This field may not be blank." (observed)
    expect(String(fileName(' '))).toBe(' ');
    // filename="a/.." -> dropped: username required (observed)
    expect(fileName('a/..')).toBeUndefined();
    expect(fileName('&sol;')).toBeUndefined();
    expect(fileName('&#1;')).toBeUndefined();
    expect(String(fileName('C:\\dir\\x.txt'))).toBe('x.txt');
    expect(String(fileName('&nbsp;'))).toBe('\xa0');
  });

  it('decode base64 parts', () => {
    // ... name="username" + Content-Transfer-Encoding: base64, a2lvaw== ; password "" -> 400 {"password":["This field may not be blank."]}
    expect(
      parse(
        MULTIPART_CT,
        multipart([
          ['Content-Disposition: form-data; name="username"\r\nContent-Transfer-Encoding: base64', 'a2lvaw=='],
          ['Content-Disposition: form-data; name="password"', ''],
        ]),
      ),
    ).toEqual({ username: 'kiok', password: '' });
    // A text field that is not valid base64 is kept as sent.
    expect(
      parse(MULTIPART_CT, multipart([['Content-Disposition: form-data; name="u"\r\nContent-Transfer-Encoding: base64', 'a2lva']])),
    ).toEqual({ u: 'a2lva' });
    // A file that is not: printf -- '...filename="f"\r\nContent-Transfer-Encoding: base64\r\n\r\na2lva\r\n--XyZ--' | curl ...
    // -> 400 {"detail":"Multipart form parse error - Could not decode base64 data."}
    expect(
      refusal(
        MULTIPART_CT,
        multipart([['Content-Disposition: form-data; name="u"; filename="f"\r\nContent-Transfer-Encoding: base64', 'a2lva']]),
      ),
    ).toEqual({
      status: 400,
      body: { detail: 'Multipart form parse error - Could not decode base64 data.' },
    });
  });

  it('decode with the charset and RFC 2231 names', () => {
    // printf -- '...name="username"\r\n\r\n  \r\n--XyZ\r\n...name="password"\r\n\r\n\xff\r\n--XyZ--' | curl ... -H '...; charset=latin-1'
    // -> 400 {"username":["This field may not be blank."]}
    expect(parse(`${MULTIPART_CT}; charset=latin-1`, multipart([['Content-Disposition: form-data; name="password"', '\xff']]))).toEqual({
      password: 'ÿ',
    });
    expect(parse(MULTIPART_CT, multipart([['Content-Disposition: form-data; name="password"', '\xff']]))).toEqual({ password: '\ufffd' });
    // printf -- "--XyZ\r\nContent-Disposition: form-data; name*=UTF-8''%75sername\r\n\r\n \r\n--XyZ--" | curl ... -> username blank
    expect(parse(MULTIPART_CT, multipart([["Content-Disposition: form-data; name*=UTF-8''%75sername", ' ']]))).toEqual({ username: ' ' });
  });

  it('refuse more than 100 files or 1000 fields (HTML 400 in the reference)', () => {
    const files = (n: number): string =>
      multipart(Array.from({ length: n }, (_, i) => [`Content-Disposition: form-data; name="f${i}"; filename="a"`, 'x'] as const));
    // 101 files: curl ... -> 400 text/html "Bad Request (400)"
    expect(refusal(MULTIPART_CT, files(101)).status).toBe(400);
    expect(() => parse(MULTIPART_CT, files(100))).not.toThrow();
    const fields = (n: number): string =>
      multipart(Array.from({ length: n }, (_, i) => [`Content-Disposition: form-data; name="f${i}"`, 'x'] as const));
    expect(refusal(MULTIPART_CT, fields(1001)).status).toBe(400);
    expect(() => parse(MULTIPART_CT, fields(1000))).not.toThrow();
  });
});
