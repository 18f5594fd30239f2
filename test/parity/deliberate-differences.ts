/**
 * Where Tessera deliberately answers differently from the reference (simplejwt 5.2.2 on DRF
 * 3.14 / Django 3.2). Each entry says what the reference still does, what Tessera does
 * instead, and why; docs/compatibility.md repeats the reasons. The parity tests assert both
 * halves, so an entry goes stale loudly: if the reference stops doing X, or Tessera stops
 * doing Y, a test fails.
 *
 * To add one: add an entry here, use it from the test that sends the request
 * (`expectDeliberateDifference(pair, '<id>', request)`), and repeat the reason in
 * docs/compatibility.md with the id in a code span (deliberate-differences.test.ts fails on an
 * id the document does not name).
 */
import type { ComparedHeader } from './compare.js';

/** What one server answers. Omitted parts are not asserted. */
export interface ExpectedAnswer {
  readonly status: number;
  /**
   * The exact body text after normalisation (every JWT string replaced by `"<jwt>"`), or a
   * pattern for bodies that carry a varying number (the seconds of a throttle message).
   */
  readonly body?: string | RegExp;
  /** Compared headers with their exact value (or a pattern); `null` means the header must be absent. */
  readonly headers?: Partial<Record<ComparedHeader, string | RegExp | null>>;
}

interface DifferenceBase {
  readonly title: string;
  /** Why Tessera differs; docs/compatibility.md repeats it. */
  readonly reason: string;
  /** The requests it concerns (method and route, plus the condition). */
  readonly appliesTo: readonly string[];
}

/** A request whose single answer differs. */
export interface AnswerDifference extends DifferenceBase {
  readonly kind: 'answer';
  readonly reference: ExpectedAnswer;
  readonly tessera: ExpectedAnswer;
  /** What else differs that the status/body/headers do not show (checked by the test). */
  readonly alsoDiffers?: string;
}

/** How many of N identical concurrent requests may succeed. */
export interface WinnerRange {
  readonly min: number;
  /** `null`: up to all of them. */
  readonly max: number | null;
}

/** N identical requests sent at once, where the number of successes differs. */
export interface RaceDifference extends DifferenceBase {
  readonly kind: 'race';
  readonly concurrency: number;
  readonly winner: ExpectedAnswer;
  readonly loser: ExpectedAnswer;
  readonly reference: WinnerRange;
  readonly tessera: WinnerRange;
}

export type DeliberateDifference = AnswerDifference | RaceDifference;

