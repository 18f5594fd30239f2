/**
 * The RFC 5322 text of a mail, as the console and file backends show it (Django prints
 * `message.as_bytes()`). Composed by nodemailer's stream transport, the same MIME builder the
 * SMTP backend sends with, so what a developer reads is what a server would receive.
 */
import type { Transporter } from 'nodemailer';
import type StreamTransport from 'nodemailer/lib/stream-transport/index.js';
import type { MailMessage } from './mail-message.js';
import { loadNodemailer, nodemailerMessage } from './load-nodemailer.js';

let composer: Promise<Transporter<StreamTransport.SentMessageInfo>> | undefined;

export async function rawMessage(message: MailMessage): Promise<Buffer> {
  composer ??= loadNodemailer().then((nodemailer) => nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }));
  const info = await (await composer).sendMail(nodemailerMessage(message));
  return info.message as Buffer;
}
