/**
 * A mail as Tessera sends it, and what every backend implements. The shapes are Tessera's own so
 * that a `sendMail` hook or a custom backend never sees nodemailer's types.
 */

/** One mail, ready to send: plain text, and optionally an HTML alternative. */
export interface MailMessage {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

/**
 * Where mail goes (Django's `EMAIL_BACKEND`). `send` resolves once the mail is handed over
 * (printed, written, kept, or accepted by the SMTP server) and rejects when it could not be.
 */
export interface MailBackend {
  send(message: MailMessage): Promise<void>;
  close?(): Promise<void>;
}
