/**
 * The pieces routes describe their answers with, as OpenAPI 3.1 (JSON Schema) objects: each
 * route declares its own success answer beside its handler (`Route.responses`), and the OpenAPI
 * document (`server/pages/openapi/`) gathers them.
 */
import type { Json } from '../errors.js';

export type JsonObject = { [key: string]: Json };

export const JSON_TYPE = 'application/json';

export const stringProperty = (description: string): JsonObject => ({ type: 'string', description });

export const jwtProperty = (description: string): JsonObject => ({
  type: 'string',
  description,
  pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
});

export function objectSchema(properties: Record<string, JsonObject>, required: readonly string[]): JsonObject {
  return { type: 'object', properties, required: [...required] };
}

/** `{"detail": ...}`, dj-rest-auth's answers. */
export function detailSchema(example: string): JsonObject {
  return objectSchema({ detail: stringProperty(example) }, ['detail']);
}

/** A JSON answer's Response Object. */
export function jsonAnswer(description: string, schema: JsonObject): JsonObject {
  return { description, content: { [JSON_TYPE]: { schema } } };
}

/** simplejwt's `{}` (verify, blacklist). */
export const EMPTY_ANSWER = jsonAnswer('Done. The body is an empty JSON object.', { type: 'object', maxProperties: 0 });

/** What a route that declares nothing answers. */
export const DEFAULT_RESPONSES: Readonly<Record<string, Json>> = { '200': jsonAnswer('The resource.', {}) };
