/**
 * Mail for apps that embed Tessera: the `sendMail` hook replaces EMAIL_BACKEND and receives
 * the rendered mail; a hook that fails changes nothing in the answer and is logged without the
 * address or the link; templates overridden in code are used; a store without email
 * addresses cannot run with verification on, and says so naming the setting.
 */
import { describe, expect, it } from 'vitest';
import { createTessera } from '../src/app/tessera.js';
import { ConfigError } from '../src/errors.js';
import type { MailMessage } from '../src/mail/mail-message.js';
import type { Logger } from '../src/model/logger.js';
import { hashPassword } from '../src/passwords/hasher.js';
import { TEST_SECRET } from './support/cli-server.js';
import { MemoryStore } from './support/memory-store.js';

const quietLog = (lines: string[]): Logger => ({ info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) });

async function resetRequest(tessera: Awaited<ReturnType<typeof createTessera>>, email: string) {
  const dispatch = tessera.dispatcher({}, () => undefined);
  const body = Buffer.from(JSON.stringify({ email }));
  return dispatch({
    method: 'POST',
    path: '/accounts/password/reset/',
    headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
    body,
    ip: '127.0.0.1',
  });
}

describe('mail hooks and templates for embedding apps', () => {
  it('hands the rendered mail to sendMail, with templates overridden in code', async () => {
    const sent: MailMessage[] = [];
    const tessera = await createTessera({
      env: {},
      configFile: false,
      settings: {
        SECRET_KEY: TEST_SECRET,
        DATABASE_URL: 'sqlite::memory:',
        DEFAULT_FROM_EMAIL: 'Acme <no-reply@acme.test>',
        PASSWORD_RESET_CONFIRM_URL: 'https://acme.test/r/{uid}/{token}',
      },
      hooks: { sendMail: (message) => void sent.push(message) },
      mailTemplates: { password_reset_key: { subject: 'Acme: reset for {{ username }}', html: null } },
    });
    try {
      await tessera.store.createUser({ username: 'lena', email: 'lena@acme.test', password: await hashPassword('piedra-lunar-7') });
      const answer = await resetRequest(tessera, 'LENA@acme.test');
      expect(answer.status).toBe(200);
      await tessera.mail.idle();
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ from: 'Acme <no-reply@acme.test>', to: ['lena@acme.test'], subject: 'Acme: reset for lena' });
      expect(sent[0]!.html).toBeUndefined();
      expect(sent[0]!.text).toMatch(/https:\/\/acme\.test\/r\/[\w-]+\/[0-9a-z]+-[0-9a-f]{32}/);
    } finally {
      await tessera.close();
    }
  });

  it('answers the same when the hook fails, and logs the failure without address or link', async () => {
    const lines: string[] = [];
    const tessera = await createTessera({
      env: {},
      configFile: false,
      logger: quietLog(lines),
      settings: { SECRET_KEY: TEST_SECRET, DATABASE_URL: 'sqlite::memory:' },
      hooks: { sendMail: () => Promise.reject(Object.assign(new Error('relay down for mara@acme.test'), { code: 'ECONNREFUSED' })) },
    });
    try {
      await tessera.store.createUser({ username: 'mara', email: 'mara@acme.test', password: await hashPassword('piedra-lunar-7') });
      const known = await resetRequest(tessera, 'mara@acme.test');
      const unknown = await resetRequest(tessera, 'nobody@acme.test');
      expect([known.status, known.body]).toEqual([unknown.status, unknown.body]);
      await tessera.mail.idle();
      expect(tessera.mail.failures).toBe(1);
      expect(lines.join('\n')).toMatch(/mail: password_reset_key mail not sent: \w+/);
      expect(lines.join('\n')).not.toContain('mara@');
    } finally {
      await tessera.close();
    }
  });

  it('refuses verification with a store that keeps no email addresses, naming the setting', async () => {
    const error = await createTessera({
      env: {},
      configFile: false,
      store: new MemoryStore(),
      settings: { SECRET_KEY: TEST_SECRET, ACCOUNT_EMAIL_VERIFICATION: 'mandatory' },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe('ACCOUNT_EMAIL_VERIFICATION');
    const tessera = await createTessera({ env: {}, configFile: false, store: new MemoryStore(), settings: { SECRET_KEY: TEST_SECRET } });
    try {
      expect(tessera.warnings.join('\n')).toContain('no account-recovery methods');
      expect(tessera.routes().some((route) => route.path.startsWith('/accounts/password/'))).toBe(false);
    } finally {
      await tessera.close();
    }
  });
});
