/**
 * DRF's `FormParser`: Django's `QueryDict` over an `application/x-www-form-urlencoded` body.
 */

import { markHtmlFormInput } from '../fields.js';
import { countOf } from './ascii-text.js';
import { decodeReplacing, decodeStrict, type Codec } from './codecs.js';
import { MAX_FORM_FIELDS, UploadedFile, setOwn, tooManyFields, type FormBody } from './form-body.js';

const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/**
 * `urllib.parse.unquote(text, encoding=codec, errors='replace')`: `%XX` runs inside ASCII
 * stretches become bytes decoded with the codec; non-ASCII characters pass through.
 */
export function percentDecode(text: string, codec: Codec): string {
  if (!text.includes('%')) return text;
  // eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
  return text.replace(/[\x00-\x7f]+/g, (ascii) => {
    if (!ascii.includes('%')) return ascii;
    const bytes: number[] = [];
    const [head = '', ...items] = ascii.split('%');
    for (const ch of head) bytes.push(ch.charCodeAt(0));
    for (const item of items) {
      const pair = item.slice(0, 2);
      const rest = HEX_PAIR.test(pair) ? item.slice(2) : `%${item}`;
      if (HEX_PAIR.test(pair)) bytes.push(parseInt(pair, 16));
      for (const ch of rest) bytes.push(ch.charCodeAt(0));
    }
    return decodeReplacing(Uint8Array.from(bytes), codec);
  });
}

/** DRF's `FormParser`: Django's `QueryDict(body, encoding=charset)`. */
export function parseUrlEncoded(raw: Buffer, codec: Codec): FormBody {
  // "query_string normally contains URL-encoded data, a subset of ASCII", so Django falls back
  // to Latin-1 for bytes the charset refuses.
  const text = decodeStrict(raw, codec) ?? raw.toString('latin1');
  if (text !== '' && countOf(text, '&') + 1 > MAX_FORM_FIELDS) throw tooManyFields();
  const values: FormBody = {};
  for (const field of text.split('&')) {
    if (field === '') continue;
    const eq = field.indexOf('=');
    const name = eq < 0 ? field : field.slice(0, eq);
    const value = eq < 0 ? '' : field.slice(eq + 1);
    setOwn<string | UploadedFile>(values, percentDecode(name.replace(/\+/g, ' '), codec), percentDecode(value.replace(/\+/g, ' '), codec));
  }
  return markHtmlFormInput(values);
}
