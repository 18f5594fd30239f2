/**
 * The OpenAPI 3.1 document of the API, generated from the routes the server dispatches: their
 * names, descriptions and authentication from the route metadata, request bodies from the same
 * field specs the handlers validate with (`route-fields.ts`), the token header from the
 * settings, and error bodies in the shapes `errors.ts` defines. A route added to the server
 * appears here without further work; only its success body is described per route name below,
 * because handlers do not declare it.
 */
import { readFileSync } from 'node:fs';
import type { Settings } from '../../../config/settings.js';
import type { Json } from '../../../errors.js';
import type { Route } from '../../../http/route.js';
import { headerNameFromMetaKey } from '../../../auth/authenticate-request.js';
import { requestFields, routeMethods, type RouteField } from '../route-fields.js';

export type JsonObject = { [key: string]: Json };

const SECURITY_SCHEME = 'jwtAuth';
const JSON_TYPE = 'application/json';
/** What DRF's parsers accept, so what every POST takes. */
const BODY_TYPES = [JSON_TYPE, 'application/x-www-form-urlencoded', 'multipart/form-data'] as const;

const stringProperty = (description: string): JsonObject => ({ type: 'string', description });
const jwtProperty = (description: string): JsonObject => ({
  type: 'string',
  description,
  pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
});

function objectSchema(properties: Record<string, JsonObject>, required: readonly string[]): JsonObject {
  return { type: 'object', properties, required: [...required] };
}

/** Success answers by route name: the one thing the routes do not declare. */
function successResponses(route: Route, settings: Settings): JsonObject {
  const json = (description: string, schema: JsonObject): JsonObject => ({ description, content: { [JSON_TYPE]: { schema } } });
  const empty = json('Done. The body is an empty JSON object.', { type: 'object', maxProperties: 0 });
  switch (route.name) {
    case 'Token Obtain Pair':
      return { '200': json('A refresh and access token pair.', { $ref: '#/components/schemas/TokenPair' }) };
    case 'Token Refresh':
      return {
        '200': json(
          settings.ROTATE_REFRESH_TOKENS
            ? 'A new access token and, as this server rotates refresh tokens, a new refresh token.'
            : 'A new access token.',
          objectSchema(
            {
              access: jwtProperty('A new access token.'),
              ...(settings.ROTATE_REFRESH_TOKENS ? { refresh: jwtProperty('The refresh token that replaces the one sent.') } : {}),
            },
            settings.ROTATE_REFRESH_TOKENS ? ['access', 'refresh'] : ['access'],
          ),
        ),
      };
    case 'Token Verify':
    case 'Token Blacklist':
    case 'Token Logout All':
      return { '200': empty };
    case 'Token Obtain Sliding':
    case 'Token Refresh Sliding':
      return {
        '200': json(
          'A sliding token.',
          objectSchema({ token: jwtProperty('A sliding token: send it as the access token, refresh it before it expires.') }, ['token']),
        ),
      };
    case 'Register':
      return { '201': { description: 'The user is registered. The body is empty.' } };
    case 'Protected':
      return { '200': json('The protected resource.', objectSchema({ content: stringProperty('"This view is protected"') }, ['content'])) };
    case 'Password Change':
      return {
        '200': json(
          'The password is changed and every other session has ended; the caller gets a new pair.',
          objectSchema(
            {
              detail: stringProperty('"New password has been saved."'),
              refresh: jwtProperty('A new refresh token.'),
              access: jwtProperty('A new access token.'),
            },
            ['detail', 'refresh', 'access'],
          ),
        ),
      };
    case 'Password Reset':
      return {
        '200': json(
          'The same answer whether or not the address belongs to an account.',
          detailSchema('"Password reset e-mail has been sent."'),
        ),
      };
    case 'Password Reset Confirm':
      return {
        '200': json(
          'The password is reset and every session of the user has ended.',
          detailSchema('"Password has been reset with the new password."'),
        ),
      };
    case 'Verify Email':
      return {
        '200': json('The address is verified.', detailSchema('"ok"')),
        '404': { description: 'The key is malformed, expired or already used.' },
      };
    case 'Resend Email Verification':
      return { '200': json('The same answer whether or not a mail was sent.', detailSchema('"ok"')) };
    case 'Hello':
      return { '200': json('A greeting.', objectSchema({ message: stringProperty('"Hello, World!"') }, ['message'])) };
    default:
      return { '200': json('The resource.', {}) };
  }
}

