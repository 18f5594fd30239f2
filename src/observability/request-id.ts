/**
 * A request id per request: on every log line written while answering it, in its spans and in
 * the audit rows it causes. A client could put anything in `X-Request-Id` (a forged id to
 * confuse an investigation, or a log-injection payload), so the header is believed only when
 * the request came through a proxy TRUST_PROXY names; otherwise, and when the header is not a
 * plain token, Tessera makes its own.
 */
import { randomUUID } from 'node:crypto';
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** The header a trusted proxy sets (lower-case, as Node gives header names). */
export const REQUEST_ID_HEADER = 'x-request-id';

/** What an accepted id may look like: a UUID, a hex string, a load balancer's `Root=1-...`. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** proxy-addr's (and so Fastify's) names for address ranges, usable in TRUST_PROXY. */
const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * Whether the socket's peer is a proxy TRUST_PROXY trusts: `false` none, `true` any, a hop count
 * (the nearest hop is trusted when it is at least 1), or a list of addresses, CIDRs and the
 * names `loopback`, `linklocal`, `uniquelocal`.
 *
 * @example
 * ```ts
 * const trusted = proxyTrust('10.0.0.0/8, loopback');
 * trusted('10.1.2.3'); // true
 * ```
 */
export function proxyTrust(setting: boolean | number | string): (peer: string | undefined) => boolean {
  if (setting === false) return () => false;
  if (setting === true) return () => true;
  if (typeof setting === 'number') return () => setting > 0;
  const list = new BlockList();
  for (const entry of setting
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')) {
    for (const range of NAMED_RANGES[entry] ?? [entry]) addRange(list, range);
  }
  return (peer) => {
    if (peer === undefined) return false;
    const address = peer.startsWith('::ffff:') && isIPv4(peer.slice(7)) ? peer.slice(7) : peer;
    const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
    return family !== undefined && list.check(address, family);
  };
}

function addRange(list: BlockList, range: string): void {
  const [address = '', prefix] = range.split('/');
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  // Unparsable entries are refused by the TRUST_PROXY setting's own validation; here they match nothing.
  if (family === undefined) return;
  if (prefix === undefined) list.addAddress(address, family);
  else list.addSubnet(address, Number(prefix), family);
}

/**
 * The id for one request: the trusted proxy's `X-Request-Id` when there is an acceptable one,
 * else a new UUID.
 */
export function requestIdFor(headerValue: string | string[] | undefined, fromTrustedProxy: boolean): string {
  const value = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  if (fromTrustedProxy && value !== undefined && ACCEPTABLE_ID.test(value)) return value;
  return randomUUID();
}
