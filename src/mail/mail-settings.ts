/**
 * The settings mail reads (`config/settings.ts` documents each one and builds them: the full
 * `Settings` satisfies these interfaces).
 */

/** How to reach the SMTP server. */
export interface SmtpSettings {
  readonly EMAIL_HOST: string;
  readonly EMAIL_PORT: number;
  readonly EMAIL_HOST_USER: string;
  readonly EMAIL_HOST_PASSWORD: string;
  readonly EMAIL_USE_TLS: boolean;
  readonly EMAIL_USE_SSL: boolean;
  readonly EMAIL_TIMEOUT: number;
}

/** Which backend sends, from whom, with which templates. */
export interface MailSettings extends SmtpSettings {
  readonly EMAIL_BACKEND: 'console' | 'file' | 'memory' | 'smtp';
  readonly EMAIL_FILE_PATH: string | null;
  readonly DEFAULT_FROM_EMAIL: string;
  readonly EMAIL_TEMPLATE_DIR: string | null;
}
