/**
 * Python's `idna` codec (IDNA 2003: nameprep + punycode), as `str.encode('idna')`.
 *
 * Exact: label splitting, the ASCII fast path and its length rules, table B.1 (mapped to
 * nothing), the prohibited tables C.1.2-C.9, bidi table D.1, the ACE-prefix rule, punycode.
 * Approximated (documented deviation): table B.2 (case folding) uses per-character
 * toLowerCase plus the full foldings that change length; NFKC uses the current Unicode
 * version, not 3.2; bidi table D.2 (left-to-right) is approximated by letters and spacing
 * marks outside the right-to-left scripts. The approximations only matter for labels mixing
 * scripts in unusual ways or characters added to Unicode after 3.2.
 */

type Ranges = readonly (readonly [number, number])[];

const TABLE_B1: Ranges = [
  [0xad, 0xad],
  [0x34f, 0x34f],
  [0x1806, 0x1806],
  [0x180b, 0x180d],
  [0x200b, 0x200d],
  [0x2060, 0x2060],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
];

/** C.1.2, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9, merged. */
const TABLE_PROHIBITED: Ranges = [
  [0x80, 0xa0],
  [0x340, 0x341],
  [0x6dd, 0x6dd],
  [0x70f, 0x70f],
  [0x1680, 0x1680],
  [0x180e, 0x180e],
  [0x2000, 0x200f],
  [0x2028, 0x202f],
  [0x205f, 0x2063],
  [0x206a, 0x206f],
  [0x2ff0, 0x2ffb],
  [0x3000, 0x3000],
  [0xd800, 0xf8ff],
  [0xfdd0, 0xfdef],
  [0xfeff, 0xfeff],
  [0xfff9, 0xffff],
  [0x1d173, 0x1d17a],
  [0x1fffe, 0x1ffff],
  [0x2fffe, 0x2ffff],
  [0x3fffe, 0x3ffff],
  [0x4fffe, 0x4ffff],
  [0x5fffe, 0x5ffff],
  [0x6fffe, 0x6ffff],
  [0x7fffe, 0x7ffff],
  [0x8fffe, 0x8ffff],
  [0x9fffe, 0x9ffff],
  [0xafffe, 0xaffff],
  [0xbfffe, 0xbffff],
  [0xcfffe, 0xcffff],
  [0xdfffe, 0xdffff],
  [0xe0001, 0xe0001],
  [0xe0020, 0xe007f],
  [0xefffe, 0x10ffff],
];

/** D.1: characters with bidi property R or AL (Unicode 3.2). */
const TABLE_D1: Ranges = [
  [0x5be, 0x5be],
  [0x5c0, 0x5c0],
  [0x5c3, 0x5c3],
  [0x5d0, 0x5ea],
  [0x5f0, 0x5f4],
  [0x61b, 0x61b],
  [0x61f, 0x61f],
  [0x621, 0x63a],
  [0x640, 0x64a],
  [0x66d, 0x66f],
  [0x671, 0x6d5],
  [0x6dd, 0x6dd],
  [0x6e5, 0x6e6],
  [0x6fa, 0x6fe],
  [0x700, 0x70d],
  [0x710, 0x710],
  [0x712, 0x72c],
  [0x780, 0x7a5],
  [0x7b1, 0x7b1],
  [0x200f, 0x200f],
  [0xfb1d, 0xfb1d],
  [0xfb1f, 0xfb28],
  [0xfb2a, 0xfb36],
  [0xfb38, 0xfb3c],
  [0xfb3e, 0xfb3e],
  [0xfb40, 0xfb41],
  [0xfb43, 0xfb44],
  [0xfb46, 0xfbb1],
  [0xfbd3, 0xfd3d],
  [0xfd50, 0xfd8f],
  [0xfd92, 0xfdc7],
  [0xfdf0, 0xfdfc],
  [0xfe70, 0xfe74],
  [0xfe76, 0xfefc],
];

/** Full case foldings (B.2) whose result is not `toLowerCase()`'s. */
const SPECIAL_FOLDS: Readonly<Record<string, string>> = {
  '\u00df': 'ss',
  '\u1e9e': 'ss',
  '\u03c2': '\u03c3',
  '\u017f': 's',
  '\u0149': '\u02bcn',
  '\u01f0': 'j\u030c',
  '\u0390': '\u03b9\u0308\u0301',
  '\u03b0': '\u03c5\u0308\u0301',
  '\u0587': '\u0565\u0582',
  '\u1e96': 'h\u0331',
  '\u1e97': 't\u0308',
  '\u1e98': 'w\u030a',
  '\u1e99': 'y\u030a',
  '\u1e9a': 'a\u02be',
  '\u0345': '\u03b9',
  '\u037a': ' \u03b9',
};

const LEFT_TO_RIGHT_APPROX = /[\p{L}\p{Mc}]/u;
const RIGHT_TO_LEFT_SCRIPTS =
  /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}]/u;
