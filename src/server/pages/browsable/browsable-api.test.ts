import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_ACCEPT, startPagesApp, type PagesApp } from '../../../../test/support/pages-app.js';
import { SUPERUSER } from '../../../../test/support/cli-server.js';
import type { HttpResponse } from '../../../http/http-types.js';
import type { RequestDispatcher } from '../../../http/router.js';
import { CONTENT_SECURITY_POLICY } from '../page-response.js';
import { ASSET_URLS } from '../static/assets.js';

describe('browsable API over HTTP', () => {
  let served: PagesApp;
  let direct: RequestDispatcher;
  beforeAll(async () => {
    served = await startPagesApp();
    direct = served.tessera.dispatcher({ demoViews: true }, () => undefined);
  });
  afterAll(async () => {
    await served.close();
  });

  /** What the API alone answers, without the pages in front. */
  async function apiAlone(method: string, url: string, headers: Record<string, string>, body: string): Promise<HttpResponse> {
    return direct({ method, path: url, search: '', headers, body: Buffer.from(body), ip: '127.0.0.1' });
  }

  it('gives JSON clients exactly what the API alone gives them, on every route', async () => {
    const accepts = [
      undefined,
      'application/json',
      '*/*',
      'application/json, text/html',
      'text/html;q=0.5, application/json',
      'application/json; indent=4',
    ];
    for (const route of served.tessera.routes({ demoViews: true })) {
      for (const method of ['GET', 'POST', 'OPTIONS']) {
        for (const accept of accepts) {
          const headers: Record<string, string> = {
            'content-type': 'application/json',
            'content-length': '2',
            ...(accept === undefined ? {} : { accept }),
          };
          const viaServer = await served.app.inject({
            method: method as 'GET',
            url: route.path,
            headers,
            payload: method === 'GET' ? undefined : '{}',
          });
          const alone = await apiAlone(method, route.path, headers, method === 'GET' ? '' : '{}');
          const where = `${method} ${route.path} Accept: ${accept}`;
          expect(viaServer.statusCode, where).toBe(alone.status);
          expect(viaServer.body, where).toBe(alone.body);
          for (const [name, value] of Object.entries(alone.headers)) expect(viaServer.headers[name], `${where} ${name}`).toBe(value);
          expect(viaServer.headers['content-security-policy'], where).toBeUndefined();
        }
      }
    }
  });

  it('keeps form posts from programs (no HTML in Accept) on the API', async () => {
    const reply = await served.app.inject({
      method: 'POST',
      url: '/api/token/',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: '*/*' },
      payload: new URLSearchParams({ username: SUPERUSER.username, password: SUPERUSER.password }).toString(),
    });
    expect(reply.headers['content-type']).toBe('application/json');
    expect(Object.keys(JSON.parse(reply.body) as object)).toEqual(['refresh', 'access']);
  });

  it('shows a browser the endpoint page: description, labelled fields, strict CSP', async () => {
    const page = await served.app.inject({ url: '/api/token/', headers: { accept: BROWSER_ACCEPT } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers.vary).toBe('Accept');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).toContain('<h1>Token Obtain Pair</h1>');
    expect(page.body).toContain('Takes a set of user credentials and returns an access and refresh JSON web token pair');
    expect(page.body).toContain('<label for="field-username">');
    // The templates are formatted source: compare the markup with its whitespace collapsed.
    expect(page.body.replace(/\s+/g, ' ')).toContain(
      '<input id="field-password" name="password" autocomplete="current-password" aria-required="true" type="password" maxlength="4096">',
    );
    // No inline script or style anywhere: the CSP would block them.
    expect(page.body).not.toMatch(/<script>|<style|style="| on[a-z]+="/);
    expect(page.body).toContain(`<script src="${ASSET_URLS.js}" defer></script>`);
  });

  it('builds the registration form from the specs its handler validates with', async () => {
    const page = await served.app.inject({ url: '/accounts/register/', headers: { accept: BROWSER_ACCEPT } });
    const names = [...page.body.matchAll(/<(?:input|textarea)\s+id="field-([a-z_0-9]+)"/g)].map((match) => match[1]);
    expect(names).toEqual(['email', 'username', 'password', 'password2', 'first_name']);
    expect(page.body).toContain('autocomplete="new-password"');
  });

  it('shows the page of a protected GET view without a token, instead of the 401', async () => {
    const page = await served.app.inject({ url: '/protected/', headers: { accept: BROWSER_ACCEPT } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Needs an access token');
    expect(page.body.replace(/\s+/g, ' ')).toContain('<input type="checkbox" id="send-token" checked>');
    const head = await served.app.inject({ method: 'HEAD', url: '/protected/', headers: { accept: BROWSER_ACCEPT } });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });

  it('renders the answer into the page when the form is posted without JavaScript', async () => {
    const post = (password: string) =>
      served.app.inject({
        method: 'POST',
        url: '/api/token/',
        headers: { accept: BROWSER_ACCEPT, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ username: SUPERUSER.username, password }).toString(),
      });
    const ok = await post(SUPERUSER.password);
    expect(ok.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(ok.body).toContain('HTTP 200 OK for POST /api/token/');
    expect(ok.body).toMatch(/&quot;refresh&quot;: &quot;eyJ/);
    const refused = await post('wrong');
    expect(refused.body).toContain('HTTP 401 Unauthorized for POST /api/token/');
    expect(refused.body).toContain('No active account found with the given credentials');
  });

  it('answers / with the API root for browsers only', async () => {
    expect((await served.app.inject({ url: '/', headers: { accept: BROWSER_ACCEPT } })).body).toContain('<h1>Tessera API</h1>');
    const json = await served.app.inject({ url: '/' });
    expect(json.statusCode).toBe(404);
    expect(json.body).toContain('<h1>Not Found</h1>');
  });

  it('serves its one script and stylesheet itself, cacheable and revalidatable', async () => {
    const script = await served.app.inject({ url: ASSET_URLS.js });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(() => new Script(script.body)).not.toThrow();
    expect(script.body.length).toBeLessThan(16_000);
    const again = await served.app.inject({ url: ASSET_URLS.js, headers: { 'if-none-match': String(script.headers.etag) } });
    expect(again.statusCode).toBe(304);
    const style = await served.app.inject({ url: ASSET_URLS.css });
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(style.body).toContain(':focus-visible');
    expect((await served.app.inject({ url: '/static/tessera/missing.js' })).statusCode).toBe(404);
  });
});
