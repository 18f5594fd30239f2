/**
 * Account recovery over HTTP, part of the one HTTP suite (`describeApi` runs it against the
 * bundled server on SQLite and PostgreSQL and against each adapter). Mail goes through a real
 * SMTP server started here (smtp-server), and is read back with mailparser: that is the only
 * way to reach a server running in another process, and it exercises the real delivery path.
 *
 * What it proves: password reset answers byte-identically for known and unknown addresses and
 * mails only the known one; the mail's link is the configured front-end URL and works once
 * (also under a burst); expired, tampered and wrong-uid tokens are refused; Django's validators
 * apply; a reset and a password change end the old sessions (the changer gets a new pair); a
 * failing SMTP server changes nothing in the answer; requests are throttled per address; with
 * ACCOUNT_EMAIL_VERIFICATION=mandatory, login waits for the emailed key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/stores/open-store.js';
import type { Store } from '../../src/model/store.js';
import { PasswordResetTokens, encodeUid } from '../../src/tokens/password-reset-token.js';
import { TEST_SECRET } from '../support/cli-server.js';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from '../support/smtp-server.js';
import { client, type ServedApi, type StartApi } from './api-suite.js';

const FRONT_END = 'https://app.example.com/reset/{uid}/{token}';
const RESET_LINK = /https:\/\/app\.example\.com\/reset\/([A-Za-z0-9_-]+)\/([0-9a-z]+-[0-9a-f]+)/;
const RESET_SENT = '{"detail":"Password reset e-mail has been sent."}';

type Api = ReturnType<typeof client>;

function smtpEnv(smtp: TestSmtpServer): Record<string, string> {
  return {
    TESSERA_EMAIL_BACKEND: 'smtp',
    TESSERA_EMAIL_HOST: '127.0.0.1',
    TESSERA_EMAIL_PORT: String(smtp.port),
    TESSERA_DEFAULT_FROM_EMAIL: 'accounts@example.com',
  };
}

/** The mails that reached `address`, once there are at least `count`. */
async function mailsTo(smtp: TestSmtpServer, address: string, count = 1): Promise<ReceivedMail[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const mails = smtp.received.filter((mail) => mail.envelopeTo.includes(address));
    if (mails.length >= count) return mails;
    if (Date.now() > deadline) throw new Error(`expected ${count} mails to ${address}, got ${mails.length}`);
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

let userCount = 0;
/** Registers a new user; returns its credentials. */
async function newUser(api: Api, prefix: string) {
  userCount += 1;
  // Letters only: a digit in a name could make a test's numeric password "too similar" to it.
  const suffix = `${userCount}x${process.pid}`.replace(/\d/g, (digit) => 'abcdefghij'[Number(digit)]!);
  const user = { username: `${prefix}${suffix}`, email: `${prefix}.${suffix}@example.com`, password: 'correct-horse-77' };
  const reply = await api.post('/accounts/register/', { ...user, first_name: 'Test', password2: user.password });
  expect(reply.status, reply.text).toBe(201);
  return user;
}

async function loginPair(api: Api, user: { username: string; password: string }) {
  const reply = await api.post('/api/token/', { username: user.username, password: user.password });
  expect(reply.status, reply.text).toBe(200);
  return reply.json as { refresh: string; access: string };
}

/** Requests a reset for `email` and returns the uid and token of the link in the mail. */
async function resetLinkFor(
  api: Api,
  smtp: TestSmtpServer,
  email: string,
  nth = 1,
): Promise<{ uid: string; token: string; mail: ReceivedMail }> {
  expect((await api.post('/accounts/password/reset/', { email })).text).toBe(RESET_SENT);
  const mail = (await mailsTo(smtp, email, nth))[nth - 1]!;
  const match = RESET_LINK.exec(String(mail.parsed.text));
  expect(match, String(mail.parsed.text)).not.toBeNull();
  return { uid: match![1]!, token: match![2]!, mail };
}

function comparable(reply: { status: number; headers: Headers; text: string }) {
  const headers = [...reply.headers.entries()].filter(([name]) => name !== 'date');
  return { status: reply.status, headers, text: reply.text };
}

export function describeAccountApi(name: string, start: StartApi): void {
  describe(`${name}: password reset and change`, () => {
    let smtp: TestSmtpServer;
    let served: ServedApi;
    let api: Api;
    let store: Store;
    beforeAll(async () => {
      smtp = await startSmtpServer();
      served = await start({
        ...smtpEnv(smtp),
        TESSERA_PASSWORD_RESET_CONFIRM_URL: FRONT_END,
        TESSERA_THROTTLE_PASSWORD_RESET_ACCOUNT: '3/minute',
      });
      api = client(served.baseUrl);
      store = await openStore(served.databaseUrl);
    });
    afterAll(async () => {
      await store?.close();
      await served?.stop();
      await smtp?.close();
    });

    it('answers known and unknown addresses byte for byte alike, and mails only the known one', async () => {
      const user = await newUser(api, 'known');
      const unknown = await api.post('/accounts/password/reset/', { email: `nobody.${process.pid}@example.com` });
      const known = await api.post('/accounts/password/reset/', { email: user.email.toUpperCase() });
      expect(known.text).toBe(RESET_SENT);
      expect(comparable(unknown)).toEqual(comparable(known));
      await mailsTo(smtp, user.email, 1);
      // A later mail to the same user: had the unknown address been mailed, it would be here by now.
      await resetLinkFor(api, smtp, user.email, 2);
      expect(smtp.received.some((mail) => mail.envelopeTo.some((to) => to.startsWith('nobody.')))).toBe(false);
    });

    it('links to the configured front end; the link works once, and ends every session', async () => {
      const user = await newUser(api, 'reset');
      const before = await loginPair(api, user);
      const { uid, token, mail } = await resetLinkFor(api, smtp, user.email);
      expect(mail.parsed.from?.text).toBe('accounts@example.com');
      expect(mail.parsed.subject).toBe('Password reset');
      expect(String(mail.parsed.html)).toContain(`href="https://app.example.com/reset/${uid}/${token}"`);
      const body = { uid, token, new_password1: 'brand-new-pass-91', new_password2: 'brand-new-pass-91' };
      const confirmed = await api.post('/accounts/password/reset/confirm/', body);
      expect(confirmed.status).toBe(200);
      expect(confirmed.text).toBe('{"detail":"Password has been reset with the new password."}');
      const again = await api.post('/accounts/password/reset/confirm/', {
        ...body,
        new_password1: 'other-pass-1234',
        new_password2: 'other-pass-1234',
      });
      expect(again.status).toBe(400);
      expect(again.text).toBe('{"token":["Invalid value"]}');
      expect((await api.post('/api/token/refresh/', { refresh: before.refresh })).status).toBe(401);
      expect((await api.post('/api/token/', { username: user.username, password: user.password })).status).toBe(401);
      await loginPair(api, { ...user, password: 'brand-new-pass-91' });
    });

    it('lets exactly one of a burst of confirmations with one token through', async () => {
      const user = await newUser(api, 'burst');
      const { uid, token } = await resetLinkFor(api, smtp, user.email);
      const replies = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          api.post('/accounts/password/reset/confirm/', {
            uid,
            token,
            new_password1: `burst-pass-${index}-x`,
            new_password2: `burst-pass-${index}-x`,
          }),
        ),
      );
      // The losers' token is spent (400); once three have failed, the uid's budget (3/minute here) answers 429.
      const statuses = replies.map((reply) => reply.status);
      expect(
        statuses.filter((status) => status === 200),
        replies.map((reply) => reply.text).join('\n'),
      ).toHaveLength(1);
      expect(statuses.every((status) => status === 200 || status === 400 || status === 429)).toBe(true);
      const winner = replies.findIndex((reply) => reply.status === 200);
      await loginPair(api, { ...user, password: `burst-pass-${winner}-x` });
    });

    it('refuses expired, tampered and foreign tokens and unknown uids', async () => {
      const user = await newUser(api, 'tamper');
      const stored = (await store.findUser('username', user.username))!;
      const tokensAt = (offsetSeconds: number) =>
        new PasswordResetTokens({ secret: TEST_SECRET, timeoutSeconds: 3600, now: () => Date.now() + offsetSeconds * 1000 });
      const uid = encodeUid(stored.id);
      const confirm = (fields: Record<string, string>) =>
        api.post('/accounts/password/reset/confirm/', {
          uid,
          new_password1: 'valid-pass-4242',
          new_password2: 'valid-pass-4242',
          ...fields,
        });
      expect((await confirm({ token: tokensAt(-3700).make(stored) })).text).toBe('{"token":["Invalid value"]}');
      const fresh = tokensAt(-60).make(stored);
      expect((await confirm({ token: `${fresh.slice(0, -1)}${fresh.endsWith('0') ? '1' : '0'}` })).text).toBe(
        '{"token":["Invalid value"]}',
      );
      expect((await confirm({ token: fresh, uid: encodeUid(stored.id + 100_000) })).text).toBe('{"uid":["Invalid value"]}');
      expect((await confirm({ token: fresh, uid: 'not base64!' })).text).toBe('{"uid":["Invalid value"]}');
      // The same token, untouched and made with the server's secret an hour later, is accepted.
      expect((await confirm({ token: fresh })).status).toBe(200);
    });

    it("applies Django's validators and SetPasswordForm's checks to the new password", async () => {
      const user = await newUser(api, 'validate');
      const { uid, token } = await resetLinkFor(api, smtp, user.email);
      const confirm = (new_password1: string, new_password2: string) =>
        api.post('/accounts/password/reset/confirm/', { uid, token, new_password1, new_password2 });
      expect((await confirm('12345', '12345')).text).toBe(
        '{"new_password2":["This password is too short. It must contain at least 8 characters.","This password is too common.","This password is entirely numeric."]}',
      );
      expect((await confirm('good-pass-1234', 'good-pass-4321')).text).toBe('{"new_password2":["The two password fields didn’t match."]}');
      expect((await confirm(user.username, user.username)).text).toBe('{"new_password2":["The password is too similar to the username."]}');
      expect((await api.post('/accounts/password/reset/confirm/', {})).text).toBe(
        '{"new_password1":["This field is required."],"new_password2":["This field is required."],"uid":["This field is required."],"token":["This field is required."]}',
      );
      // None of that spent the token.
      expect((await confirm('good-pass-1234', 'good-pass-1234')).status).toBe(200);
    });

    it('changes the password of the caller, who alone keeps a session', async () => {
      const user = await newUser(api, 'change');
      const other = await loginPair(api, user);
      const mine = await loginPair(api, user);
      expect(
        (await api.post('/accounts/password/change/', { old_password: user.password, new_password1: 'x', new_password2: 'x' })).status,
      ).toBe(401);
      const headers = { authorization: `Bearer ${mine.access}` };
      const wrong = await api.post(
        '/accounts/password/change/',
        { old_password: 'not-it', new_password1: 'changed-pass-77', new_password2: 'changed-pass-77' },
        headers,
      );
      expect(wrong.text).toBe('{"old_password":["Your old password was entered incorrectly. Please enter it again."]}');
      const missing = await api.post('/accounts/password/change/', { old_password: user.password }, headers);
      expect(missing.text).toBe('{"new_password1":["This field is required."],"new_password2":["This field is required."]}');
      const changed = await api.post(
        '/accounts/password/change/',
        { old_password: user.password, new_password1: 'changed-pass-77', new_password2: 'changed-pass-77' },
        headers,
      );
      expect(changed.status, changed.text).toBe(200);
      const { detail, refresh, access } = changed.json as { detail: string; refresh: string; access: string };
      expect(detail).toBe('New password has been saved.');
      expect((await api.post('/api/token/refresh/', { refresh: other.refresh })).status).toBe(401);
      expect((await api.post('/api/token/refresh/', { refresh: mine.refresh })).status).toBe(401);
      expect((await api.post('/api/token/refresh/', { refresh })).status).toBe(200);
      expect((await api.get('/protected/', access)).status).toBe(200);
      // Every other session's access token is cut off at once, not at its expiry (issue 15).
      expect((await api.get('/protected/', other.access)).status).toBe(401);
      expect((await api.get('/protected/', mine.access)).status).toBe(401);
      expect((await api.post('/api/token/verify/', { token: other.access })).status).toBe(401);
      await loginPair(api, { ...user, password: 'changed-pass-77' });
    });

    it('gives the same answer, and no 5xx, when the SMTP server refuses the mail', async () => {
      const user = await newUser(api, 'smtpfail');
      smtp.rejectAll(true);
      try {
        const known = await api.post('/accounts/password/reset/', { email: user.email });
        const unknown = await api.post('/accounts/password/reset/', { email: `ghost.${process.pid}@example.com` });
        expect(comparable(known)).toEqual(comparable(unknown));
        expect(known.text).toBe(RESET_SENT);
      } finally {
        smtp.rejectAll(false);
      }
    });

    it('throttles reset mails per address, known or not', async () => {
      for (const email of [`flood.${process.pid}@example.com`, (await newUser(api, 'flood')).email]) {
        const statuses: number[] = [];
        for (let attempt = 0; attempt < 4; attempt += 1) statuses.push((await api.post('/accounts/password/reset/', { email })).status);
        expect(statuses).toEqual([200, 200, 200, 429]);
      }
    });
  });

  describe(`${name}: mandatory email verification`, () => {
    let smtp: TestSmtpServer;
    let served: ServedApi;
    let api: Api;
    beforeAll(async () => {
      smtp = await startSmtpServer();
      served = await start({
        ...smtpEnv(smtp),
        TESSERA_ACCOUNT_EMAIL_VERIFICATION: 'mandatory',
        TESSERA_ACCOUNT_EMAIL_CONFIRMATION_URL: 'https://app.example.com/verify/{key}',
      });
      api = client(served.baseUrl);
    });
    afterAll(async () => {
      await served?.stop();
      await smtp?.close();
    });

    it('refuses login until the emailed key is posted back; a key works once', async () => {
      const user = await newUser(api, 'verify');
      const [mail] = await mailsTo(smtp, user.email);
      const key = /https:\/\/app\.example\.com\/verify\/([A-Za-z0-9_:-]+)/.exec(String(mail!.parsed.text))?.[1];
      expect(key).toBeDefined();
      const refused = await api.post('/api/token/', { username: user.username, password: user.password });
      expect(refused.status).toBe(400);
      expect(refused.text).toBe('{"non_field_errors":["E-mail is not verified."]}');
      // A wrong password says nothing about verification.
      expect((await api.post('/api/token/', { username: user.username, password: 'wrong-one' })).status).toBe(401);
      expect((await api.post('/accounts/email/verify/', { key: `${key}x` })).status).toBe(404);
      const verified = await api.post('/accounts/email/verify/', { key });
      expect(verified.text).toBe('{"detail":"ok"}');
      await loginPair(api, user);
      expect((await api.post('/accounts/email/verify/', { key })).status).toBe(404);
    });

    it('resends a verification mail to an unverified address, answering alike for any address', async () => {
      const user = await newUser(api, 'resend');
      await mailsTo(smtp, user.email, 1);
      const known = await api.post('/accounts/email/verify/resend/', { email: user.email });
      const unknown = await api.post('/accounts/email/verify/resend/', { email: `nobody.${process.pid}@example.com` });
      expect(comparable(known)).toEqual(comparable(unknown));
      expect(known.text).toBe('{"detail":"ok"}');
      const mails = await mailsTo(smtp, user.email, 2);
      const key = /verify\/([A-Za-z0-9_:-]+)/.exec(String(mails[1]!.parsed.text))?.[1];
      expect((await api.post('/accounts/email/verify/', { key })).status).toBe(200);
      await loginPair(api, user);
    });
  });
}
