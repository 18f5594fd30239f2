import { describe, expect, it } from 'vitest';
import { TesseraError, type Json } from '../errors.js';
import { UploadedFile, parseRequestBody } from './body.js';
import {
  type FieldSpec,
  MSG_BLANK,
  MSG_INVALID_EMAIL,
  MSG_NOT_A_STRING,
  MSG_NO_DATA,
  MSG_NULL,
  MSG_NULL_CHARACTERS,
  MSG_REQUIRED,
  isValidEmail,
  markHtmlFormInput,
  msgMaxLength,
  msgNotADictionary,
  msgSurrogate,
  pythonIdnaEncode,
  pythonStrip,
  validateFields,
} from './fields.js';
import { parsePythonJson } from './python-json.js';

// The reference's serializers, as specs.
const OBTAIN: readonly FieldSpec[] = [
  { name: 'username', kind: 'char' },
  { name: 'password', kind: 'char' },
];
const REGISTER: readonly FieldSpec[] = [
  { name: 'email', kind: 'email' },
  { name: 'username', kind: 'char' },
  { name: 'password', kind: 'char' },
  { name: 'password2', kind: 'char' },
  { name: 'first_name', kind: 'char' },
];

/** The 400 body `validateFields` answers for a JSON body, as the reference would send it. */
function answer(json: string, specs: readonly FieldSpec[]): Json | Record<string, string> {
  try {
    return validateFields(parsePythonJson(json, { numbers: 'python' }), specs);
  } catch (error) {
    if (!(error instanceof TesseraError)) throw error;
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_failed');
    return error.body;
  }
}

const REQUIRED_REST = { password: [MSG_REQUIRED], password2: [MSG_REQUIRED], first_name: [MSG_REQUIRED] };

describe('messages', () => {
  it('are DRF 3.14 / Django 3.2 English texts', () => {
    expect([MSG_REQUIRED, MSG_NULL, MSG_NOT_A_STRING, MSG_BLANK, MSG_NULL_CHARACTERS, MSG_INVALID_EMAIL, MSG_NO_DATA]).toEqual([
      'This field is required.',
      'This field may not be null.',
      'Not a valid string.',
      'This field may not be blank.',
      'Null characters are not allowed.',
      'Enter a valid email address.',
      'No data provided',
    ]);
    expect(msgMaxLength(150)).toBe('Ensure this field has no more than 150 characters.');
    expect(msgSurrogate(0xdfff)).toBe('Surrogate characters are not allowed: U+DFFF.');
    expect(msgNotADictionary('list')).toBe('Invalid data. Expected a dictionary, but got list.');
  });
});

