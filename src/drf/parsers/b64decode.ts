/**
 * Python's `base64.b64decode` (non-validating): what Django applies to base64 file parts.
 */

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * `base64.b64decode(data)` (binascii's non-strict mode): other characters are skipped, a
 * complete padding ends the input, an unfinished quad is an error (`null`).
 */
export function pythonB64Decode(data: Uint8Array): Buffer | null {
  const out: number[] = [];
  let quadPos = 0;
  let leftChar = 0;
  let pads = 0;
  for (const byte of data) {
    if (byte === 0x3d /* = */) {
      if (quadPos >= 2 && quadPos + ++pads >= 4) return Buffer.from(out);
      continue;
    }
    const value = BASE64_ALPHABET.indexOf(String.fromCharCode(byte));
    if (value < 0) continue;
    pads = 0;
    switch (quadPos) {
      case 0:
        leftChar = value;
        break;
      case 1:
        out.push(((leftChar << 2) | (value >> 4)) & 0xff);
        leftChar = value & 0x0f;
        break;
      case 2:
        out.push(((leftChar << 4) | (value >> 2)) & 0xff);
        leftChar = value & 0x03;
        break;
      default:
        out.push(((leftChar << 6) | value) & 0xff);
        leftChar = 0;
    }
    quadPos = (quadPos + 1) % 4;
  }
  return quadPos === 0 ? Buffer.from(out) : null;
}
