import { describe, expect, it } from 'vitest';
import { prefersHtml } from './negotiation.js';

// The reference decides the same (DRF 3.14 ignores q within a precedence group and tries its
// JSON renderer first), observed with
//   curl -s -o /dev/null -w '%{content_type}' -X POST localhost:8300/api/token/verify/ -H "Accept: $A" -d '{}'
describe('prefersHtml', () => {
  it.each([
    ['text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'],
    ['text/html'],
    ['TEXT/HTML'],
    ['text/*'],
    // DRF quirks, kept for parity: q=0 is not honoured, and an exact type outranks application/*.
    ['text/html;q=0, */*'],
    ['application/*, text/html;q=0.9'],
  ])('gives HTML to %s', (accept) => {
    expect(prefersHtml(accept)).toBe(true);
  });

  it.each([
    [undefined],
    [''],
    ['*/*'],
    ['application/json'],
    ['application/json; indent=4'],
    ['application/json, text/html'],
    ['text/html;q=0.9, application/json;q=0.5'],
    ['text/html;q=0.5, application/json'],
    ['application/xhtml+xml'], // DRF: 406, answered by the API
    ['application/xml'],
    ['image/png'],
    ['garbage'],
  ])('keeps %s on the API', (accept) => {
    expect(prefersHtml(accept)).toBe(false);
  });

  it('ranks a specific type above a wildcard', () => {
    expect(prefersHtml('*/*, text/html')).toBe(true);
    expect(prefersHtml('text/*, application/json')).toBe(false);
  });
});
