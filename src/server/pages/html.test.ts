import { describe, expect, it } from 'vitest';
import { escapeHtml, flag, html, rawHtml } from './html.js';

describe('html', () => {
  it('escapes every interpolated string, in content and attributes', () => {
    const name = `"><script>alert('x')</script>&`;
    expect(html`<a title="${name}">${name}</a>`.toString()).toBe(
      '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</a>',
    );
  });

  it('nests markup without escaping it twice, and joins lists', () => {
    const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>`.toString()).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
  });

  it('renders booleans and nullish values as nothing, numbers as text', () => {
    expect(html`${false}${true}${null}${undefined}${0}${42}`.toString()).toBe('042');
  });

  it('passes trusted markup and flags through', () => {
    expect(html`<input${flag('checked', true)}${flag('disabled', false)}>${rawHtml('<br>')}`.toString()).toBe('<input checked><br>');
    expect(escapeHtml('plain')).toBe('plain');
  });
});
