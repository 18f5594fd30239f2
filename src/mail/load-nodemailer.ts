/**
 * nodemailer, loaded on the first mail rather than at start-up: it was ~6% of `tessera serve`'s
 * CPU before its first answer, and most servers send no mail in their first seconds, many never
 * (docs/decisions.md D21). One load, shared by the SMTP backend and the console and file
 * backends' MIME composer.
 */
import type { MailMessage } from './mail-message.js';
import type nodemailer from 'nodemailer';

let loading: Promise<typeof nodemailer> | undefined;

export function loadNodemailer(): Promise<typeof nodemailer> {
  return (loading ??= import('nodemailer').then((module) => module.default));
}

/** A message as nodemailer's `sendMail` takes it (the SMTP backend and the raw-message composer). */
export function nodemailerMessage(message: MailMessage): { from: string; to: string[]; subject: string; text: string; html?: string } {
  return { from: message.from, to: [...message.to], subject: message.subject, text: message.text, html: message.html };
}
