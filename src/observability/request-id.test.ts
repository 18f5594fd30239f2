import { describe, expect, it } from 'vitest';
import { proxyTrust, requestIdFor } from './request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it("takes a trusted proxy's X-Request-Id and generates one for everybody else", () => {
    expect(requestIdFor('lb-7f3a.1', true)).toBe('lb-7f3a.1');
    expect(requestIdFor('lb-7f3a.1', false)).toMatch(UUID);
    expect(requestIdFor(undefined, true)).toMatch(UUID);
    expect(requestIdFor(['first', 'second'], true)).toBe('first');
  });

  it('refuses ids that could inject into logs or flood them', () => {
    for (const bad of ['a b', 'x\ny', '"quoted"', '', 'a'.repeat(129), '<script>']) expect(requestIdFor(bad, true)).toMatch(UUID);
  });

  it('trusts the peer by the TRUST_PROXY setting: none, any, hop counts, addresses, CIDRs and names', () => {
    expect(proxyTrust(false)('127.0.0.1')).toBe(false);
    expect(proxyTrust(true)('203.0.113.9')).toBe(true);
    expect(proxyTrust(0)('127.0.0.1')).toBe(false);
    expect(proxyTrust(1)('203.0.113.9')).toBe(true);
    const list = proxyTrust('10.0.0.0/8, 192.0.2.7, loopback, fd00::/8');
    expect(list('10.20.30.40')).toBe(true);
    expect(list('192.0.2.7')).toBe(true);
    expect(list('192.0.2.8')).toBe(false);
    expect(list('127.0.0.1')).toBe(true);
    expect(list('::ffff:127.0.0.1')).toBe(true);
    expect(list('::1')).toBe(true);
    expect(list('fd12::1')).toBe(true);
    expect(list('203.0.113.9')).toBe(false);
    expect(list(undefined)).toBe(false);
    expect(list('not an address')).toBe(false);
  });
});
