/**
 * `EMAIL_BACKEND=smtp`, through nodemailer (docs/decisions.md): EMAIL_HOST, EMAIL_PORT,
 * EMAIL_HOST_USER / EMAIL_HOST_PASSWORD, EMAIL_USE_TLS (STARTTLS, required), EMAIL_USE_SSL
 * (implicit TLS), EMAIL_TIMEOUT. As Django's backend, a connection without EMAIL_USE_TLS or
 * EMAIL_USE_SSL does not attempt STARTTLS. Certificates are always verified.
 */
import type { Transporter } from 'nodemailer';
import { loadNodemailer, nodemailerMessage } from './load-nodemailer.js';
import type { MailBackend, MailMessage } from './mail-message.js';
import type { SmtpSettings } from './mail-settings.js';

export type { SmtpSettings } from './mail-settings.js';

export class SmtpMailBackend implements MailBackend {
  readonly #settings: SmtpSettings;
  /** Made on the first mail (createTransport opens no connection; it only needs nodemailer loaded). */
  #transport: Promise<Transporter> | undefined;

  constructor(settings: SmtpSettings) {
    this.#settings = settings;
  }

  #transporter(): Promise<Transporter> {
    const settings = this.#settings;
    const timeoutMs = settings.EMAIL_TIMEOUT * 1000;
    return (this.#transport ??= loadNodemailer().then((nodemailer) =>
      nodemailer.createTransport({
        host: settings.EMAIL_HOST,
        port: settings.EMAIL_PORT,
        secure: settings.EMAIL_USE_SSL,
        requireTLS: settings.EMAIL_USE_TLS,
        ignoreTLS: !settings.EMAIL_USE_TLS && !settings.EMAIL_USE_SSL,
        auth: settings.EMAIL_HOST_USER === '' ? undefined : { user: settings.EMAIL_HOST_USER, pass: settings.EMAIL_HOST_PASSWORD },
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      }),
    ));
  }

  async send(message: MailMessage): Promise<void> {
    await (await this.#transporter()).sendMail(nodemailerMessage(message));
  }

  async close(): Promise<void> {
    (await this.#transport)?.close();
  }
}
