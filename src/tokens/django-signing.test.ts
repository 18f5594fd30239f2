import { describe, expect, it } from 'vitest';
import { signInteger, unsignInteger } from './django-signing.js';

const options = { secret: 'a-test-secret-that-is-long-enough-for-hs256!', salt: 'account', nowMs: Date.UTC(2026, 11, 6) };

describe('signed integers (django.core.signing)', () => {
  const key = signInteger(7, options);

  it('round-trips within max age and expires after it', () => {
    expect(unsignInteger(key, { ...options, maxAgeSeconds: 10 })).toBe(7);
    expect(unsignInteger(key, { ...options, nowMs: options.nowMs + 10_000, maxAgeSeconds: 10 })).toBe(7);
    expect(unsignInteger(key, { ...options, nowMs: options.nowMs + 11_000, maxAgeSeconds: 10 })).toBeUndefined();
  });

  it('refuses another salt, another secret, and any edited part', () => {
    expect(unsignInteger(key, { ...options, salt: 'other', maxAgeSeconds: 10 })).toBeUndefined();
    expect(unsignInteger(key, { ...options, secret: 'x'.repeat(44), maxAgeSeconds: 10 })).toBeUndefined();
    const [payload, timestamp, signature] = key.split(':') as [string, string, string];
    const edits = [
      `${Buffer.from('8').toString('base64url')}:${timestamp}:${signature}`,
      `${payload}:${timestamp}Z:${signature}`,
      `${payload}:${timestamp}:${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`,
      `${payload}:${timestamp}`,
      '',
    ];
    for (const edited of edits) expect(unsignInteger(edited, { ...options, maxAgeSeconds: 10 })).toBeUndefined();
  });

  it('signs positive integers only', () => {
    expect(() => signInteger(0, options)).toThrow(RangeError);
    expect(() => signInteger(1.5, options)).toThrow(RangeError);
  });
});