const IDNA_DOTS = /[.\u3002\uff0e\uff61]/;

function inRanges(cp: number, ranges: Ranges): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const range = ranges[mid];
    if (range === undefined) return false;
    if (cp < range[0]) hi = mid - 1;
    else if (cp > range[1]) lo = mid + 1;
    else return true;
  }
  return false;
}

function isAscii(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
  return /^[\x00-\x7f]*$/.test(text);
}

/** `domain.encode('idna').decode('ascii')`, or `null` where Python raises UnicodeError. */
export function pythonIdnaEncode(domain: string): string | null {
  if (domain === '') return '';
  if (isAscii(domain)) {
    const labels = domain.split('.');
    const last = labels.pop() ?? '';
    if (labels.some((label) => label.length === 0 || label.length >= 64) || last.length >= 64) return null;
    return domain;
  }
  const labels = domain.split(IDNA_DOTS);
  let trailingDot = '';
  if (labels.length > 0 && labels[labels.length - 1] === '') {
    trailingDot = '.';
    labels.pop();
  }
  const encoded: string[] = [];
  for (const label of labels) {
    const ascii = idnaToAscii(label);
    if (ascii === null) return null;
    encoded.push(ascii);
  }
  return encoded.join('.') + trailingDot;
}

/** RFC 3490 ToASCII with AllowUnassigned and without UseSTD3ASCIIRules, as `encodings.idna`. */
function idnaToAscii(label: string): string | null {
  const withinLimits = (ascii: string): string | null => (ascii.length > 0 && ascii.length < 64 ? ascii : null);
  if (isAscii(label)) return withinLimits(label);
  const prepared = nameprep(label);
  if (prepared === null) return null;
  if (isAscii(prepared)) return withinLimits(prepared);
  if (prepared.startsWith('xn--')) return null;
  return withinLimits(`xn--${punycodeEncode(prepared)}`);
}

/** RFC 3491 nameprep (see the approximations noted above). */
function nameprep(label: string): string | null {
  let mapped = '';
  for (const ch of label) {
    const cp = ch.codePointAt(0) ?? 0;
    if (inRanges(cp, TABLE_B1)) continue;
    mapped += SPECIAL_FOLDS[ch] ?? ch.toLowerCase();
  }
  const normalized = mapped.normalize('NFKC');
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- nameprep works on code points
  const chars = [...normalized];
  const codePoints = chars.map((ch) => ch.codePointAt(0) ?? 0);
  if (codePoints.some((cp) => inRanges(cp, TABLE_PROHIBITED))) return null;
  const randAL = codePoints.map((cp) => inRanges(cp, TABLE_D1));
  if (randAL.some(Boolean)) {
    const hasLeftToRight = chars.some((ch, i) => !randAL[i] && LEFT_TO_RIGHT_APPROX.test(ch) && !RIGHT_TO_LEFT_SCRIPTS.test(ch));
    if (hasLeftToRight) return null;
    if (!randAL[0] || !randAL[randAL.length - 1]) return null;
  }
  return normalized;
}

/** RFC 3492 Punycode encoding of a string's code points (Python's `punycode` codec). */
function punycodeEncode(input: string): string {
  const base = 36;
  const tMin = 1;
  const tMax = 26;
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- Punycode encodes code points
  const codePoints = [...input].map((ch) => ch.codePointAt(0) ?? 0);
  let output = codePoints
    .filter((cp) => cp < 0x80)
    .map((cp) => String.fromCharCode(cp))
    .join('');
  const basicCount = output.length;
  let handled = basicCount;
  if (basicCount > 0) output += '-';
  const digit = (d: number): string => String.fromCharCode(d < 26 ? d + 97 : d + 22);
  const adapt = (delta: number, numPoints: number, first: boolean): number => {
    delta = first ? Math.floor(delta / 700) : delta >> 1;
    delta += Math.floor(delta / numPoints);
    let k = 0;
    while (delta > ((base - tMin) * tMax) >> 1) {
      delta = Math.floor(delta / (base - tMin));
      k += base;
    }
    return k + Math.floor(((base - tMin + 1) * delta) / (delta + 38));
  };
  let n = 0x80;
  let delta = 0;
  let bias = 72;
  while (handled < codePoints.length) {
    const m = Math.min(...codePoints.filter((cp) => cp >= n));
    delta += (m - n) * (handled + 1);
    n = m;
    for (const cp of codePoints) {
      if (cp < n) delta++;
      if (cp !== n) continue;
      let q = delta;
      for (let k = base; ; k += base) {
        const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
        if (q < t) break;
        output += digit(t + ((q - t) % (base - t)));
        q = Math.floor((q - t) / (base - t));
      }
      output += digit(q);
      bias = adapt(delta, handled + 1, handled === basicCount);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return output;
}