const TOKEN_ENDPOINT_401_HEADERS = { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="api"' } as const;
const JSON_400_HEADERS = { 'content-type': 'application/json', 'www-authenticate': null } as const;
/** Django's stock 500 page (DEBUG=False): HTML, not JSON. */
const REFERENCE_500: ExpectedAnswer = { status: 500, headers: { 'content-type': 'text/html' } };
const TOKEN_INVALID_401: ExpectedAnswer = {
  status: 401,
  body: '{"detail":"Token is invalid or expired","code":"token_not_valid"}',
  headers: TOKEN_ENDPOINT_401_HEADERS,
};
/** JWTAuthentication's answer to a token no token class accepts (authenticated views). */
const ACCESS_TOKEN_INVALID_401: ExpectedAnswer = {
  status: 401,
  body:
    '{"detail":"Given token not valid for any token type","code":"token_not_valid",' +
    '"messages":[{"token_class":"AccessToken","token_type":"access","message":"Token is invalid or expired"}]}',
  headers: TOKEN_ENDPOINT_401_HEADERS,
};
/** Accepted: 200, whatever the endpoint's success body is ({}, {"access"}, the view's content). */
const ACCEPTED: ExpectedAnswer = { status: 200 };
/** DRF's answer to a successful registration: 201, empty body, and no Content-Type at all. */
const REGISTERED: ExpectedAnswer = { status: 201, body: '', headers: { 'content-type': null } };

export const DELIBERATE_DIFFERENCES = {
  'no-jti-with-blacklist-app': {
    kind: 'answer',
    title: 'A signed refresh token without a jti is a 401 "Token has no id", not a 500',
    reason:
      "With the blacklist app installed, simplejwt's check_blacklist reads payload['jti'] before its own " +
      '"Token has no id" check, so a validly signed refresh token without a jti crashes with KeyError (500). ' +
      'Tessera gives the answer simplejwt meant to give (and gives without the blacklist app, and on /verify/).',
    appliesTo: ['POST /api/token/refresh/', 'POST /api/token/blacklist/'],
    reference: REFERENCE_500,
    tessera: {
      status: 401,
      body: '{"detail":"Token has no id","code":"token_not_valid"}',
      headers: TOKEN_ENDPOINT_401_HEADERS,
    },
  },
  'string-exp-on-token-endpoints': {
    kind: 'answer',
    title: 'A numeric-string exp is a 401 on the token endpoints, not a 500',
    reason:
      'PyJWT 2.6 accepts an exp such as "9999999999" (it int()s it), then simplejwt\'s check_exp fails with ' +
      'TypeError (500). Tessera treats a non-numeric exp as an invalid token.',
    appliesTo: ['POST /api/token/refresh/', 'POST /api/token/verify/', 'POST /api/token/blacklist/'],
    reference: REFERENCE_500,
    tessera: TOKEN_INVALID_401,
  },
  'string-exp-on-protected': {
    kind: 'answer',
    title: 'A numeric-string exp is a 401 on authenticated views, not a 500',
    reason:
      "The same TypeError in simplejwt's check_exp, reached from JWTAuthentication. Tessera answers with " +
      "simplejwt's own shape for a token no token class accepts.",
    appliesTo: ['GET /protected/', 'GET /hello/'],
    reference: REFERENCE_500,
    tessera: ACCESS_TOKEN_INVALID_401,
  },
  'malformed-time-claims-on-token-endpoints': {
    kind: 'answer',
    title: 'exp or iat that is null, a numeric string (iat) or out of range is a 401 on the token endpoints, not a 500',
    reason:
      'PyJWT 2.6 and simplejwt crash on some validly signed but malformed time claims: exp null (TypeError), ' +
      'exp 1e20 (OverflowError building a datetime), iat null or iat "1795000000" (TypeError). Tessera rejects ' +
      'them as invalid tokens.',
    appliesTo: ['POST /api/token/refresh/', 'POST /api/token/verify/', 'POST /api/token/blacklist/'],
    reference: REFERENCE_500,
    tessera: TOKEN_INVALID_401,
  },
  'malformed-time-claims-on-protected': {
    kind: 'answer',
    title: 'exp or iat that is null, a numeric string (iat) or out of range is a 401 on authenticated views, not a 500',
    reason: "The same crashes, reached from JWTAuthentication. Tessera answers with simplejwt's shape for a token no token class accepts.",
    appliesTo: ['GET /protected/', 'GET /hello/'],
    reference: REFERENCE_500,
    tessera: ACCESS_TOKEN_INVALID_401,
  },
  'non-canonical-base64url-on-token-endpoints': {
    kind: 'answer',
    title: 'A token spelled in non-canonical base64url is invalid on the token endpoints',
    reason:
      "PyJWT decodes segments with Python's lenient base64 decoder: it ignores the unused low bits of the last " +
      'character and accepts "=" padding, so one signature has several spellings that all verify. RFC 7515 ' +
      'forbids padding and RFC 4648 §3.5 lets a decoder refuse non-zero pad bits; Tessera accepts only the ' +
      'canonical spelling, so a token has exactly one valid form (nothing keyed on the token string, a cache ' +
      'or a deny list, can be sidestepped by re-spelling it).',
    appliesTo: [
      'POST /api/token/refresh/, /verify/, /blacklist/ with a token whose last character has non-zero unused bits',
      'the same with "=" padding after the signature',
    ],
    reference: ACCEPTED,
    tessera: TOKEN_INVALID_401,
  },
  'non-canonical-base64url-on-protected': {
    kind: 'answer',
    title: 'A token spelled in non-canonical base64url is invalid on authenticated views',
    reason: 'The same strict decoding, reached from JWTAuthentication (see non-canonical-base64url-on-token-endpoints).',
    appliesTo: ['GET /protected/ and GET /hello/ with such an access token'],
    reference: ACCEPTED,
    tessera: ACCESS_TOKEN_INVALID_401,
  },
  'string-nbf-on-token-endpoints': {
    kind: 'answer',
    title: 'An nbf that is a numeric string (not a JSON number) is invalid on the token endpoints',
    reason:
      'PyJWT 2.6 runs int() on nbf, so "1700000000" passes the check; RFC 7519 §2 defines a NumericDate as a JSON ' +
      'number. Tessera holds every NumericDate (exp, iat, nbf) to that, the same rule that turns the 500s of ' +
      'string-exp-on-token-endpoints and malformed-time-claims-on-token-endpoints into 401s.',
    appliesTo: ['POST /api/token/refresh/, /verify/, /blacklist/ with "nbf": "<digits>"'],
    reference: ACCEPTED,
    tessera: TOKEN_INVALID_401,
  },
  'string-nbf-on-protected': {
    kind: 'answer',
    title: 'An nbf that is a numeric string is invalid on authenticated views',
    reason: 'The same NumericDate rule, reached from JWTAuthentication (see string-nbf-on-token-endpoints).',
    appliesTo: ['GET /protected/ and GET /hello/ with "nbf": "<digits>"'],
    reference: ACCEPTED,
    tessera: ACCESS_TOKEN_INVALID_401,
  },
  'null-jti-on-refresh-and-verify': {
    kind: 'answer',
    title: 'A refresh token whose jti is null is invalid on /refresh/ and /verify/',
    reason:
      'simplejwt only checks that the jti claim is present, so "jti": null refreshes and verifies. The jti is the ' +
      "token's identity in the blacklist, and a null one can never be blacklisted (null-jti-blacklist), so " +
      'Tessera refuses such a token wherever it consults the blacklist. Authenticated views do not consult it ' +
      'and accept an access token with a null jti, like the reference.',
    appliesTo: ['POST /api/token/refresh/ and POST /api/token/verify/ with "jti": null'],
    reference: ACCEPTED,
    tessera: TOKEN_INVALID_401,
  },
  'null-jti-blacklist': {
    kind: 'answer',
    title: 'Blacklisting a refresh token whose jti is null is a 401, not a 500',
    reason:
      'simplejwt only checks that the jti claim is present, so a jti of null passes; blacklist() then inserts an ' +
      'OutstandingToken with jti NULL into a NOT NULL column (IntegrityError, 500). Tessera rejects the token.',
    appliesTo: ['POST /api/token/blacklist/ with "jti": null'],
    reference: REFERENCE_500,
    tessera: TOKEN_INVALID_401,
  },
  'uncastable-user-id-on-protected': {
    kind: 'answer',
    title: 'A user_id that is not an integer is "User not found", not a 500',
    reason:
      'JWTAuthentication.get_user runs User.objects.get(id=<claim>); a claim Django cannot cast to the integer ' +
      'primary key ("abc", [1]) raises ValueError/TypeError (500). No user can have such an id, so Tessera says so.',
    appliesTo: ['GET /protected/', 'GET /hello/'],
    reference: REFERENCE_500,
    tessera: {
      status: 401,
      body: '{"detail":"User not found","code":"user_not_found"}',
      headers: TOKEN_ENDPOINT_401_HEADERS,
    },
  },
  'deeply-nested-json': {
    kind: 'answer',
    title: 'A deeply nested JSON body is a 400, not a 500',
    reason:
      "Python's json module raises RecursionError (not a ValueError) past about a thousand nesting levels, which " +
      "DRF's JSONParser does not catch, so the reference answers 500. Tessera refuses the body as malformed.",
    appliesTo: ['POST to any endpoint with JSON nested thousands of levels deep'],
    reference: REFERENCE_500,
    tessera: { status: 400, headers: JSON_400_HEADERS },
  },
  'password-not-trimmed': {
    kind: 'answer',
    title: 'Login does not strip whitespace around the password',
    reason:
      'simplejwt\'s PasswordField is a DRF CharField with trim_whitespace=True, so "  secret  " logs in as ' +
      '"secret" and a password that really ends in a space can never log in. Passwords must not be modified ' +
      '(ASVS 5.0 6.2.8); Tessera compares the password as sent.',
    appliesTo: ['POST /api/token/ with whitespace around the password'],
    reference: { status: 200, body: '{"refresh":"<jwt>","access":"<jwt>"}' },
    tessera: {
      status: 401,
      body: '{"detail":"No active account found with the given credentials"}',
      headers: TOKEN_ENDPOINT_401_HEADERS,
    },
  },
  'refresh-for-missing-user': {
    kind: 'answer',
    title: 'Refreshing a token whose user no longer exists (or is inactive) is a 401',
    reason:
      'simplejwt 5.2.2 never looks the user up on refresh, so a deleted or deactivated user keeps getting access ' +
      'tokens until the refresh token expires. Newer simplejwt (5.4+) refuses; Tessera does too.',
    appliesTo: ['POST /api/token/refresh/ with a user_id that names no (active) user'],
    reference: { status: 200, body: '{"access":"<jwt>"}' },
    tessera: {
      status: 401,
      body: '{"detail":"No active account found for the given token."}',
      headers: TOKEN_ENDPOINT_401_HEADERS,
    },
  },
  'verify-blacklisted-without-rotation': {
    kind: 'answer',
    title: '/api/token/verify/ refuses a blacklisted token even when BLACKLIST_AFTER_ROTATION is off',
    reason:
      'simplejwt only consults the blacklist in TokenVerifyView when BLACKLIST_AFTER_ROTATION is true, so by ' +
      'default a logged-out refresh token still verifies as valid (simplejwt issue #786). Tessera always checks.',
    appliesTo: ['POST /api/token/verify/ with a blacklisted refresh token, default settings'],
    reference: { status: 200, body: '{}' },
    tessera: { status: 400, body: '{"non_field_errors":["Token is blacklisted"]}', headers: JSON_400_HEADERS },
  },
  'refresh-access-iat': {
    kind: 'answer',
    title: 'The access token minted by /api/token/refresh/ gets a fresh iat',
    reason:
      "simplejwt 5.2.2 copies the refresh token's iat into the new access token, so its iat is the login (or last " +
      'rotation) time and exp - iat grows with the session. 5.5.1 fixed it (#888); Tessera stamps the time of issue.',
    appliesTo: ['POST /api/token/refresh/'],
    reference: { status: 200, body: '{"access":"<jwt>"}' },
    tessera: { status: 200, body: '{"access":"<jwt>"}' },
    alsoDiffers: "the access token's iat: the refresh token's iat (reference) vs now (Tessera); exp is now + 300 in both",
  },
  'username-case-folding': {
    kind: 'answer',
    title: 'A new username equal to an existing one after case folding is refused',
    reason:
      'Django compares usernames exactly, so "KYOKO" registers beside "kyoko" and the two look like one person ' +
      '(and "STRASSE" beside "straße"). Tessera refuses a new name equal to an existing one after NFKC and full ' +
      'Unicode case folding, at registration and in the admin console, and compares emails with full case folding; ' +
      'logins still match the name exactly (issue 12).',
    appliesTo: ['POST /accounts/register/ with a username that equals an existing one after case folding'],
    reference: REGISTERED,
    tessera: { status: 400, body: '{"username":["User with this username already exists."]}', headers: JSON_400_HEADERS },
  },
  'username-nfkc': {
    kind: 'answer',
    title: 'Usernames are NFKC-normalised at registration and login',
    reason:
      "Django's create_user stores NFKC usernames, but the tutorial's serializer uses objects.create (no " +
      'normalisation) and ModelBackend looks names up as typed, so a fullwidth "ｂｅａ" and "bea" are two names that ' +
      'look alike. Tessera stores and looks up the NFKC form, so both spellings name one account (issue 12).',
    appliesTo: ['POST /accounts/register/', 'POST /api/token/ with a name whose NFKC form differs'],
    reference: { status: 401, body: '{"detail":"No active account found with the given credentials"}' },
    tessera: { status: 200, body: '{"refresh":"<jwt>","access":"<jwt>"}' },
  },
  'token-no-store': {
    kind: 'answer',
    title: 'Answers that carry a token say Cache-Control: no-store and Pragma: no-cache',
    reason:
      'RFC 6749 §5.1 requires both on any response carrying a token, so that no browser, proxy or CDN keeps a copy; ' +
      'simplejwt sends neither (issue 12, SEC-46).',
    appliesTo: ['POST /api/token/', 'POST /api/token/refresh/', 'POST /api/token/sliding/', 'POST /api/token/sliding/refresh/'],
    reference: { status: 200, body: '{"refresh":"<jwt>","access":"<jwt>"}' },
    tessera: { status: 200, body: '{"refresh":"<jwt>","access":"<jwt>"}' },
    alsoDiffers: 'the Cache-Control and Pragma headers: absent (reference) vs no-store and no-cache (Tessera)',
  },
  'register-password-similarity': {
    kind: 'answer',
    title: 'Registration runs UserAttributeSimilarityValidator against the submitted attributes',
    reason:
      "The tutorial's serializer calls validate_password without the user being created, so Django's similarity " +
      'validator never fires and a password equal to the username is accepted. Tessera passes the submitted ' +
      'username, first name and email.',
    appliesTo: ['POST /accounts/register/ with a password similar to the username, first name or email'],
    reference: REGISTERED,
    tessera: { status: 400, body: '{"password":["The password is too similar to the username."]}', headers: JSON_400_HEADERS },
  },
  'register-username-characters': {
    kind: 'answer',
    title: "Registration validates usernames like Django's UnicodeUsernameValidator",
    reason:
      "The serializer redeclares username as a plain CharField, dropping the model field's validator, so names " +
      'with spaces, "!" or emoji are stored. Tessera keeps the model rule (letters, digits and @ . + - _).',
    appliesTo: ['POST /accounts/register/ with a username outside [\\w.@+-]'],
    reference: REGISTERED,
    tessera: {
      status: 400,
      body: '{"username":["Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."]}',
      headers: JSON_400_HEADERS,
    },
  },
  'register-username-length': {
    kind: 'answer',
    title: 'Registration enforces the 150-character username limit',
    reason:
      'The redeclared CharField has no max_length and SQLite does not enforce varchar(150), so the reference stores ' +
      'longer usernames. Tessera keeps the model limit.',
    appliesTo: ['POST /accounts/register/ with a username longer than 150 characters'],
    reference: REGISTERED,
    tessera: { status: 400, body: '{"username":["Ensure this field has no more than 150 characters."]}', headers: JSON_400_HEADERS },
  },
  'register-email-case-insensitive': {
    kind: 'answer',
    title: 'Registration treats emails that differ only in case as the same email',
    reason:
      'The reference checks User.objects.filter(email=...) (case-sensitive on SQLite), so Kyoko@Example.com and ' +
      'kyoko@example.com become two accounts. Tessera refuses the second.',
    appliesTo: ['POST /accounts/register/ with an email already registered in another case'],
    reference: REGISTERED,
    tessera: { status: 400, body: '{"email":["User with this email already exists."]}', headers: JSON_400_HEADERS },
  },
  'utf16-charset-without-bom': {
    kind: 'answer',
    title: 'A JSON body declared charset=utf-16 without a BOM is read as UTF-8 (known gap)',
    reason:
      'Tessera decodes UTF-8, UTF-8-SIG, ASCII and Latin-1, and every other declared charset as UTF-8 ' +
      "(src/drf/parsers/codecs.ts). Python's utf-16 codec needs a byte order mark, so the reference answers a parse " +
      'error; Tessera parses the bytes as UTF-8. Not a choice but a documented gap: JSON on the wire is UTF-8 ' +
      '(RFC 8259 §8.1) and no client of these endpoints sends UTF-16.',
    appliesTo: ['POST with Content-Type: application/json; charset=utf-16 and a body without a BOM ({} to /api/token/ here)'],
    reference: { status: 400, body: '{"detail":"JSON parse error - UTF-16 stream does not start with BOM"}', headers: JSON_400_HEADERS },
    tessera: {
      status: 400,
      body: '{"username":["This field is required."],"password":["This field is required."]}',
      headers: JSON_400_HEADERS,
    },
  },
  'refresh-token-reuse-revokes-family': {
    kind: 'answer',
    title: 'Replaying a rotated refresh token ends the whole session (token family)',
    reason:
      'With rotation and blacklisting, a refresh token that was already rotated coming back means two parties ' +
      'hold the session, and the server cannot tell the user from the thief. RFC 9700 §4.14.2 (refresh token ' +
      'rotation) asks to revoke the whole family: Tessera blacklists every token descending from that login, so ' +
      'the newest one stops working too. simplejwt has no families: the replay fails, but the newest token ' +
      'keeps rotating. REFRESH_TOKEN_REUSE_GRACE (seconds, default 0) takes a replay that soon after its ' +
      'rotation as a client retry instead.',
    appliesTo: ['POST /api/token/refresh/ (rotation + blacklist) with the newest token of a session after an older one was replayed'],
    reference: { status: 200, body: '{"access":"<jwt>","refresh":"<jwt>"}' },
    tessera: {
      status: 401,
      body: '{"detail":"Token is blacklisted","code":"token_not_valid"}',
      headers: TOKEN_ENDPOINT_401_HEADERS,
    },
  },
  'login-throttling': {
    kind: 'answer',
    title: 'Failed logins are throttled (429 with Retry-After)',
    reason:
      'The reference has no throttling, so passwords can be guessed as fast as the server hashes them. Tessera ' +
      'counts failed logins per account and address (THROTTLE_LOGIN_ACCOUNT_ADDRESS, default 5/minute, then ' +
      'doubling delays), per client address (THROTTLE_LOGIN_IP, 300/hour) and per account from all addresses but ' +
      'those the user has logged in from (THROTTLE_LOGIN_ACCOUNT, 100/day, whether or not the account exists), ' +
      "and registrations per address (THROTTLE_REGISTER_IP, 100/hour); past a limit it answers DRF's own throttle " +
      '429, the attempt counted before any password is hashed. Each limit can be set to "off".',
    appliesTo: [
      'POST /api/token/ after too many failed logins for one username or from one address',
      'POST /accounts/register/ after too many attempts from one address',
    ],
    reference: {
      status: 401,
      body: '{"detail":"No active account found with the given credentials"}',
      headers: { ...TOKEN_ENDPOINT_401_HEADERS, 'retry-after': null },
    },
    tessera: {
      status: 429,
      body: /^\{"detail":"Request was throttled\. Expected available in \d+ seconds?\."\}$/,
      headers: { 'content-type': 'application/json', 'www-authenticate': null, 'retry-after': /^\d+$/ },
    },
  },
  'logout-all-endpoint': {
    kind: 'answer',
    title: 'POST /api/token/logout-all/ logs the user out everywhere (a Tessera addition)',
    reason:
      "simplejwt has no view for it, so the URL does not exist on the reference (Django's HTML 404). Tessera " +
      'adds an authenticated endpoint that blacklists every outstanding refresh token of the user, the "log ' +
      'out from every device" that a stolen-device report needs.',
    appliesTo: ['POST /api/token/logout-all/ with a valid access token'],
    reference: { status: 404, headers: { 'content-type': 'text/html' } },
    tessera: { status: 200, body: '{}', headers: { 'content-type': 'application/json' } },
  },
  'health-endpoints': {
    kind: 'answer',
    title: 'GET /healthz and GET /readyz answer probes (a Tessera addition)',
    reason:
      "The URLs do not exist on the reference (Django's HTML 404). Tessera's bundled server adds a liveness " +
      'probe and a readiness probe (database reachable, migrations applied, Redis when configured) for load ' +
      'balancers and orchestrators: plain JSON, never throttled, not browsable (docs/operations.md).',
    appliesTo: ['GET /healthz', 'GET /readyz'],
    reference: { status: 404, headers: { 'content-type': 'text/html' } },
    tessera: { status: 200, body: /^\{"status":"(ok|ready)"(,"checks":\{"database":"ok","migrations":"ok"\})?\}$/ },
  },
  'method-unknown-to-node': {
    kind: 'answer',
    title: "A method Node's HTTP parser does not know is a 400, not DRF's 405 (platform limit)",
    reason:
      'gunicorn passes any method token to Django, so DRF answers 405 to FOO (and treats a lower-case get as ' +
      "GET). Node's HTTP parser (llhttp) only knows a fixed list of methods and refuses any other before Tessera " +
      'sees the request, so Tessera cannot route it. Every method Node parses (PURGE, PROPFIND, ...) does get ' +
      "DRF's 405.",
    appliesTo: ["any request whose method is not in Node's list, e.g. FOO /api/token/, or a lower-case method"],
    reference: {
      status: 405,
      body: '{"detail":"Method \\"FOO\\" not allowed."}',
      headers: { 'content-type': 'application/json', allow: 'POST, OPTIONS' },
    },
    tessera: { status: 400 },
  },
  'browsable-api-page-status': {
    kind: 'answer',
    title: 'A browsable-API page answers 200 around a failed call (work in progress)',
    reason:
      "A browser (Accept ranking text/html first) asking for an API URL gets the endpoint's HTML page in both. " +
      "DRF sends the page with the API call's status (401 without credentials, 405 for GET on a POST-only " +
      "view); Tessera's page answers 200 and shows the API's status inside it: the page itself is what the " +
      'browser asked for. It never shows what the view would have returned without credentials.',
    appliesTo: ['GET of an API URL with Accept: text/html, where the JSON answer would be an error'],
    reference: { status: 401, headers: { 'content-type': 'text/html; charset=utf-8' } },
    tessera: { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } },
  },
  'concurrent-rotation': {
    kind: 'race',
    title: 'Concurrent refreshes of one refresh token under rotation: exactly one wins',
    reason:
      'With ROTATE_REFRESH_TOKENS and BLACKLIST_AFTER_ROTATION, simplejwt checks the blacklist, then blacklists, in ' +
      'separate queries: concurrent requests with the same token can all pass the check, and each gets a new ' +
      'refresh token (a reused token forks the session). Tessera decides the winner inside one transaction. ' +
      'The losers were concurrent with the winner (the token was valid when they started), so they are refused ' +
      "without revoking the family: the winner's new token keeps working. A token presented after its rotation " +
      'is a replay, and that does revoke the family (refresh-token-reuse-revokes-family).',
    appliesTo: ['POST /api/token/refresh/ with one refresh token, N at once, rotation mode'],
    concurrency: 10,
    winner: { status: 200, body: '{"access":"<jwt>","refresh":"<jwt>"}' },
    loser: { status: 401, body: '{"detail":"Token is blacklisted","code":"token_not_valid"}', headers: TOKEN_ENDPOINT_401_HEADERS },
    reference: { min: 1, max: null },
    tessera: { min: 1, max: 1 },
  },
} as const satisfies Record<string, DeliberateDifference>;

export type DeliberateDifferenceId = keyof typeof DELIBERATE_DIFFERENCES;