function detailSchema(example: string): JsonObject {
  return objectSchema({ detail: stringProperty(example) }, ['detail']);
}

function fieldSchema(field: RouteField): JsonObject {
  const schema: JsonObject = {
    type: 'string',
    title: field.label,
    // DRF refuses a blank value ("This field may not be blank."), after trimming whitespace.
    minLength: 1,
  };
  if (field.maxLength !== undefined) schema.maxLength = field.maxLength;
  if (field.kind === 'email') schema.format = 'email';
  if (field.input === 'password') {
    schema.format = 'password';
    schema.writeOnly = true;
  }
  if (field.help !== undefined) schema.description = field.help;
  return schema;
}

function requestBody(fields: readonly RouteField[]): JsonObject {
  const schema = objectSchema(
    Object.fromEntries(fields.map((field) => [field.name, fieldSchema(field)])),
    fields.filter((field) => field.required).map((field) => field.name),
  );
  return {
    required: true,
    content: Object.fromEntries(BODY_TYPES.map((type) => [type, { schema }])),
  };
}

function operationId(name: string, used: Set<string>): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  let id = words
    .map((word, index) => (index === 0 ? word.toLowerCase() : word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()))
    .join('');
  while (used.has(id)) id += '_';
  used.add(id);
  return id;
}

const ACCOUNT_ROUTE_NAMES = new Set([
  'Password Change',
  'Password Reset',
  'Password Reset Confirm',
  'Verify Email',
  'Resend Email Verification',
]);

function tagOf(route: Route): string {
  if (route.name.startsWith('Token')) return 'Tokens';
  if (route.name === 'Register' || ACCOUNT_ROUTE_NAMES.has(route.name)) return 'Accounts';
  return 'Resources';
}

const TAGS: readonly JsonObject[] = [
  { name: 'Tokens', description: 'Obtain, refresh, verify and revoke JSON web tokens (djangorestframework-simplejwt).' },
  { name: 'Accounts', description: 'Create accounts; change, reset and recover passwords; verify email addresses.' },
  { name: 'Resources', description: 'Views that need an access token.' },
];

function errorResponses(route: Route, method: 'GET' | 'POST', fields: readonly RouteField[]): JsonObject {
  const ref = (name: string): JsonObject => ({ $ref: `#/components/responses/${name}` });
  const responses: JsonObject = {};
  if (method === 'POST') responses['400'] = ref('ValidationFailed');
  const checksTokens = fields.some((field) => field.input === 'token');
  const logsIn = fields.some((field) => field.input === 'password') && route.name !== 'Register';
  if (route.authenticated || checksTokens || logsIn) responses['401'] = ref('Unauthorized');
  if (method === 'POST') {
    responses['413'] = ref('PayloadTooLarge');
    responses['415'] = ref('UnsupportedMediaType');
  }
  if (logsIn || route.name === 'Register') responses['429'] = ref('Throttled');
  return responses;
}

function securityScheme(settings: Settings): JsonObject {
  const headerName = headerNameFromMetaKey(settings.AUTH_HEADER_NAME);
  const type = settings.AUTH_HEADER_TYPES[0] ?? 'Bearer';
  if (headerName === 'authorization' && type === 'Bearer') {
    return {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'An access token from Token Obtain Pair, as `Authorization: Bearer <token>`.',
    };
  }
  return {
    type: 'apiKey',
    in: 'header',
    name: headerName,
    description: `An access token, sent as \`${headerName}: ${type} <token>\` (accepted types: ${settings.AUTH_HEADER_TYPES.join(', ')}).`,
  };
}

