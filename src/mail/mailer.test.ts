/**
 * The background mailer's bounds, under a burst: at most 4 sends at once, at most 1,000 waiting;
 * past that a mail is dropped and logged (kind only), never queued without end.
 */
import { describe, expect, it } from 'vitest';
import type { MailBackend, MailMessage } from './mail-message.js';
import { Mailer } from './mailer.js';
import { DEFAULT_MAIL_TEMPLATES } from './mail-templates.js';

describe('Mailer under a burst', () => {
  it('runs at most 4 sends at once, keeps at most 1,000 waiting, drops and logs the rest', async () => {
    let inFlight = 0;
    let peak = 0;
    let sent = 0;
    const releases: (() => void)[] = [];
    const backend: MailBackend = {
      send: async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise<void>((release) => releases.push(release));
        inFlight -= 1;
        sent += 1;
      },
    };
    const warnings: string[] = [];
    const mailer = new Mailer({
      backend,
      from: 'accounts@example.com',
      templates: DEFAULT_MAIL_TEMPLATES,
      log: { info: () => undefined, warn: (message) => warnings.push(message), error: () => undefined },
    });
    const message: MailMessage = { from: 'accounts@example.com', to: ['ana@example.com'], subject: 'Reset', text: 'link' };
    // 4 start at once, 1,000 wait, 10 are dropped.
    for (let index = 0; index < 1014; index++) mailer.queue('password_reset_key', message);
    expect(releases).toHaveLength(4);
    expect(mailer.failures).toBe(10);
    expect(warnings).toHaveLength(10);
    expect(warnings.every((warning) => warning.includes('password_reset_key') && !warning.includes('ana@'))).toBe(true);
    while (sent < 1004) {
      releases.splice(0).forEach((release) => release());
      await new Promise((tick) => setImmediate(tick));
    }
    await mailer.idle();
    expect(peak).toBe(4);
    expect(sent).toBe(1004);
  });
});
