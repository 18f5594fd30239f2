/**
 * The pages in a real browser: Debian's Chromium (`/usr/bin/chromium`, which `npm test` installs
 * when missing) driven by playwright-core, against the real server started through the CLI.
 *
 * The scenario a newcomer follows: sign in to the admin console as the superuser, create a
 * user, log in as that user on the browsable API, call `/protected/` from the page, blacklist
 * the user's tokens from the console, and see the next refresh refused on the page. Every page
 * is checked for labelled inputs, landmarks, script errors and CSP violations, and screenshotted
 * to `test-artifacts/screenshots/`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliServer, SUPERUSER, type CliServerProcess } from '../support/cli-server.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = resolve(import.meta.dirname, '../../test-artifacts/screenshots');
const NEW_USER = { username: 'amaya', email: 'amaya@example.com', firstName: 'Amaya', password: 'piedra-lunar-7' } as const;

let server: CliServerProcess;
let context: BrowserContext;
let userDataDir: string;
/** Script errors and CSP violations seen on any page; the scenario expects none. */
const problems: string[] = [];

async function openPage(): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`script error on ${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    // Answers of 4xx that the scenario provokes (a refused form, a refused refresh) are logged by
    // Chromium as failed loads; anything else (CSP violations, script errors) is a problem.
    const provoked = /^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text());
    if (message.type() === 'error' && !provoked) problems.push(`console error on ${page.url()}: ${message.text()}`);
  });
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

interface AccessibilityReport {
  unlabelled: string[];
  unnamedButtons: number;
  lang: string;
  mains: number;
  banners: number;
  navs: number;
  h1s: number;
  title: string;
}

/** Runs in the page (a string: this project's TypeScript has no DOM types). */
const ACCESSIBILITY_PROBE = `(() => {
  const controls = [...document.querySelectorAll('input, textarea, select')].filter((control) => control.type !== 'hidden');
  return {
    unlabelled: controls
      .filter((control) => control.labels.length === 0 && !control.getAttribute('aria-label') && !control.getAttribute('aria-labelledby'))
      .map((control) => control.id || control.name),
    unnamedButtons: [...document.querySelectorAll('button')].filter((button) => button.textContent.trim() === '' && !button.getAttribute('aria-label')).length,
    lang: document.documentElement.lang,
    mains: document.querySelectorAll('main').length,
    banners: document.querySelectorAll('body > header').length,
    navs: document.querySelectorAll('nav').length,
    h1s: document.querySelectorAll('h1').length,
    title: document.title,
  };
})()`;

/** Every visible form control has a label, and the page has its landmarks and one h1. */
async function expectAccessibleBasics(page: Page): Promise<void> {
  const report = (await page.evaluate(ACCESSIBILITY_PROBE)) as AccessibilityReport;
  expect(report.unlabelled, `unlabelled controls on ${page.url()}`).toEqual([]);
  expect(report.unnamedButtons).toBe(0);
  expect(report.lang).toBe('en');
  expect(report.mains).toBe(1);
  expect(report.banners).toBe(1);
  expect(report.navs).toBeGreaterThanOrEqual(1);
  expect(report.h1s).toBe(1);
  expect(report.title).toMatch(/· Tessera$/);
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startCliServer();
  userDataDir = mkdtempSync(join(tmpdir(), 'tessera-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await context?.close();
  await server?.stop();
  if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
});

describe('the pages in Chromium', () => {
  it('creates a user in the console, uses and loses their tokens on the browsable API', { timeout: 180_000 }, async () => {
    // ---- the console: sign in as the superuser ----
    const admin = await openPage();
    await admin.goto(`${server.baseUrl}/admin/`);
    await expect.poll(() => new URL(admin.url()).pathname).toBe('/admin/login/');
    await expectAccessibleBasics(admin);
    await screenshot(admin, '01-admin-sign-in');

    // The skip link is the first thing the keyboard reaches, and it is visible when focused.
    await admin.keyboard.press('Tab');
    expect(await admin.evaluate('document.activeElement && document.activeElement.textContent')).toBe('Skip to main content');
    expect((await admin.locator('.skip-link').boundingBox())?.y ?? -1).toBeGreaterThanOrEqual(0);

    // By keyboard only: type, Tab, type, Enter.
    await admin.getByLabel('Username').focus();
    await admin.keyboard.type(SUPERUSER.username);
    await admin.keyboard.press('Tab');
    await admin.keyboard.type(SUPERUSER.password);
    await admin.keyboard.press('Enter');
    await admin.waitForURL(`${server.baseUrl}/admin/`);
    await expect.poll(() => admin.getByText(`Signed in as ${SUPERUSER.username}`).isVisible()).toBe(true);
    await expectAccessibleBasics(admin);
    await screenshot(admin, '02-admin-overview');

    // ---- create a user; a weak password is refused first, with Django's messages ----
    await admin.getByRole('link', { name: 'Add user' }).first().click();
    await admin.waitForURL(`${server.baseUrl}/admin/users/new/`);
    await admin.getByLabel('Username').fill(NEW_USER.username);
    await admin.getByLabel('Email address').fill(NEW_USER.email);
    await admin.getByLabel('First name').fill(NEW_USER.firstName);
    await admin.getByLabel('Password', { exact: true }).fill('12345');
    await admin.getByLabel('Password confirmation').fill('12345');
    await admin.getByRole('button', { name: 'Create user' }).click();
    const summary = admin.getByRole('alert');
    await expect.poll(() => summary.textContent()).toContain('This password is too short. It must contain at least 8 characters.');
    expect(await summary.textContent()).toContain('This password is entirely numeric.');
    expect(await admin.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await expectAccessibleBasics(admin);
    await screenshot(admin, '03-admin-new-user-errors');

    await admin.getByLabel('Password', { exact: true }).fill(NEW_USER.password);
    await admin.getByLabel('Password confirmation').fill(NEW_USER.password);
    await admin.getByRole('button', { name: 'Create user' }).click();
    await admin.waitForURL(/\/admin\/users\/\d+\/\?done=created$/);
    await expect.poll(() => admin.getByRole('status').first().textContent()).toContain('The user was created.');
    const userPageUrl = admin.url().replace(/\?.*$/, '');
    await screenshot(admin, '04-admin-user-created');

    // ---- the browsable API: log in as the new user ----
    const api = await openPage();
    await api.goto(`${server.baseUrl}/api/token/`);
    await expectAccessibleBasics(api);
    await api.getByLabel('Username').fill(NEW_USER.username);
    await api.getByLabel('Password').fill(NEW_USER.password);
    await api.getByRole('button', { name: 'Send POST /api/token/' }).click();
    const status = api.locator('#response-status');
    await expect.poll(() => status.textContent()).toContain('HTTP 200 OK for POST /api/token/');
    // No reload happened: the form still holds what was typed.
    expect(await api.getByLabel('Username').inputValue()).toBe(NEW_USER.username);
    const body = JSON.parse((await api.locator('#response-detail pre.json').textContent()) ?? '{}') as {
      access?: string;
      refresh?: string;
    };
    expect(Object.keys(body)).toEqual(['refresh', 'access']);
    expect(await api.locator('#response-detail pre.headers').textContent()).toContain('content-type: application/json');
    // The pair is kept for the tab; the claims are decoded and the expiry counts down.
    expect(await api.locator('#kept-access').inputValue()).toBe(body.access);
    expect(await api.locator('#kept-refresh').inputValue()).toBe(body.refresh);
    const claims = JSON.parse((await api.locator('#access-claims').textContent()) ?? '{}') as Record<string, unknown>;
    expect(claims).toMatchObject({ token_type: 'access' });
    const firstExpiry = await api.locator('#access-expiry').textContent();
    expect(firstExpiry).toMatch(/^Expires in (5 min|4 min \d+ s)/);
    await expect.poll(() => api.locator('#access-expiry').textContent(), { timeout: 5000 }).not.toBe(firstExpiry);
    await screenshot(api, '05-api-token-obtained');

    // ---- call /protected/ from its page, with the kept access token ----
    await api
      .getByRole('navigation', { name: 'Endpoints' })
      .getByRole('link', { name: /^Protected/ })
      .click();
    await api.waitForURL(`${server.baseUrl}/protected/`);
    await expectAccessibleBasics(api);
    expect(await api.getByLabel(/Send the kept access token/).isChecked()).toBe(true);
    await api.getByRole('button', { name: 'Send GET /protected/' }).click();
    await expect.poll(() => status.textContent()).toContain('HTTP 200 OK for GET /protected/');
    expect(JSON.parse((await api.locator('#response-detail pre.json').textContent()) ?? '{}')).toEqual({
      content: 'This view is protected',
    });
    await screenshot(api, '06-api-protected');

    // ---- the console: the token is listed; blacklist all of the user's tokens ----
    await admin.goto(userPageUrl);
    await expect.poll(() => admin.getByText(/1 recorded refresh or sliding token, 1 live/).isVisible()).toBe(true);
    const refreshJti = (claimsOf(body.refresh ?? '') as { jti: string }).jti;
    expect(await admin.getByRole('cell', { name: refreshJti, exact: true }).isVisible()).toBe(true);
    await expectAccessibleBasics(admin);
    await screenshot(admin, '07-admin-user-tokens');
    admin.once('dialog', (dialog) => void dialog.accept());
    await admin.getByRole('button', { name: `Blacklist all tokens of ${NEW_USER.username}` }).click();
    await admin.waitForURL(/\?done=blacklisted-all&n=1$/);
    await expect.poll(() => admin.getByRole('status').first().textContent()).toContain('1 token blacklisted.');
    expect(await admin.locator('td .badge.bad').first().textContent()).toBe('Blacklisted');
    await screenshot(admin, '08-admin-tokens-blacklisted');

    // ---- back on the page: the next refresh is refused ----
    await api.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect.poll(() => status.textContent()).toContain('HTTP 401 Unauthorized for Refresh');
    expect(JSON.parse((await api.locator('#response-detail pre.json').textContent()) ?? '{}')).toEqual({
      detail: 'Token is blacklisted',
      code: 'token_not_valid',
    });
    await screenshot(api, '09-api-refresh-refused');

    // ---- the audit log tells the story ----
    await admin.getByRole('link', { name: 'Audit log' }).click();
    await admin.waitForURL(`${server.baseUrl}/admin/audit/`);
    const log = (await admin.locator('main table').textContent()) ?? '';
    for (const line of ['Signed in', 'Created user', "Blacklisted all of a user's tokens", '1 token blacklisted'])
      expect(log).toContain(line);
    expect(log).not.toContain(NEW_USER.password);
    await expectAccessibleBasics(admin);
    await screenshot(admin, '10-admin-audit');

    // ---- the reference and the API root ----
    await api.goto(`${server.baseUrl}/api/docs/`);
    await expectAccessibleBasics(api);
    expect(await api.locator('#op-post-api-token').isVisible()).toBe(true);
    await screenshot(api, '11-api-docs');
    await api.goto(`${server.baseUrl}/`);
    await expectAccessibleBasics(api);
    await screenshot(api, '12-api-root');

    expect(problems).toEqual([]);
  });

  it("manages groups and a user's groups and permissions in the console", { timeout: 120_000 }, async () => {
    const admin = await openPage();
    await admin.goto(`${server.baseUrl}/admin/groups/`);
    if (new URL(admin.url()).pathname === '/admin/login/') {
      await admin.getByLabel('Username').fill(SUPERUSER.username);
      await admin.getByLabel('Password').fill(SUPERUSER.password);
      await admin.getByRole('button', { name: /sign in/i }).click();
      await admin.waitForURL(`${server.baseUrl}/admin/groups/`);
    }
    await expectAccessibleBasics(admin);
    await admin.getByLabel('Name').fill('editors');
    await admin.getByRole('button', { name: 'Create group' }).click();
    await admin.waitForURL(/\/admin\/groups\/\d+\/\?done=group-created$/);
    await admin.getByLabel('Grant another permission').fill('blog.publish_post');
    await admin.getByRole('button', { name: 'Save permissions' }).click();
    await admin.waitForURL(/\?done=saved$/);
    expect(await admin.getByLabel('blog.publish_post').isChecked()).toBe(true);
    await expectAccessibleBasics(admin);
    await screenshot(admin, '13-admin-group');

    // The superuser's own page: tick the group, save, and the permissions held say so.
    await admin.getByRole('link', { name: 'Users' }).first().click();
    await admin.getByRole('link', { name: SUPERUSER.username, exact: true }).click();
    await admin.getByLabel('editors').check();
    await admin.getByRole('button', { name: 'Save groups and permissions' }).click();
    await admin.waitForURL(/\/admin\/users\/\d+\/\?done=saved$/);
    expect(await admin.getByLabel('editors').isChecked()).toBe(true);
    expect(await admin.locator('#privileges-heading + dl').textContent()).toContain('every permission (superuser)');
    await expectAccessibleBasics(admin);
    await screenshot(admin, '14-admin-user-privileges');
    expect(problems).toEqual([]);
  });
});

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}
