/**
 * `request.data` and serializer fields for handlers: the body parsed by DRF's rules, then the
 * declared fields validated with DRF's messages.
 */
import { TesseraError, type FieldErrors } from '../errors.js';
import { parseRequestBody } from '../drf/body.js';
import { checkFields, type FieldSpec } from '../drf/fields.js';
import { header, type HttpRequest } from './http-types.js';

/** The parsed body (DRF's `request.data`). A parse error is a rejection, not a throw. */
// eslint-disable-next-line @typescript-eslint/require-await -- async, so that a parse error reaches callers as a rejection
export async function requestData(request: HttpRequest): Promise<unknown> {
  // Django reads no body without a Content-Length (a chunked request), and neither do we.
  const contentLength = header(request, 'content-length');
  return parseRequestBody(header(request, 'content-type'), request.body, {
    contentLength: contentLength === undefined ? null : Number(contentLength),
  });
}

/**
 * Validates the fields, collecting every field's errors in declaration order (a non-dict body
 * is not a field problem: DRF answers it alone, before any field, and so it throws).
 */
export function collectFieldErrors(data: unknown, specs: readonly FieldSpec[]): { values: Record<string, string>; errors: FieldErrors } {
  return checkFields(data, specs);
}

/** The declared fields' cleaned values, or a 400 with all their errors. */
export async function validatedFields(
  request: HttpRequest,
  specs: readonly FieldSpec[],
): Promise<{ data: unknown; values: Record<string, string> }> {
  const data = await requestData(request);
  const { values, errors } = collectFieldErrors(data, specs);
  if (Object.keys(errors).length > 0) throw TesseraError.fields(errors);
  return { data, values };
}

/** The field's value as sent, untrimmed, when it was a string (passwords are not trimmed). */
export function untrimmed(data: unknown, name: string, cleaned: string): string {
  const raw = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[name] : undefined;
  return typeof raw === 'string' ? raw : cleaned;
}
