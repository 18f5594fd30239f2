/**
 * The mails Tessera sends, as templates: a subject, a plain-text body and an HTML body, with
 * `{{ name }}` placeholders. Built-in English defaults; each part can be replaced by a file in
 * EMAIL_TEMPLATE_DIR (django-allauth's names: `password_reset_key_subject.txt`,
 * `password_reset_key_message.txt`, `password_reset_key_message.html`, and the same for
 * `email_confirmation`) or in code (`createTessera({ mailTemplates })`).
 *
 * Values are escaped in HTML bodies; a subject is folded onto one line, as Django does
 * (`''.join(subject.splitlines())`), so no value can inject a header. An unknown placeholder
 * renders as '', as in Django templates.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

/** Which mail: django-allauth's template prefixes. */
export type MailKind = 'password_reset_key' | 'email_confirmation';
export const MAIL_KINDS: readonly MailKind[] = ['password_reset_key', 'email_confirmation'];

export interface MailTemplate {
  readonly subject: string;
  readonly text: string;
  /** `null` sends plain text only. */
  readonly html: string | null;
}

export type MailTemplates = Readonly<Record<MailKind, MailTemplate>>;
/** Replacements for some parts of some templates. */
export type MailTemplateOverrides = Partial<Record<MailKind, Partial<MailTemplate>>>;

/**
 * Placeholders. Reset: `username`, `email`, `uid`, `token`, `password_reset_url`,
 * `timeout_minutes`. Verification: `username`, `email`, `key`, `activate_url`, `expire_days`.
 */
export const DEFAULT_MAIL_TEMPLATES: MailTemplates = {
  password_reset_key: {
    subject: 'Password reset',
    text: `Hello {{ username }},

Someone (hopefully you) asked to reset the password of your account. Choose a new password here:

{{ password_reset_url }}

This works once, within {{ timeout_minutes }} minutes. If you did not ask for it, ignore this mail: your password stays as it is.
`,
    html: `<p>Hello {{ username }},</p>
<p>Someone (hopefully you) asked to reset the password of your account. Choose a new password here:</p>
<p><a href="{{ password_reset_url }}">{{ password_reset_url }}</a></p>
<p>This works once, within {{ timeout_minutes }} minutes. If you did not ask for it, ignore this mail: your password stays as it is.</p>
`,
  },
  email_confirmation: {
    subject: 'Confirm your email address',
    text: `Hello {{ username }},

Please confirm that {{ email }} is your email address:

{{ activate_url }}

This works for {{ expire_days }} days.
`,
    html: `<p>Hello {{ username }},</p>
<p>Please confirm that {{ email }} is your email address:</p>
<p><a href="{{ activate_url }}">{{ activate_url }}</a></p>
<p>This works for {{ expire_days }} days.</p>
`,
  },
};

const PARTS = [
  ['subject', '_subject.txt'],
  ['text', '_message.txt'],
  ['html', '_message.html'],
] as const;

/**
 * The templates in force: the defaults, then the files of `folder`, then `overrides`. A folder
 * that cannot be read stops start-up naming EMAIL_TEMPLATE_DIR.
 *
 * @example
 * ```ts
 * const templates = loadMailTemplates('./mail-templates', { password_reset_key: { subject: 'Reset your Acme password' } });
 * ```
 */
export function loadMailTemplates(folder: string | null, overrides: MailTemplateOverrides = {}): MailTemplates {
  const files = folder === null ? new Set<string>() : listFolder(folder);
  const templates = {} as Record<MailKind, MailTemplate>;
  for (const kind of MAIL_KINDS) {
    const parts: { -readonly [P in keyof MailTemplate]: MailTemplate[P] } = { ...DEFAULT_MAIL_TEMPLATES[kind] };
    for (const [part, suffix] of PARTS) {
      if (folder !== null && files.has(kind + suffix)) parts[part] = readFileSync(join(folder, kind + suffix), 'utf8');
    }
    templates[kind] = { ...parts, ...overrides[kind] };
  }
  return templates;
}

function listFolder(folder: string): Set<string> {
  try {
    return new Set(readdirSync(folder));
  } catch (error) {
    throw new ConfigError('EMAIL_TEMPLATE_DIR', `cannot read the folder ${folder}: ${(error as Error).message}`);
  }
}

export type MailVariables = Readonly<Record<string, string>>;

/** A rendered mail, before it has a sender and recipients. */
export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string | null;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export function renderMailTemplate(template: MailTemplate, variables: MailVariables): RenderedMail {
  const fill = (text: string, escape: (value: string) => string) =>
    text.replace(PLACEHOLDER, (_match, name: string) => escape(variables[name] ?? ''));
  return {
    subject: fill(template.subject, (value) => value)
      .split(/\r\n|\r|\n/)
      .join('')
      .trim(),
    text: fill(template.text, (value) => value),
    html: template.html === null ? null : fill(template.html, escapeHtml),
  };
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
