/**
 * The OpenAPI 3.1 document of the API, generated from the routes the server dispatches: each
 * route's own declaration (name, description, authentication, tag, its answers, and the fields
 * its handler validates with, `form-fields.ts`), the token header from the settings, and error
 * bodies in the shapes `errors.ts` defines. A route added to the server appears here without
 * further work.
 */
import { readFileSync } from 'node:fs';
import type { Settings } from '../../../config/settings.js';
import type { Route } from '../../../http/route.js';
import { headerNameFromMetaKey } from '../../../auth/authenticate-request.js';
import { routeMethods } from '../../../http/route.js';
import { DEFAULT_RESPONSES, JSON_TYPE, jwtProperty, objectSchema, type JsonObject } from '../../../http/response-docs.js';
import { formFields, type FormField } from '../form-fields.js';

export type { JsonObject } from '../../../http/response-docs.js';

const SECURITY_SCHEME = 'jwtAuth';
/** What DRF's parsers accept, so what every POST takes. */
const BODY_TYPES = [JSON_TYPE, 'application/x-www-form-urlencoded', 'multipart/form-data'] as const;

function fieldSchema(field: FormField): JsonObject {
  const schema: JsonObject = {
    type: 'string',
    title: field.label,
    // DRF refuses a blank value ("This field may not be blank."), after trimming whitespace.
    minLength: 1,
  };
  if (field.maxLength !== undefined) schema.maxLength = field.maxLength;
  if (field.input === 'email') schema.format = 'email';
  if (field.input === 'password') {
    schema.format = 'password';
    schema.writeOnly = true;
  }
  if (field.help !== undefined) schema.description = field.help;
  return schema;
}

function requestBody(fields: readonly FormField[]): JsonObject {
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

const TAGS: readonly JsonObject[] = [
  { name: 'Tokens', description: 'Obtain, refresh, verify and revoke JSON web tokens (djangorestframework-simplejwt).' },
  { name: 'Accounts', description: 'Create accounts; change, reset and recover passwords; verify email addresses.' },
  { name: 'Resources', description: 'Views that need an access token.' },
];

/** The generic refusals (a body's 400, 413, 415; a 401 where tokens are checked), and those the route declares. */
function errorResponses(route: Route, method: 'GET' | 'POST', fields: readonly FormField[]): JsonObject {
  const ref = (name: string): JsonObject => ({ $ref: `#/components/responses/${name}` });
  const declared = new Set(route.refusals ?? []);
  const responses: JsonObject = {};
  if (method === 'POST') responses['400'] = ref('ValidationFailed');
  const checksTokens = fields.some((field) => field.input === 'token');
  if (route.authenticated || checksTokens || declared.has('Unauthorized')) responses['401'] = ref('Unauthorized');
  if (method === 'POST') {
    responses['413'] = ref('PayloadTooLarge');
    responses['415'] = ref('UnsupportedMediaType');
  }
  if (declared.has('Throttled')) responses['429'] = ref('Throttled');
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
      const fields = method === 'POST' ? formFields(route) : [];
      const operation: JsonObject = {
        operationId: operationId(route.name, used),
        summary: route.name,
        tags: [route.tag ?? 'Resources'],
        security: route.authenticated ? [{ [SECURITY_SCHEME]: [] }] : [],
        responses: { ...(route.responses ?? DEFAULT_RESPONSES), ...errorResponses(route, method, fields) },
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
