/**
 * The RFC 5322 text of a mail, as the console and file backends show it (Django prints
 * `message.as_bytes()`). Composed by nodemailer's stream transport, the same MIME builder the
 * SMTP backend sends with, so what a developer reads is what a server would receive.
 */
import nodemailer from 'nodemailer';
import type { MailMessage } from './mail-message.js';

const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

export async function rawMessage(message: MailMessage): Promise<Buffer> {
  const info = await composer.sendMail({
    from: message.from,
    to: [...message.to],
    subject: message.subject,
    text: message.text,
    html: message.html,
  });
  return info.message as Buffer;
}
