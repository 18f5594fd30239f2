/**
 * Django 3.2's EmailValidator.
 *
 * Its regexes are compiled with re.IGNORECASE, under which Python's [A-Z] also matches a-z and
 * four non-ASCII letters whose simple case mapping lands in A-Z/a-z: U+0130, U+0131, U+017F,
 * U+212A. The classes below spell that out instead of relying on JavaScript's /i, which differs.
 */

import { pythonIdnaEncode } from './idna.js';
import { codePointCount } from './python-text.js';

const CASE_EXTRAS = '\\u0130\\u0131\\u017F\\u212A';
const ATEXT = `\\-!#$%&'*+/=?^_\`{}|~0-9A-Za-z${CASE_EXTRAS}`;
const USER_DOT_ATOM = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`, 'u');
const USER_QUOTED = new RegExp(
  `^"(?:[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f!#-\\[\\]-\\x7f${CASE_EXTRAS}]|\\\\[\\x01-\\x09\\x0b\\x0c\\x0e-\\x7f${CASE_EXTRAS}])*"$`,
  'u',
);
const ALNUM = `0-9A-Za-z${CASE_EXTRAS}`;
const DOMAIN = new RegExp(`^(?:(?:[${ALNUM}](?:[${ALNUM}-]{0,61}[${ALNUM}])?\\.)+)(?:[${ALNUM}-]{2,63}(?<!-))$`, 'u');
// [A-f0-9:.] with IGNORECASE: A-Z, the six characters between Z and a, a-z, digits, ':', '.'.
const LITERAL = new RegExp(`^\\[([A-Za-z\\[\\\\\\]^_\`0-9:.${CASE_EXTRAS}]+)\\]$`, 'u');
const DOMAIN_ALLOWLIST: readonly string[] = ['localhost'];

/**
 * Django 3.2's `EmailValidator()(value)` as a predicate: dot-atom or quoted local part, then a
 * DNS name, `[IPv4]`/`[IPv6]` literal, `localhost`, or an internationalised name that Python's
 * `idna` codec can encode.
 */
export function isValidEmail(value: string): boolean {
  if (value === '' || !value.includes('@') || codePointCount(value) > 320) return false;
  const at = value.lastIndexOf('@');
  const userPart = value.slice(0, at);
  const domainPart = value.slice(at + 1);
  if (!USER_DOT_ATOM.test(userPart) && !USER_QUOTED.test(userPart)) return false;
  if (DOMAIN_ALLOWLIST.includes(domainPart) || isValidDomainPart(domainPart)) return true;
  const ascii = pythonIdnaEncode(domainPart);
  return ascii !== null && isValidDomainPart(ascii);
}

function isValidDomainPart(domainPart: string): boolean {
  if (DOMAIN.test(domainPart)) return true;
  const literal = LITERAL.exec(domainPart);
  return literal !== null && isValidIpv46(literal[1] ?? '');
}

/** Django's `validate_ipv46_address` on Python 3.11's `ipaddress`. */
function isValidIpv46(text: string): boolean {
  return parseIpv4(text) !== null || isValidIpv6(text);
}

/** `ipaddress.IPv4Address`: four decimal octets, no leading zeros, ASCII digits only. */
function parseIpv4(text: string): number | null {
  const octets = text.split('.');
  if (octets.length !== 4) return null;
  let value = 0;
  for (const octet of octets) {
    if (!/^[0-9]{1,3}$/.test(octet) || (octet !== '0' && octet.startsWith('0'))) return null;
    const n = Number(octet);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return value;
}

/** `django.utils.ipv6.is_valid_ipv6_address`: at most 39 characters, then `ipaddress.IPv6Address`. */
function isValidIpv6(text: string): boolean {
  if (codePointCount(text) > 39 || text === '' || text.includes('/')) return false;
  const parts = text.split(':');
  if (parts.length < 3) return false;
  const last = parts[parts.length - 1] ?? '';
  if (last.includes('.')) {
    const ipv4 = parseIpv4(last);
    if (ipv4 === null) return false;
    parts.pop();
    parts.push(Math.floor(ipv4 / 0x10000).toString(16), (ipv4 % 0x10000).toString(16));
  }
  if (parts.length > 9) return false;
  let skipIndex: number | null = null;
  for (let i = 1; i < parts.length - 1; i++) {
    if (parts[i] === '') {
      if (skipIndex !== null) return false;
      skipIndex = i;
    }
  }
  let partsHi: number;
  let partsLo: number;
  if (skipIndex !== null) {
    partsHi = skipIndex;
    partsLo = parts.length - skipIndex - 1;
    if (parts[0] === '' && --partsHi !== 0) return false;
    if (parts[parts.length - 1] === '' && --partsLo !== 0) return false;
    if (8 - (partsHi + partsLo) < 1) return false;
  } else {
    if (parts.length !== 8 || parts[0] === '' || parts[7] === '') return false;
    partsHi = parts.length;
    partsLo = 0;
  }
  const hextets = [...parts.slice(0, partsHi), ...parts.slice(parts.length - partsLo)];
  return hextets.every((hextet) => /^[0-9a-fA-F]{1,4}$/.test(hextet));
}
