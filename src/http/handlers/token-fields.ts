/**
 * The token endpoints' fields and answers, declared once: the views validate with these, and
 * OPTIONS, the browsable API's forms and the OpenAPI document describe them.
 */
import type { EndpointField } from '../route.js';
import { EMPTY_ANSWER, jsonAnswer, jwtProperty, objectSchema } from '../response-docs.js';
import type { Json } from '../../errors.js';

/** simplejwt's `refresh` field (refresh, blacklist). */
export const REFRESH_FIELD: EndpointField = {
  name: 'refresh',
  kind: 'char',
  prefill: 'refresh',
  help: 'A refresh token, as the login answered it.',
};

/** Token Refresh's read-only `access` (listed by OPTIONS, as simplejwt's serializer declares it). */
export const ACCESS_OUTPUT_FIELD: EndpointField = { name: 'access', kind: 'char', required: false, readOnly: true };

/** The `token` of verify and sliding refresh: an access (or sliding) token, the one the panel keeps as "access". */
export const TOKEN_FIELD: EndpointField = {
  name: 'token',
  kind: 'char',
  prefill: 'access',
  help: 'A token to check: the kept access token by default.',
};

/** The login fields: USERNAME_FIELD and the password (at most MAX_PASSWORD_LENGTH characters). */
export function credentialFields(usernameField: string, maxPasswordLength: number): EndpointField[] {
  return [
    { name: usernameField, kind: 'char' },
    { name: 'password', kind: 'char', maxLength: maxPasswordLength },
  ];
}

/** The answers of the token routes; Token Refresh's depends on ROTATE_REFRESH_TOKENS. */
export const TOKEN_RESPONSES = {
  pair: { '200': jsonAnswer('A refresh and access token pair.', { $ref: '#/components/schemas/TokenPair' }) },
  refresh: (rotate: boolean): Record<string, Json> => ({
    '200': jsonAnswer(
      rotate ? 'A new access token and, as this server rotates refresh tokens, a new refresh token.' : 'A new access token.',
      objectSchema(
        {
          access: jwtProperty('A new access token.'),
          ...(rotate ? { refresh: jwtProperty('The refresh token that replaces the one sent.') } : {}),
        },
        rotate ? ['access', 'refresh'] : ['access'],
      ),
    ),
  }),
  empty: { '200': EMPTY_ANSWER },
  sliding: {
    '200': jsonAnswer(
      'A sliding token.',
      objectSchema({ token: jwtProperty('A sliding token: send it as the access token, refresh it before it expires.') }, ['token']),
    ),
  },
} as const;
