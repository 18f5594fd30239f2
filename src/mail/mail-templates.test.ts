import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { DEFAULT_MAIL_TEMPLATES, loadMailTemplates, renderMailTemplate } from './mail-templates.js';

describe('mail templates', () => {
  it('fills placeholders, escapes them in HTML only, and folds the subject onto one line', () => {
    const rendered = renderMailTemplate(
      { subject: 'Hi {{ name }}\nBcc: evil@example.com', text: 'a {{name}} b {{ missing }}.', html: '<b>{{ name }}</b>' },
      { name: '<Bob & "Co">' },
    );
    expect(rendered.subject).toBe('Hi <Bob & "Co">Bcc: evil@example.com');
    expect(rendered.text).toBe('a <Bob & "Co"> b .');
    expect(rendered.html).toBe('<b>&#60;Bob &#38; &#34;Co&#34;&#62;</b>');
  });

  it('takes parts from EMAIL_TEMPLATE_DIR by allauth names, then from code', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tessera-templates-'));
    writeFileSync(join(folder, 'password_reset_key_subject.txt'), 'Acme: reset\n');
    writeFileSync(join(folder, 'password_reset_key_message.txt'), 'Go to {{ password_reset_url }}');
    writeFileSync(join(folder, 'unrelated.txt'), 'ignored');
    const templates = loadMailTemplates(folder, {
      password_reset_key: { html: null },
      email_confirmation: { subject: 'Verify {{ email }}' },
    });
    expect(templates.password_reset_key).toEqual({ subject: 'Acme: reset\n', text: 'Go to {{ password_reset_url }}', html: null });
    expect(templates.email_confirmation.subject).toBe('Verify {{ email }}');
    expect(templates.email_confirmation.text).toBe(DEFAULT_MAIL_TEMPLATES.email_confirmation.text);
  });

  it('stops start-up naming EMAIL_TEMPLATE_DIR when the folder cannot be read', () => {
    expect(() => loadMailTemplates('/nonexistent/tessera-templates')).toThrow(ConfigError);
    expect(() => loadMailTemplates('/nonexistent/tessera-templates')).toThrow(/^EMAIL_TEMPLATE_DIR: /);
  });
});
