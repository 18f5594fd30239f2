/**
 * Strict base64url (RFC 7515 §2): the URL-safe alphabet, no padding, and only the canonical
 * encoding of the bytes. Node's decoder silently skips foreign characters and ignores non-zero
 * trailing bits, so two different strings could decode to the same bytes; a token must have
 * exactly one spelling (security checklist: non-canonical base64url is refused).
 */
const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** Decodes `text`, or returns `undefined` when it is not canonical base64url. */
export function decodeBase64Url(text: string): Buffer | undefined {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  // Re-encoding is the cheapest complete canonicality check: it catches non-zero padding bits.
  return bytes.toString('base64url') === text ? bytes : undefined;
}

export function encodeBase64Url(bytes: Buffer | string): string {
  return (typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes).toString('base64url');
}
