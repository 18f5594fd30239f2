/**
 * Account recovery (dj-rest-auth's and django-allauth's settings: password reset, email
 * verification), the mail that carries it (Django's EMAIL_* settings), and passwords imported
 * from Django.
 */

/** The mail backends, by the last part of Django's backend names (`filebased` is `file`, `locmem` is `memory`). */
export const EMAIL_BACKEND_NAMES = ['console', 'file', 'memory', 'smtp'] as const;
export type EmailBackendName = (typeof EMAIL_BACKEND_NAMES)[number];

/** Password change and reset, and email verification. */
export interface AccountSettings {
  /**
   * Seconds a password-reset link works (Django's setting; Django's default is 3 days). A link
   * also stops working once used, or when the password or last login changes. @default 3600
   */
  PASSWORD_RESET_TIMEOUT: number;
  /**
   * The front-end page reset mails link to: an http(s) URL with `{uid}` and `{token}`, e.g.
   * `https://app.example.com/reset/{uid}/{token}`. Never built from the request's Host header
   * (reset-link poisoning). `null`: the mail gives the uid and token without a link. @default null
   */
  PASSWORD_RESET_CONFIRM_URL: string | null;
  /** Password change asks for the current password (dj-rest-auth's setting; its default is false). @default true */
  OLD_PASSWORD_FIELD_ENABLED: boolean;
  /**
   * Password-reset and verification mails requested per submitted address, and failed reset
   * confirmations per account; DRF rate notation or `null`. Counted whether or not the address
   * exists, so the limit reveals nothing. @default '5/hour'
   */
  THROTTLE_PASSWORD_RESET_ACCOUNT: string | null;
  /** The same requests and failures per client address. @default '100/hour' */
  THROTTLE_PASSWORD_RESET_IP: string | null;
  /**
   * django-allauth's ACCOUNT_EMAIL_VERIFICATION: `none` (no mail, as the reference server),
   * `optional` (a verification mail at registration, login allowed) or `mandatory` (login refused
   * until the address is verified). @default 'none'
   */
  ACCOUNT_EMAIL_VERIFICATION: 'none' | 'optional' | 'mandatory';
  /** Days a verification key works (django-allauth's setting). @default 3 */
  ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS: number;
  /**
   * The front-end page verification mails link to: an http(s) URL with `{key}`. `null`: the mail
   * gives the key without a link. @default null
   */
  ACCOUNT_EMAIL_CONFIRMATION_URL: string | null;
}

/** How and from whom mail is sent, and its templates. */
export interface EmailSettings {
  /**
   * How mail is sent: `console` (printed on stdout), `file` (one file per mail in
   * EMAIL_FILE_PATH), `memory` (kept in `tessera.mail.outbox`, for tests) or `smtp`. Django's
   * dotted backend names work too. @default 'console' outside production, 'smtp' in production (Django's default)
   */
  EMAIL_BACKEND: EmailBackendName;
  /** The folder the `file` backend writes to (created if missing). @default null */
  EMAIL_FILE_PATH: string | null;
  /** SMTP server. @default 'localhost' */
  EMAIL_HOST: string;
  /** SMTP port. @default 25 */
  EMAIL_PORT: number;
  /** SMTP user name; empty for no authentication. @default '' */
  EMAIL_HOST_USER: string;
  /** SMTP password. Never logged. @default '' */
  EMAIL_HOST_PASSWORD: string;
  /** Upgrade the SMTP connection with STARTTLS (usually port 587), and require it. @default false */
  EMAIL_USE_TLS: boolean;
  /** Implicit TLS from the first byte (usually port 465). @default false */
  EMAIL_USE_SSL: boolean;
  /** Seconds an SMTP connection, greeting or command may take. @default 10 */
  EMAIL_TIMEOUT: number;
  /** The sender of Tessera's mails. @default 'webmaster@localhost' */
  DEFAULT_FROM_EMAIL: string;
  /**
   * A folder of mail templates overriding the built-in ones, by django-allauth's names
   * (`password_reset_key_subject.txt`, `password_reset_key_message.txt`, `..._message.html`,
   * `email_confirmation_subject.txt`, ...), with `{{ name }}` placeholders. @default null
   */
  EMAIL_TEMPLATE_DIR: string | null;
}

/** Passwords imported from Django in its weak formats. */
export interface PasswordImportSettings {
  /**
   * Let passwords imported from Django in its weak formats (`md5`, `sha1`, `unsalted_md5`,
   * `unsalted_sha1`: one fast hash each) log in, and be upgraded to argon2id at that login.
   * Off, such users must reset their password. Turn on only for the weeks after an import. @default false
   */
  ALLOW_WEAK_DJANGO_HASHES: boolean;
}

export const ACCOUNT_DEFAULTS: Readonly<AccountSettings> = {
  PASSWORD_RESET_TIMEOUT: 3600,
  PASSWORD_RESET_CONFIRM_URL: null,
  OLD_PASSWORD_FIELD_ENABLED: true,
  THROTTLE_PASSWORD_RESET_ACCOUNT: '5/hour',
  THROTTLE_PASSWORD_RESET_IP: '100/hour',
  ACCOUNT_EMAIL_VERIFICATION: 'none',
  ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS: 3,
  ACCOUNT_EMAIL_CONFIRMATION_URL: null,
};

export const EMAIL_DEFAULTS: Readonly<EmailSettings> = {
  EMAIL_BACKEND: 'console',
  EMAIL_FILE_PATH: null,
  EMAIL_HOST: 'localhost',
  EMAIL_PORT: 25,
  EMAIL_HOST_USER: '',
  EMAIL_HOST_PASSWORD: '',
  EMAIL_USE_TLS: false,
  EMAIL_USE_SSL: false,
  EMAIL_TIMEOUT: 10,
  DEFAULT_FROM_EMAIL: 'webmaster@localhost',
  EMAIL_TEMPLATE_DIR: null,
};

export const PASSWORD_IMPORT_DEFAULTS: Readonly<PasswordImportSettings> = {
  ALLOW_WEAK_DJANGO_HASHES: false,
};
