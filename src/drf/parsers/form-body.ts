/**
 * What a form body (urlencoded or multipart) parses to, and Django's limits on it
 * (`DATA_UPLOAD_MAX_NUMBER_FIELDS`, `..._FILES`, `DATA_UPLOAD_MAX_MEMORY_SIZE`).
 */

import { TesseraError } from '../../errors.js';

/** Django's `DATA_UPLOAD_MAX_NUMBER_FIELDS`. */
export const MAX_FORM_FIELDS = 1000;
/** Django's `DATA_UPLOAD_MAX_NUMBER_FILES`. */
export const MAX_FORM_FILES = 100;
/** Django's `DATA_UPLOAD_MAX_MEMORY_SIZE`, applied to multipart text fields. */
export const MAX_FORM_FIELD_BYTES = 2_621_440;

/** A multipart part Django stores as an uploaded file (it has a usable `filename`). */
export class UploadedFile {
  constructor(
    readonly fieldName: string,
    /** After Django's sanitising (HTML-unescaped, directory parts removed). */
    readonly fileName: string,
    readonly contentType: string,
    readonly content: Buffer,
  ) {}

  /** Python's `str(uploaded_file)` is its name, which is what DRF's blank check looks at. */
  toString(): string {
    return this.fileName;
  }
}

/** A form body: for each name, the last value sent (what a DRF `CharField` reads). */
export type FormBody = Record<string, string | UploadedFile>;

/** Assign without letting a `__proto__` key reach the prototype. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

export function tooManyFields(): TesseraError {
  return TesseraError.of('parse_error', `Too many form fields (the limit is ${MAX_FORM_FIELDS}).`);
}