describe('validateFields on the obtain serializer (observed on /api/token/)', () => {
  it('reports every field, in declaration order', () => {
    // curl -s -X POST -H 'Content-Type: application/json' --data-binary '{}' http://127.0.0.1:8300/api/token/
    expect(answer('{}', OBTAIN)).toEqual({ username: [MSG_REQUIRED], password: [MSG_REQUIRED] });
    expect(JSON.stringify(answer('{"password":1,"username":null}', OBTAIN))).toBe('{"username":["This field may not be null."]}');
  });

  it('blank, null characters and surrogates', () => {
    // curl ... --data-binary '{"username":"  ","password":"\u0000x\ud800"}' http://127.0.0.1:8300/api/token/
    // -> {"username":["This field may not be blank."],"password":["Null characters are not allowed.","Surrogate characters are not allowed: U+D800."]}
    expect(answer('{"username":"  ","password":"\\u0000x\\ud800"}', OBTAIN)).toEqual({
      username: [MSG_BLANK],
      password: [MSG_NULL_CHARACTERS, 'Surrogate characters are not allowed: U+D800.'],
    });
    // A valid pair is one astral code point, not a surrogate:
    // curl ... --data-binary '{"username":"\u0000\ud800\udfff","password":" \u0000 "}' -> both "Null characters are not allowed." only
    expect(answer('{"username":"\\u0000\\ud800\\udfff","password":" \\u0000 "}', OBTAIN)).toEqual({
      username: [MSG_NULL_CHARACTERS],
      password: [MSG_NULL_CHARACTERS],
    });
  });

  it('null, wrong types', () => {
    // curl ... --data-binary '{"username":null,"password":false}' -> {"username":["This field may not be null."],"password":["Not a valid string."]}
    expect(answer('{"username":null,"password":false}', OBTAIN)).toEqual({ username: [MSG_NULL], password: [MSG_NOT_A_STRING] });
    // curl ... --data-binary '{"username":{},"password":"\udfff"}' -> {"username":["Not a valid string."],"password":["Surrogate characters are not allowed: U+DFFF."]}
    expect(answer('{"username":{},"password":"\\udfff"}', OBTAIN)).toEqual({
      username: [MSG_NOT_A_STRING],
      password: ['Surrogate characters are not allowed: U+DFFF.'],
    });
    // Spec §2.4: {"username":true,"password":["x"]} -> both "Not a valid string."
    expect(answer('{"username":true,"password":["x"]}', OBTAIN)).toEqual({ username: [MSG_NOT_A_STRING], password: [MSG_NOT_A_STRING] });
  });

  it("strips Python's whitespace, not JavaScript's", () => {
    // curl ... --data-binary '{"username":"\u001f\u0085 ","password":"\ufeff"}' -> {"username":["This field may not be blank."]}
    // (U+001F and U+0085 are whitespace to Python, U+FEFF is not)
    expect(answer('{"username":"\\u001f\\u0085 ","password":"\\ufeff"}', OBTAIN)).toEqual({ username: [MSG_BLANK] });
    expect(answer('{"username":"  alice ","password":"  pw12345  "}', OBTAIN)).toEqual({ username: 'alice', password: 'pw12345' });
  });

  it('coerces numbers as Python prints them', () => {
    // curl ... --data-binary '{"username":12,"password":1.0}' -> 401 (both fields valid; no such user)
    expect(answer('{"username":12,"password":1.0}', OBTAIN)).toEqual({ username: '12', password: '1.0' });
    // str() of json.loads values, checked with the reference's Python (DRF's CharField calls str()).
    expect(answer('{"username":1e20,"password":-0.0}', OBTAIN)).toEqual({ username: '1e+20', password: '-0.0' });
    expect(answer('{"username":123456789012345678901234567890,"password":1e-5}', OBTAIN)).toEqual({
      username: '123456789012345678901234567890',
      password: '1e-05',
    });
  });
});

