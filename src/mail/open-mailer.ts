/**
 * Builds the `Mailer` the settings describe: the backend EMAIL_BACKEND names (or the app's own
 * `sendMail` hook, which replaces it), DEFAULT_FROM_EMAIL, and the templates.
 */
import type { Logger } from '../model/logger.js';
import { ConsoleMailBackend } from './console-backend.js';
import { FileMailBackend } from './file-backend.js';
import type { MailBackend, MailMessage } from './mail-message.js';
import type { MailSettings } from './mail-settings.js';
import { loadMailTemplates, type MailTemplateOverrides } from './mail-templates.js';
import { Mailer } from './mailer.js';
import { MemoryMailBackend } from './memory-backend.js';
import { SmtpMailBackend } from './smtp-backend.js';

export interface OpenMailerOptions {
  readonly settings: MailSettings;
  readonly log: Logger;
  /** Send mail yourself: replaces EMAIL_BACKEND. */
  readonly sendMail?: (message: MailMessage) => void | Promise<void>;
  readonly templates?: MailTemplateOverrides;
}

export function openMailer(options: OpenMailerOptions): Mailer {
  const { settings, sendMail } = options;
  return new Mailer({
    backend:
      sendMail === undefined
        ? backendFor(settings)
        : {
            send: async (message) => {
              await sendMail(message);
            },
          },
    from: settings.DEFAULT_FROM_EMAIL,
    templates: loadMailTemplates(settings.EMAIL_TEMPLATE_DIR, options.templates),
    log: options.log,
  });
}

function backendFor(settings: MailSettings): MailBackend {
  switch (settings.EMAIL_BACKEND) {
    case 'console':
      return new ConsoleMailBackend();
    case 'file':
      // load-settings refuses `file` without a path.
      return new FileMailBackend(settings.EMAIL_FILE_PATH ?? '.');
    case 'memory':
      return new MemoryMailBackend();
    case 'smtp':
      return new SmtpMailBackend(settings);
  }
}
