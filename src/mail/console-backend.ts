/**
 * `EMAIL_BACKEND=console` (Django's console backend, the development default): each mail is
 * written to stdout as its RFC 5322 text, followed by a line of 79 dashes.
 */
import type { Writable } from 'node:stream';
import type { MailBackend, MailMessage } from './mail-message.js';
import { rawMessage } from './raw-message.js';

export const MAIL_SEPARATOR = `${'-'.repeat(79)}\n`;

export class ConsoleMailBackend implements MailBackend {
  constructor(private readonly stream: Writable = process.stdout) {}

  async send(message: MailMessage): Promise<void> {
    const raw = await rawMessage(message);
    await new Promise<void>((resolve, reject) => {
      this.stream.write(Buffer.concat([raw, Buffer.from(`\n${MAIL_SEPARATOR}`)]), (error) => (error ? reject(error) : resolve()));
    });
  }
}