describe('validateFields on the register serializer (observed on /accounts/register/)', () => {
  it('EmailField: wrong types get the email message', () => {
    // curl ... --data-binary '{"email":true,"username":[],"first_name":{}}' http://127.0.0.1:8300/accounts/register/
    // -> {"email":["Enter a valid email address."],"username":["Not a valid string."],"password":[...required],"password2":[...],"first_name":["Not a valid string."]}
    expect(JSON.stringify(answer('{"email":true,"username":[],"first_name":{}}', REGISTER))).toBe(
      '{"email":["Enter a valid email address."],"username":["Not a valid string."],"password":["This field is required."],' +
        '"password2":["This field is required."],"first_name":["Not a valid string."]}',
    );
  });

  it('EmailField: every validator message, in order', () => {
    // curl ... --data-binary '{"email":"\u0000\ud800","username":"\u0000","first_name":"\ud800","password":"","password2":[]}'
    // -> {"email":["Null characters are not allowed.","Surrogate characters are not allowed: U+D800.","Enter a valid email address."],
    //     "username":["Null characters are not allowed."],"password":["This field may not be blank."],"password2":["Not a valid string."],
    //     "first_name":["Surrogate characters are not allowed: U+D800."]}
    expect(
      JSON.stringify(
        answer('{"email":"\\u0000\\ud800","username":"\\u0000","first_name":"\\ud800","password":"","password2":[]}', REGISTER),
      ),
    ).toBe(
      '{"email":["Null characters are not allowed.","Surrogate characters are not allowed: U+D800.","Enter a valid email address."],' +
        '"username":["Null characters are not allowed."],"password":["This field may not be blank."],"password2":["Not a valid string."],' +
        '"first_name":["Surrogate characters are not allowed: U+D800."]}',
    );
    // curl ... --data-binary '{"email":"  \u0000@x.com  "}' -> email: ["Null characters are not allowed.","Enter a valid email address."]
    expect(answer('{"email":"  \\u0000@x.com  "}', REGISTER)).toEqual({
      email: [MSG_NULL_CHARACTERS, MSG_INVALID_EMAIL],
      username: [MSG_REQUIRED],
      ...REQUIRED_REST,
    });
  });

  it('EmailField: numbers are printed, then validated', () => {
    // curl ... --data-binary '{"email":12}' -> {"email":["Enter a valid email address."], ...required}
    expect(answer('{"email":12}', REGISTER)).toEqual({ email: [MSG_INVALID_EMAIL], username: [MSG_REQUIRED], ...REQUIRED_REST });
  });

  it.each([
    // curl ... --data-binary '{"email":"<address>"}' http://127.0.0.1:8300/accounts/register/ ; "valid" means no "email" key in the 400
    ['not-an-email', false],
    ['a@b.c', false],
    ['x@[1.2.3.4]', true],
    ['x@[01.2.3.4]', false],
    ['x@[::1]', true],
    ['x@exämple.com', true],
    ['x@localhost.', false],
    // A space is not allowed even inside a quoted local part.
    ['"a b"@example.com', false],
    ['a..b@example.com', false],
  ])('email %j valid: %s', (address, valid) => {
    const body = answer(JSON.stringify({ email: address }), REGISTER) as Record<string, unknown>;
    expect('email' in body).toBe(!valid);
  });

  it('null and blank side by side', () => {
    // curl ... --data-binary '{"email":"x@[1.2.3.4]","username":"","first_name":null}'
    // -> {"username":["This field may not be blank."],"password":[required],"password2":[required],"first_name":["This field may not be null."]}
    expect(JSON.stringify(answer('{"email":"x@[1.2.3.4]","username":"","first_name":null}', REGISTER))).toBe(
      '{"username":["This field may not be blank."],"password":["This field is required."],"password2":["This field is required."],"first_name":["This field may not be null."]}',
    );
  });
});

describe('validateFields on bodies that are not dictionaries', () => {
  it.each([
    // curl ... --data-binary '<body>' http://127.0.0.1:8300/api/token/ (and /accounts/register/ for "x", 1e5, null)
    ['null', MSG_NO_DATA],
    ['[]', 'Invalid data. Expected a dictionary, but got list.'],
    ['"x"', 'Invalid data. Expected a dictionary, but got str.'],
    ['12', 'Invalid data. Expected a dictionary, but got int.'],
    ['1.5', 'Invalid data. Expected a dictionary, but got float.'],
    ['1e5', 'Invalid data. Expected a dictionary, but got float.'],
    ['true', 'Invalid data. Expected a dictionary, but got bool.'],
  ])('%s -> %s', (json, message) => {
    expect(answer(json, OBTAIN)).toEqual({ non_field_errors: [message] });
  });

  it('an empty body is an empty dictionary', () => {
    // printf '' | curl ... -H 'Content-Type: application/json' -> both "This field is required."
    expect(() => validateFields(parseRequestBody('application/json', Buffer.alloc(0)), OBTAIN)).toThrow(TesseraError);
    try {
      validateFields(parseRequestBody('application/json', Buffer.alloc(0)), OBTAIN);
    } catch (error) {
      expect((error as TesseraError).body).toEqual({ username: [MSG_REQUIRED], password: [MSG_REQUIRED] });
    }
  });
});

