/**
 * Sends Tessera's mails in the background. A request that triggers a mail (a password reset, a
 * verification) answers without waiting for delivery, so:
 * - the answer and its timing are the same whether or not a mail was sent (a reset for an
 *   unknown address does the same rendering work and queues nothing; no enumeration by timing);
 * - a slow or failing SMTP server never becomes a slow answer or a 5xx. Failures are logged with
 *   the mail's kind and the error's code only: never an address, a body or a credential.
 *
 * At most MAX_IN_FLIGHT sends run at once and at most MAX_QUEUED wait; beyond that a mail is
 * dropped and logged (the throttles keep honest traffic far below this).
 */
import type { Logger } from '../model/logger.js';
import type { MailBackend, MailMessage } from './mail-message.js';
import { renderMailTemplate, type MailKind, type MailTemplates, type MailVariables } from './mail-templates.js';

const MAX_IN_FLIGHT = 4;
const MAX_QUEUED = 1000;

interface QueuedMail {
  readonly kind: MailKind;
  readonly message: MailMessage;
}

export interface MailerOptions {
  readonly backend: MailBackend;
  /** DEFAULT_FROM_EMAIL. */
  readonly from: string;
  readonly templates: MailTemplates;
  readonly log: Logger;
}

export class Mailer {
  /** The backend mails go to (a `MemoryMailBackend`'s `outbox` is read by tests). */
  readonly backend: MailBackend;
  readonly #options: MailerOptions;
  readonly #queue: QueuedMail[] = [];
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];
  /** Mails whose delivery failed, since start (for health checks and tests). */
  failures = 0;

  constructor(options: MailerOptions) {
    this.backend = options.backend;
    this.#options = options;
  }

  /** Renders the mail `kind` for `to`; sending it is `queue`'s job. */
  render(kind: MailKind, to: string, variables: MailVariables): MailMessage {
    const rendered = renderMailTemplate(this.#options.templates[kind], variables);
    return {
      from: this.#options.from,
      to: [to],
      subject: rendered.subject,
      text: rendered.text,
      ...(rendered.html === null ? {} : { html: rendered.html }),
    };
  }

  /** Queues `message` for delivery and returns at once; never throws. */
  queue(kind: MailKind, message: MailMessage): void {
    if (this.#queue.length >= MAX_QUEUED) {
      this.failures += 1;
      this.#options.log.warn(`mail: ${kind} mail dropped: ${MAX_QUEUED} mails already waiting`);
      return;
    }
    this.#queue.push({ kind, message });
    this.#pump();
  }

  /** Resolves once every queued mail has been delivered or has failed. */
  idle(): Promise<void> {
    if (this.#inFlight === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Waits for queued mails, then closes the backend (its SMTP connections). */
  async close(): Promise<void> {
    await this.idle();
    await this.backend.close?.();
  }

  #pump(): void {
    while (this.#inFlight < MAX_IN_FLIGHT) {
      const next = this.#queue.shift();
      if (next === undefined) break;
      this.#inFlight += 1;
      void this.#deliver(next).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
        if (this.#inFlight === 0 && this.#queue.length === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
      });
    }
  }

  async #deliver({ kind, message }: QueuedMail): Promise<void> {
    try {
      await this.backend.send(message);
    } catch (error) {
      this.failures += 1;
      this.#options.log.error(`mail: ${kind} mail not sent: ${describeFailure(error)}`);
    }
  }
}

/** An error's code and SMTP status, never its message (which may quote addresses or server replies). */
function describeFailure(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown error';
  const { code, responseCode, name } = error as { code?: unknown; responseCode?: unknown; name?: unknown };
  const parts = [typeof code === 'string' ? code : typeof name === 'string' ? name : 'Error'];
  if (typeof responseCode === 'number') parts.push(`SMTP ${responseCode}`);
  return parts.join(' ');
}
