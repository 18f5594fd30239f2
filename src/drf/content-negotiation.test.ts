import { describe, expect, it } from 'vitest';
import { negotiate } from './content-negotiation.js';

// Each expectation was observed on the reference (DRF 3.14), e.g.
//   curl -s -i -X POST localhost:8300/api/token/verify/ -H 'Accept: text/plain' -d '{}'   -> 406
describe('negotiate', () => {
  it.each([
    [undefined, { renderer: 'json', indent: 0 }],
    ['*/*', { renderer: 'json', indent: 0 }],
    ['application/*', { renderer: 'json', indent: 0 }],
    ['application/json; indent=4', { renderer: 'json', indent: 4 }],
    ['application/json; indent=40', { renderer: 'json', indent: 8 }],
    ['application/json; indent=0', { renderer: 'json', indent: 0 }],
    ['application/json; q=0.5, text/plain', { renderer: 'json', indent: 0 }],
    // Same precedence group: DRF ignores q and prefers its first renderer, JSON.
    ['text/html, application/json', { renderer: 'json', indent: 0 }],
    ['text/*', { renderer: 'html' }],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', { renderer: 'html' }],
  ])('serves %j as %j', (accept, expected) => {
    expect(negotiate(accept)).toEqual(expected);
  });

  it.each(['text/plain', 'image/png', 'application/xml'])('cannot serve %j (406)', (accept) => {
    expect(negotiate(accept)).toBeUndefined();
  });
});
