/**
 * The console's recovery card: it shows whether a user's address is verified, and its button
 * mails the user the same reset link the API sends (memory mail backend), audited, and only
 * for users Django's PasswordResetForm would mail.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleBrowser, startPagesApp, type PagesApp } from '../../../../test/support/pages-app.js';
import { SUPERUSER } from '../../../../test/support/cli-server.js';
import type { MemoryMailBackend } from '../../../mail/memory-backend.js';
import type { AccountStore } from '../../../model/store.js';

describe('admin console: email and password recovery', () => {
  let served: PagesApp;
  beforeEach(async () => {
    served = await startPagesApp({
      EMAIL_BACKEND: 'memory',
      PASSWORD_RESET_CONFIRM_URL: 'https://app.example.com/reset/{uid}/{token}',
      ACCOUNT_EMAIL_VERIFICATION: 'optional',
    });
  });
  afterEach(async () => {
    await served.close();
  });

  async function signedIn(): Promise<ConsoleBrowser> {
    const browser = new ConsoleBrowser(served.app);
    expect((await browser.signIn(SUPERUSER.username, SUPERUSER.password)).statusCode).toBe(303);
    return browser;
  }

  it('shows the verification state, and sends a reset mail that links to the front end', async () => {
    const store = served.tessera.store as typeof served.tessera.store & AccountStore;
    const user = await served.addUser('iris', 'piedra-lunar-7');
    await store.updateUser(user.id, { email: 'iris@example.com' });
    const browser = await signedIn();
    const before = await browser.get(`/admin/users/${user.id}/`);
    expect(before.body).toContain('Email and password recovery');
    expect(before.body).toMatch(/Address verified<\/dt>\s*<dd><span class="badge no">No<\/span> not recorded/);
    const address = await store.addEmailAddress(user.id, 'iris@example.com');
    await store.verifyEmailAddress(address.id);
    expect((await browser.get(`/admin/users/${user.id}/`)).body).toMatch(
      /Address verified<\/dt>\s*<dd><span class="badge yes">Verified<\/span>/,
    );

    const sent = await browser.post(`/admin/users/${user.id}/password-reset/`, { csrf_token: await browser.csrfToken() });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`/admin/users/${user.id}/?done=reset-sent`);
    await served.tessera.mail.idle();
    const outbox = (served.tessera.mail.backend as MemoryMailBackend).outbox;
    expect(outbox.map((mail) => mail.to)).toEqual([['iris@example.com']]);
    expect(outbox[0]!.text).toMatch(/https:\/\/app\.example\.com\/reset\/[\w-]+\/[0-9a-z]+-[0-9a-f]{32}/);
    const audit = await store.audit?.listAudit({ targetUserId: user.id });
    expect(audit?.map((entry) => entry.action)).toContain('user.password_reset_mail');
    expect(JSON.stringify(audit)).not.toMatch(/[0-9a-z]+-[0-9a-f]{32}/);
  });

  it('sends nothing to a user without an address, and refuses a forged request without the CSRF token', async () => {
    const user = await served.addUser('jonas', 'piedra-lunar-7');
    const browser = await signedIn();
    expect((await browser.get(`/admin/users/${user.id}/`)).body).toContain('The user has no email address.');
    const refused = await browser.post(`/admin/users/${user.id}/password-reset/`, { csrf_token: await browser.csrfToken() });
    expect(refused.headers.location).toBe(`/admin/users/${user.id}/?done=reset-unavailable`);
    expect((await browser.post(`/admin/users/${user.id}/password-reset/`, {})).statusCode).toBe(403);
    await served.tessera.mail.idle();
    expect((served.tessera.mail.backend as MemoryMailBackend).outbox).toEqual([]);
  });
});
