/**
 * The SMTP backend and the mailer against a real SMTP server (smtp-server on port 0, mails read
 * back with mailparser): what arrives is what was rendered; logins work; a refusing or absent
 * server makes `send` reject, and the mailer turns that into one log line that names no address,
 * body or password.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../../test/support/smtp-server.js';
import type { Logger } from '../model/logger.js';
import { DEFAULT_SETTINGS } from '../config/settings.js';
import { DEFAULT_MAIL_TEMPLATES } from './mail-templates.js';
import { Mailer } from './mailer.js';
import { SmtpMailBackend, type SmtpSettings } from './smtp-backend.js';

const servers: TestSmtpServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function server(options: Parameters<typeof startSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const started = await startSmtpServer(options);
  servers.push(started);
  return started;
}

function smtpSettings(port: number, extra: Partial<SmtpSettings> = {}): SmtpSettings {
  return { ...DEFAULT_SETTINGS, EMAIL_HOST: '127.0.0.1', EMAIL_PORT: port, EMAIL_TIMEOUT: 5, ...extra };
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (message) => lines.push(message), warn: (message) => lines.push(message), error: (message) => lines.push(message) };
}

const message = {
  from: 'Tessera <noreply@example.com>',
  to: ['alice@example.com'],
  subject: 'Password reset',
  text: 'Open https://app.example.com/reset/MQ/abc\n',
  html: '<p><a href="https://app.example.com/reset/MQ/abc">reset</a></p>',
};

describe('SmtpMailBackend', () => {
  it('delivers the text and HTML parts, sender and recipient', async () => {
    const smtp = await server();
    const backend = new SmtpMailBackend(smtpSettings(smtp.port));
    await backend.send(message);
    await backend.close();
    const [mail] = await smtp.waitFor(1);
    expect(mail!.envelopeFrom).toBe('noreply@example.com');
    expect(mail!.envelopeTo).toEqual(['alice@example.com']);
    expect(mail!.parsed.subject).toBe('Password reset');
    expect(mail!.parsed.text).toBe(message.text);
    expect(mail!.parsed.html).toContain('href="https://app.example.com/reset/MQ/abc"');
  });

  it('logs in with EMAIL_HOST_USER and EMAIL_HOST_PASSWORD, and fails with a wrong password', async () => {
    const smtp = await server({ credentials: { user: 'mailer', pass: 'smtp-secret-1' } });
    const good = new SmtpMailBackend(smtpSettings(smtp.port, { EMAIL_HOST_USER: 'mailer', EMAIL_HOST_PASSWORD: 'smtp-secret-1' }));
    await good.send(message);
    await good.close();
    expect(smtp.logins).toEqual(['mailer']);
    const bad = new SmtpMailBackend(smtpSettings(smtp.port, { EMAIL_HOST_USER: 'mailer', EMAIL_HOST_PASSWORD: 'wrong' }));
    await expect(bad.send(message)).rejects.toMatchObject({ code: 'EAUTH' });
    await bad.close();
    expect(smtp.received).toHaveLength(1);
  });

  it('rejects when the server refuses the recipient', async () => {
    const smtp = await server({ rejectAll: true });
    const backend = new SmtpMailBackend(smtpSettings(smtp.port));
    await expect(backend.send(message)).rejects.toMatchObject({ responseCode: 550 });
    await backend.close();
  });
});

describe('Mailer', () => {
  it('queues without waiting, and logs a failed delivery without address, body or password', async () => {
    const smtp = await server({ rejectAll: true });
    const log = recordingLogger();
    const mailer = new Mailer({
      backend: new SmtpMailBackend(smtpSettings(smtp.port, { EMAIL_HOST_USER: '', EMAIL_HOST_PASSWORD: 'smtp-secret-2' })),
      from: 'noreply@example.com',
      templates: DEFAULT_MAIL_TEMPLATES,
      log,
    });
    const rendered = mailer.render('password_reset_key', 'victim@example.com', {
      username: 'victim',
      password_reset_url: 'https://app.example.com/r/MQ/tok-123',
    });
    mailer.queue('password_reset_key', rendered);
    expect(mailer.failures).toBe(0);
    await mailer.idle();
    expect(mailer.failures).toBe(1);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/^mail: password_reset_key mail not sent: \w+ SMTP 550$/);
    for (const secret of ['victim', 'tok-123', 'smtp-secret-2', 'example.com']) expect(log.lines.join('\n')).not.toContain(secret);
    await mailer.close();
  });

  it('delivers a burst with at most four connections at once, every mail arriving', async () => {
    const smtp = await server();
    const mailer = new Mailer({
      backend: new SmtpMailBackend(smtpSettings(smtp.port)),
      from: 'noreply@example.com',
      templates: DEFAULT_MAIL_TEMPLATES,
      log: recordingLogger(),
    });
    for (let index = 0; index < 20; index += 1) {
      mailer.queue('email_confirmation', mailer.render('email_confirmation', `user${index}@example.com`, { key: `k${index}` }));
    }
    await mailer.idle();
    await smtp.waitFor(20);
    expect(new Set(smtp.received.map((mail) => mail.envelopeTo[0])).size).toBe(20);
    expect(smtp.peakConnections()).toBeGreaterThan(1);
    expect(smtp.peakConnections()).toBeLessThanOrEqual(4);
    expect(mailer.failures).toBe(0);
    await mailer.close();
  });
});
