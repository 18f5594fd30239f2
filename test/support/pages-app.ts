/**
 * The bundled server in-process (Fastify's `inject`, no socket) over an in-memory SQLite store,
 * with the superuser, and a browser-like cookie jar: what the pages' HTTP tests drive.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Settings } from '../../src/config/settings.js';
import { hashPassword } from '../../src/passwords/hasher.js';
import { createServer } from '../../src/server/create-server.js';
import { createTessera, type Tessera } from '../../src/app/tessera.js';
import type { User } from '../../src/model/user.js';
import { SUPERUSER, TEST_SECRET } from './cli-server.js';

export const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

export interface PagesApp {
  readonly tessera: Tessera;
  readonly app: FastifyInstance;
  readonly superuser: User;
  /** Creates a user with `password` (hashed). */
  addUser(username: string, password: string, flags?: { isStaff?: boolean; isSuperuser?: boolean; isActive?: boolean }): Promise<User>;
  close(): Promise<void>;
}

export async function startPagesApp(settings: Partial<Settings> = {}): Promise<PagesApp> {
  const tessera = await createTessera({
    env: {},
    configFile: false,
    settings: { SECRET_KEY: TEST_SECRET, DATABASE_URL: 'sqlite::memory:', ...settings },
  });
  const app = createServer(tessera, { logLevel: 'silent' });
  await app.ready();
  const addUser: PagesApp['addUser'] = async (username, password, flags = {}) =>
    tessera.store.createUser({ username, password: await hashPassword(password), ...flags });
  const superuser = await addUser(SUPERUSER.username, SUPERUSER.password, { isStaff: true, isSuperuser: true });
  return {
    tessera,
    app,
    superuser,
    addUser,
    close: async () => {
      await app.close();
      await tessera.close();
    },
  };
}

/** The `Set-Cookie` lines of a response. */
export function setCookiesOf(response: LightMyRequestResponse): string[] {
  const value = response.headers['set-cookie'];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** A browser's cookie jar for one origin, honouring deletion (`Max-Age=0`). Paths are not checked. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  take(response: LightMyRequestResponse): void {
    for (const line of setCookiesOf(response)) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      if (/;\s*Max-Age=0/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(at + 1));
    }
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  header(): string {
    return [...this.#cookies.entries()].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** The hidden CSRF token of the first form on a page. */
export function csrfTokenIn(html: string): string {
  const match = /name="csrf_token" value="([^"]+)"/.exec(html);
  if (match?.[1] === undefined) throw new Error('no csrf_token on the page');
  return match[1];
}

/** A browser session of the console: GETs and form POSTs with the jar's cookies. */
export class ConsoleBrowser {
  readonly jar = new CookieJar();

  constructor(
    private readonly app: FastifyInstance,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'GET',
      url,
      headers: { accept: BROWSER_ACCEPT, cookie: this.jar.header(), ...this.extraHeaders, ...headers },
    });
    this.jar.take(response);
    return response;
  }

  /** A form POST; pairs (`[['group', 'a'], ['group', 'b']]`) send a field more than once, as checked boxes do. */
  async post(
    url: string,
    form: Record<string, string> | [string, string][],
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams(form).toString(),
      headers: {
        accept: BROWSER_ACCEPT,
        'content-type': 'application/x-www-form-urlencoded',
        cookie: this.jar.header(),
        ...this.extraHeaders,
        ...headers,
      },
    });
    this.jar.take(response);
    return response;
  }

  /** Signs in through the form, as a person would; returns the sign-in answer. */
  async signIn(username: string, password: string): Promise<LightMyRequestResponse> {
    const form = await this.get('/admin/login/');
    return this.post('/admin/login/', { csrf_token: csrfTokenIn(form.body), next: '/admin/', username, password });
  }

  /** The CSRF token of the signed-in session, read from a page as a browser has it. */
  async csrfToken(): Promise<string> {
    return csrfTokenIn((await this.get('/admin/')).body);
  }
}
