import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_ACCEPT, startPagesApp, type PagesApp } from '../../../../test/support/pages-app.js';
import { registrationFields } from '../../../registration/register-user.js';
import { operationAnchor } from '../browsable/endpoint-page.js';
import { buildOpenApiDocument, type JsonObject } from './openapi-document.js';

function at(document: JsonObject, ...keys: string[]): JsonObject {
  let value: unknown = document;
  for (const key of keys) value = (value as Record<string, unknown> | undefined)?.[key];
  return value as JsonObject;
}

describe('the OpenAPI document', () => {
  let served: PagesApp;
  let document: JsonObject;
  beforeAll(async () => {
    served = await startPagesApp();
    const reply = await served.app.inject({ url: '/api/schema/' });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toBe('application/vnd.oai.openapi+json;version=3.1');
    document = JSON.parse(reply.body) as JsonObject;
  });
  afterAll(async () => {
    await served.close();
  });

  it('validates against the OpenAPI 3.1 schema', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('still validates when the settings change what it says (rotation, sliding tokens, another header)', async () => {
    const changed = await startPagesApp({
      ROTATE_REFRESH_TOKENS: true,
      AUTH_TOKEN_CLASSES: ['AccessToken', 'SlidingToken'],
      AUTH_HEADER_NAME: 'HTTP_X_TOKEN',
      AUTH_HEADER_TYPES: ['JWT'],
    });
    const other = buildOpenApiDocument(changed.tessera.routes({ demoViews: true }), changed.tessera.settings);
    await changed.close();
    expect((await new Validator().validate(other)).valid).toBe(true);
    expect(
      at(other, 'paths', '/api/token/refresh/', 'post', 'responses', '200', 'content', 'application/json', 'schema', 'required'),
    ).toEqual(['access', 'refresh']);
    expect(at(other, 'components', 'securitySchemes', 'jwtAuth')).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-token' });
  });

  it('describes every route the server dispatches, with its name, description and authentication', () => {
    const routes = served.tessera.routes({ demoViews: true });
    expect(Object.keys(at(document, 'paths'))).toEqual(routes.map((route) => route.path));
    for (const route of routes) {
      for (const method of Object.keys(route.handlers)) {
        const operation = at(document, 'paths', route.path, method.toLowerCase());
        expect(operation.summary).toBe(route.name);
        expect(operation.security).toEqual(route.authenticated ? [{ jwtAuth: [] }] : []);
      }
    }
    expect(at(document, 'paths', '/api/token/', 'post', 'operationId')).toBe('tokenObtainPair');
    expect(at(document, 'components', 'securitySchemes', 'jwtAuth')).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  it('takes request bodies from the field specs the handlers validate with', () => {
    const register = at(document, 'paths', '/accounts/register/', 'post', 'requestBody', 'content', 'application/json', 'schema');
    const specs = registrationFields(served.tessera.settings.MAX_PASSWORD_LENGTH);
    expect(Object.keys(at(register, 'properties'))).toEqual(specs.map((spec) => spec.name));
    expect(at(register, 'properties', 'email')).toMatchObject({ type: 'string', format: 'email', maxLength: 254 });
    expect(at(register, 'properties', 'password')).toMatchObject({ format: 'password', writeOnly: true, maxLength: 4096 });
    const login = at(document, 'paths', '/api/token/', 'post', 'requestBody', 'content');
    expect(Object.keys(login)).toEqual(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']);
    expect(at(login, 'application/json', 'schema', 'required')).toEqual(['username', 'password']);
    // `access` is read-only on the refresh serializer: not part of the request.
    expect(
      Object.keys(
        at(document, 'paths', '/api/token/refresh/', 'post', 'requestBody', 'content', 'application/json', 'schema', 'properties'),
      ),
    ).toEqual(['refresh']);
  });

  it('lists the account routes: password change and reset, with masked password fields', () => {
    const change = at(document, 'paths', '/accounts/password/change/', 'post');
    expect(change.security).toEqual([{ jwtAuth: [] }]);
    expect(change.tags).toEqual(['Accounts']);
    const changeBody = at(change, 'requestBody', 'content', 'application/json', 'schema');
    expect(at(changeBody, 'required')).toEqual(['old_password', 'new_password1', 'new_password2']);
    expect(at(changeBody, 'properties', 'new_password1')).toMatchObject({ format: 'password', writeOnly: true });
    expect(at(change, 'responses', '200', 'content', 'application/json', 'schema', 'required')).toEqual(['detail', 'refresh', 'access']);
    expect(at(document, 'paths', '/accounts/password/reset/', 'post', 'security')).toEqual([]);
    const confirm = at(
      document,
      'paths',
      '/accounts/password/reset/confirm/',
      'post',
      'requestBody',
      'content',
      'application/json',
      'schema',
    );
    expect(at(confirm, 'required')).toEqual(['new_password1', 'new_password2', 'uid', 'token']);
  });

  it('is rendered at /api/docs/ with an anchor per operation', async () => {
    const page = await served.app.inject({ url: '/api/docs/', headers: { accept: BROWSER_ACCEPT } });
    expect(page.statusCode).toBe(200);
    for (const [path, item] of Object.entries(at(document, 'paths'))) {
      for (const method of Object.keys(item as object)) expect(page.body).toContain(`id="${operationAnchor(method, path)}"`);
    }
    expect(page.body).toContain('<code>Authorization: Bearer &lt;token&gt;</code>');
  });
});
