/**
 * DRF's `JSONParser`: the body decoded with the request codec, then Python's `json.loads`
 * (python-json.ts), with DRF's `JSON parse error - ...` answer.
 */

import { TesseraError } from '../../errors.js';
import { PythonJsonError, parsePythonJson } from '../python-json.js';
import { BodyDecodeError, decodeStream, type Codec } from './codecs.js';

/** DRF's `JSONParser` (STRICT_JSON on: NaN and Infinity are refused). */
export function parseJson(raw: Buffer, codec: Codec, maxDepth: number): unknown {
  try {
    const text = decodeStream(raw, codec);
    return flatStringObject(text) ?? parsePythonJson(text, { numbers: 'python', allowConstants: false, maxDepth });
  } catch (error) {
    if (error instanceof PythonJsonError || error instanceof BodyDecodeError) {
      throw TesseraError.of('parse_error', `JSON parse error - ${error.message}`);
    }
    throw error;
  }
}

/**
 * The common body (`{"token": "..."}`), fast: when `JSON.parse` reads an object whose values are
 * all strings, Python's `json.loads` reads exactly the same (no numbers whose int/float kind
 * matters, no nesting to bound, duplicates resolved alike: first position, last value). Anything
 * else, valid or not, goes to the Python-exact parser, which also words the errors.
 */
function flatStringObject(text: string): Record<string, unknown> | undefined {
  if (text.charCodeAt(0) !== 0x7b /* { */) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const key in value) if (typeof (value as Record<string, unknown>)[key] !== 'string') return undefined;
  return value as Record<string, unknown>;
}
