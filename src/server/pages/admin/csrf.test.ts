import { describe, expect, it } from 'vitest';
import { formTokenMatches, isCrossOrigin } from './csrf.js';

const request = (headers: Record<string, string>) => ({ method: 'POST', path: '/admin/', headers, body: Buffer.alloc(0) });

describe('isCrossOrigin', () => {
  it('accepts requests without Origin, and from this host whatever the scheme or default port', () => {
    expect(isCrossOrigin(request({ host: 'example.com' }))).toBe(false);
    expect(isCrossOrigin(request({ host: 'example.com', origin: 'https://example.com' }))).toBe(false);
    expect(isCrossOrigin(request({ host: 'Example.com:443', origin: 'https://example.com' }))).toBe(false);
    expect(isCrossOrigin(request({ host: '127.0.0.1:8000', origin: 'http://127.0.0.1:8000', 'sec-fetch-site': 'same-origin' }))).toBe(
      false,
    );
  });

  it('refuses other hosts, other ports, opaque origins and cross-site fetches', () => {
    expect(isCrossOrigin(request({ host: 'example.com', origin: 'https://evil.example' }))).toBe(true);
    expect(isCrossOrigin(request({ host: '127.0.0.1:8000', origin: 'http://127.0.0.1:8001' }))).toBe(true);
    expect(isCrossOrigin(request({ host: 'example.com', origin: 'null' }))).toBe(true);
    expect(isCrossOrigin(request({ host: 'example.com', 'sec-fetch-site': 'cross-site' }))).toBe(true);
  });
});

describe('formTokenMatches', () => {
  it('needs the exact token, and an expected one', () => {
    const form = new URLSearchParams({ csrf_token: 'abc' });
    expect(formTokenMatches(form, 'abc')).toBe(true);
    expect(formTokenMatches(form, 'abd')).toBe(false);
    expect(formTokenMatches(form, 'abcd')).toBe(false);
    expect(formTokenMatches(form, undefined)).toBe(false);
    expect(formTokenMatches(new URLSearchParams(), 'abc')).toBe(false);
    expect(formTokenMatches(new URLSearchParams({ csrf_token: '' }), '')).toBe(false);
  });
});
