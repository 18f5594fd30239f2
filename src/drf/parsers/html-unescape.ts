/**
 * Python's `html.unescape`, as far as Django's file-name handling needs it.
 */

/** The named references that can make Django drop a file name or make it blank. */
const FILE_NAME_ENTITIES: Readonly<Record<string, string>> = {
  'bsol;': '\\',
  'sol;': '/',
  'period;': '.',
  nbsp: '\xa0',
  'nbsp;': '\xa0',
  'NonBreakingSpace;': '\xa0',
  'Tab;': '\t',
  'NewLine;': '\n',
  'ensp;': '\u2002',
  'emsp;': '\u2003',
  'emsp13;': '\u2004',
  'emsp14;': '\u2005',
  'numsp;': '\u2007',
  'puncsp;': '\u2008',
  'thinsp;': '\u2009',
  'ThinSpace;': '\u2009',
  'hairsp;': '\u200a',
  'VeryThinSpace;': '\u200a',
  'MediumSpace;': '\u205f',
  'ThickSpace;': '\u205f\u200a',
};

/** html._invalid_charrefs for 0x80-0x9F: the windows-1252 reading. */
const CP1252_C1 =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

/** Python's `html.unescape` (numeric references exactly; named ones as noted above). */
export function htmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const digits = ref.replace(/;$/, '');
      const num = digits[1] === 'x' || digits[1] === 'X' ? parseInt(digits.slice(2), 16) : Number(digits.slice(1));
      if (num === 0) return '\ufffd';
      if (num === 0x0d) return '\r';
      if (num >= 0x80 && num <= 0x9f) return CP1252_C1[num - 0x80] ?? '';
      if ((num >= 0xd800 && num <= 0xdfff) || !(num <= 0x10ffff)) return '\ufffd';
      const invalid =
        (num >= 0x01 && num <= 0x08) ||
        num === 0x0b ||
        (num >= 0x0e && num <= 0x1f) ||
        num === 0x7f ||
        (num >= 0xfdd0 && num <= 0xfdef) ||
        (num & 0xfffe) === 0xfffe;
      return invalid ? '' : String.fromCodePoint(num);
    }
    const exact = FILE_NAME_ENTITIES[ref];
    if (exact !== undefined) return exact;
    for (let x = ref.length - 1; x > 1; x--) {
      const prefix = FILE_NAME_ENTITIES[ref.slice(0, x)];
      if (prefix !== undefined) return prefix + ref.slice(x);
    }
    return whole;
  });
}