describe('validateFields options (checked against DRF 3.14 serializers run by the reference Python)', () => {
  // class S(Serializer): a = CharField(max_length=3); b = CharField(required=False)
  //   c = EmailField(max_length=5, required=False); d = CharField(trim_whitespace=False, required=False)
  const SPECS: readonly FieldSpec[] = [
    { name: 'a', kind: 'char', maxLength: 3 },
    { name: 'b', kind: 'char', required: false },
    { name: 'c', kind: 'email', required: false, maxLength: 5 },
    { name: 'd', kind: 'char', required: false, trimWhitespace: false },
  ];
  it.each([
    ['{"a":"abcd"}', { a: [msgMaxLength(3)] }],
    ['{"a":"ab\\u0000d"}', { a: [msgMaxLength(3), MSG_NULL_CHARACTERS] }],
    ['{"a":"\\u0000\\ud800\\ud801"}', { a: [MSG_NULL_CHARACTERS, 'Surrogate characters are not allowed: U+D800.'] }],
    ['{"a":"  abc  "}', { a: 'abc' }],
    // Printable ASCII takes a fast path (fields.ts): its edges, and characters just outside it.
    ['{"a":"abc"}', { a: 'abc' }],
    ['{"a":"!~\\""}', { a: '!~"' }],
    ['{"a":"ab\\u001f"}', { a: 'ab' }],
    ['{"a":"\\u007f"}', { a: '\x7f' }],
    ['{"a":"a b"}', { a: 'a b' }],
    ['{"a":"😀😀😀"}', { a: '😀😀😀' }],
    ['{"a":12345}', { a: [msgMaxLength(3)] }],
    ['{"a":"x","b":""}', { b: [MSG_BLANK] }],
    ['{"a":"x","b":null}', { b: [MSG_NULL] }],
    ['{"a":"x","c":"abcdef"}', { c: [msgMaxLength(5), MSG_INVALID_EMAIL] }],
    ['{"a":"x","c":"a@b.cd"}', { c: [msgMaxLength(5)] }],
    ['{"a":"x","c":"\\u0000@@@@"}', { c: [MSG_NULL_CHARACTERS, MSG_INVALID_EMAIL] }],
    ['{"a":"x","d":"  "}', { a: 'x', d: '  ' }],
    ['{"a":"x","d":""}', { d: [MSG_BLANK] }],
    ['{"a":"x","d":" y "}', { a: 'x', d: ' y ' }],
  ])('%s -> %j', (json, expected) => {
    expect(answer(json, SPECS)).toEqual(expected);
  });

  it('form bodies: an optional field sent empty counts as absent', () => {
    // DRF Field.get_value for QueryDict input: '' on a non-required field is `empty`.
    const specs: readonly FieldSpec[] = [
      { name: 'a', kind: 'char' },
      { name: 'b', kind: 'char', required: false },
    ];
    expect(validateFields(markHtmlFormInput({ a: 'x', b: '' }), specs)).toEqual({ a: 'x' });
    expect(() => validateFields({ a: 'x', b: '' }, specs)).toThrow(TesseraError);
    // Required fields still say blank:
    // curl ... -H 'Content-Type: application/x-www-form-urlencoded' --data-binary 'email=&username=%20' http://127.0.0.1:8300/accounts/register/
    // -> {"email":["This field may not be blank."],"username":["This field may not be blank."], ...required}
    try {
      validateFields(parseRequestBody('application/x-www-form-urlencoded', Buffer.from('email=&username=%20')), REGISTER);
      expect.unreachable();
    } catch (error) {
      expect((error as TesseraError).body).toEqual({ email: [MSG_BLANK], username: [MSG_BLANK], ...REQUIRED_REST });
    }
  });

  it('uploaded files are not strings, unless their name is blank', () => {
    // Multipart part with filename="a.txt" for "username" -> {"username":["Not a valid string."], "password": [required]}
    // filename=" " -> "This field may not be blank." (DRF checks str(file), which is its name)
    const file = (name: string): UploadedFile => new UploadedFile('username', name, 'text/plain', Buffer.from('x'));
    const specs: readonly FieldSpec[] = [{ name: 'username', kind: 'char' }];
    expect(() => validateFields(markHtmlFormInput({ username: file('a.txt') }), specs)).toThrow(
      expect.objectContaining({ body: { username: [MSG_NOT_A_STRING] } }),
    );
    expect(() => validateFields(markHtmlFormInput({ username: file('  ') }), specs)).toThrow(
      expect.objectContaining({ body: { username: [MSG_BLANK] } }),
    );
  });

  it('plain JS numbers print as int when integral', () => {
    expect(
      validateFields({ a: 7, b: 0.5 }, [
        { name: 'a', kind: 'char' },
        { name: 'b', kind: 'char' },
      ]),
    ).toEqual({ a: '7', b: '0.5' });
  });
});