function components(settings: Settings): JsonObject {
  const errorContent = (schema: string): JsonObject => ({ [JSON_TYPE]: { schema: { $ref: `#/components/schemas/${schema}` } } });
  return {
    securitySchemes: { [SECURITY_SCHEME]: securityScheme(settings) },
    schemas: {
      TokenPair: objectSchema(
        {
          refresh: jwtProperty(`A refresh token, valid for ${settings.REFRESH_TOKEN_LIFETIME} seconds.`),
          access: jwtProperty(`An access token, valid for ${settings.ACCESS_TOKEN_LIFETIME} seconds.`),
        },
        ['refresh', 'access'],
      ),
      Detail: {
        type: 'object',
        description: "DRF's error body: a message, and for token errors simplejwt's code and per-token-class messages.",
        properties: {
          detail: { type: 'string' },
          code: { type: 'string', examples: ['token_not_valid', 'user_inactive', 'bad_authorization_header'] },
          messages: {
            type: 'array',
            items: objectSchema({ token_class: { type: 'string' }, token_type: { type: 'string' }, message: { type: 'string' } }, [
              'token_class',
              'token_type',
              'message',
            ]),
          },
        },
        required: ['detail'],
      },
      FieldErrors: {
        type: 'object',
        description: 'Validation errors: each failing field (or `non_field_errors`) with its messages, in field order.',
        additionalProperties: { type: 'array', items: { type: 'string' } },
        examples: [{ password: ['This field is required.'] }],
      },
    },
    responses: {
      ValidationFailed: {
        description: 'The body failed validation, or could not be parsed.',
        content: {
          [JSON_TYPE]: { schema: { oneOf: [{ $ref: '#/components/schemas/FieldErrors' }, { $ref: '#/components/schemas/Detail' }] } },
        },
      },
      Unauthorized: {
        description: 'No valid credentials or token. The header names the scheme to use.',
        headers: {
          'WWW-Authenticate': { schema: { type: 'string' }, description: `${settings.AUTH_HEADER_TYPES[0] ?? 'Bearer'} realm="api"` },
        },
        content: errorContent('Detail'),
      },
      PayloadTooLarge: { description: `The body is larger than ${settings.MAX_BODY_BYTES} bytes.`, content: errorContent('Detail') },
      UnsupportedMediaType: { description: 'The Content-Type is not one the API parses.', content: errorContent('Detail') },
      Throttled: {
        description: 'Too many attempts; try again after the given number of seconds.',
        headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 }, description: 'Seconds to wait.' } },
        content: errorContent('Detail'),
      },
    },
  };
}

let cachedVersion: string | undefined;

/** The package's version, read once from `package.json` (two levels above `src/` and `dist/` alike). */
export function packageVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8'));
      const version = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).version : undefined;
      cachedVersion = typeof version === 'string' ? version : '0.0.0';
    } catch {
      cachedVersion = '0.0.0';
    }
  }
  return cachedVersion;
}

/**
 * The OpenAPI 3.1 document for `routes` as `settings` configure them.
 *
 * @example
 * ```ts
 * const document = buildOpenApiDocument(tessera.routes({ demoViews: true }), tessera.settings);
 * document.paths['/api/token/'].post.operationId; // 'tokenObtainPair'
 * ```
 */
export function buildOpenApiDocument(routes: readonly Route[], settings: Settings): JsonObject {
  const used = new Set<string>();
  const paths: JsonObject = {};
  for (const route of routes) {
    const item: JsonObject = {};
    for (const method of routeMethods(route)) {
      const fields = method === 'POST' ? requestFields(route, settings) : [];
      const operation: JsonObject = {
        operationId: operationId(route.name, used),
        summary: route.name,
        tags: [tagOf(route)],
        security: route.authenticated ? [{ [SECURITY_SCHEME]: [] }] : [],
        responses: { ...successResponses(route, settings), ...errorResponses(route, method, fields) },
      };
      const description = route.description.replace(/\s*\n\s*/g, ' ').trim();
      if (description !== '') operation.description = description;
      if (method === 'POST' && fields.length > 0) operation.requestBody = requestBody(fields);
      item[method.toLowerCase()] = operation;
    }
    paths[route.path] = item;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera API',
      version: packageVersion(),
      summary: 'JSON web token authentication, wire-compatible with djangorestframework-simplejwt.',
      description:
        'Log in at the token endpoint to get an access and a refresh token; send the access token with each request to a protected view; ' +
        'refresh it before it expires; blacklist the refresh token to log out.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: [...TAGS],
    paths,
    components: components(settings),
  };
}
