/**
 * `EMAIL_BACKEND=memory` (Django's `locmem` backend and its `mail.outbox`): mails are kept in
 * `outbox`, for the tests of apps that embed Tessera.
 */
import type { MailBackend, MailMessage } from './mail-message.js';

export class MemoryMailBackend implements MailBackend {
  /** Every mail sent, oldest first. Empty it between tests with `outbox.length = 0`. */
  readonly outbox: MailMessage[] = [];

  send(message: MailMessage): Promise<void> {
    this.outbox.push(message);
    return Promise.resolve();
  }
}