describe('pythonStrip', () => {
  it('strips exactly str.isspace() characters', () => {
    expect(pythonStrip('\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000x\u3000 ')).toBe('x');
    expect(pythonStrip('\ufeffx\u200b')).toBe('\ufeffx\u200b');
    expect(pythonStrip('\u180ex')).toBe('\u180ex');
  });
});

describe("isValidEmail (Django 3.2's EmailValidator)", () => {
  // Checked with the reference's Django: validate_email(value) raises or not. A generated corpus
  // of 90,000 addresses (IDN labels, literals, odd local parts) differs only where Unicode
  // changed after 3.2 (see fields.ts).
  it.each([
    ['kyoko@example.com', true],
    ['KYOKO@EXAMPLE.COM', true],
    ['a@localhost', true],
    ['a@LOCALHOST', false],
    ["!#$%&'*+/=?^_`{}|~-@example.com", true],
    ['.a@example.com', false],
    ['a.@example.com', false],
    ['"q\\"x"@example.com', true],
    ['"a\u0000"@example.com', false],
    // [A-Z] under re.IGNORECASE also matches these four letters.
    ['ſ@example.com', true],
    ['K@example.com', true],
    ['İ@example.com', true],
    ['é@example.com', false],
    ['a@b.co', true],
    ['a@b.c', false],
    ['a@b.co-', false],
    ['a@-b.com', false],
    ['a@b-.com', false],
    ['a@b..com', false],
    [`a@${'a'.repeat(63)}.com`, true],
    [`a@${'a'.repeat(64)}.com`, false],
    [`${'a'.repeat(308)}@example.com`, true],
    [`${'a'.repeat(309)}@example.com`, false],
    ['a@[1.2.3.4]', true],
    ['a@[256.1.1.1]', false],
    ['a@[1.2.3]', false],
    ['a@[::]', true],
    ['a@[1:2:3:4:5:6:7:8]', true],
    ['a@[1:2:3:4:5:6:7:8:9]', false],
    ['a@[1::2::3]', false],
    ['a@[::ffff:1.2.3.4]', true],
    ['a@[::ffff:1.2.3.04]', false],
    ['a@[0000:0000:0000:0000:0000:0000:0000:00000]', false],
    ['a@[1:2:3:4:5:6:1.2.3.4]', true],
    ['a@[IPv6:::1]', false],
    ['a@straße.de', true],
    ['a@☃.com', true],
    ['a@😀.com', true],
    ['a@ｅｘａｍｐｌｅ．ｃｏｍ', true],
    ['a@\u00ad.com', false],
    ['a@exa\u200dmple.com', true],
    ['a@aا.com', false],
    ['a@ا.com', true],
    ['a@xn--a.com', true],
    [`a@${'ä'.repeat(60)}.com`, false],
    ['a@ex\ud800.com', false],
  ])('%j -> %s', (address, valid) => {
    expect(isValidEmail(address)).toBe(valid);
  });

  it("pythonIdnaEncode matches str.encode('idna')", () => {
    expect(pythonIdnaEncode('straße.de')).toBe('strasse.de');
    expect(pythonIdnaEncode('Bücher.example.')).toBe('xn--bcher-kva.example.');
    expect(pythonIdnaEncode('😀.com')).toBe('xn--e28h.com');
    expect(pythonIdnaEncode('ｅｘａｍｐｌｅ．ｃｏｍ')).toBe('example.com');
    expect(pythonIdnaEncode('\u00ad.com')).toBeNull();
    expect(pythonIdnaEncode('aا.com')).toBeNull();
    expect(pythonIdnaEncode('a..b')).toBeNull();
  });
});
