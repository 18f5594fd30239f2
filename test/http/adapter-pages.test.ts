/**
 * The pages as an adapter option (`pages: tesseraPages()`), over HTTP on each adapter: the
 * browsable API at the API's own URLs for browsers, the OpenAPI document and its reference, the
 * API root and the assets; JSON clients get the API unchanged, and without the option none of
 * the pages is served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, startAdapterApp, type RunningAdapterApp } from '../support/adapter-apps.js';
import { tesseraPages } from '../../src/server/pages/embedded.js';
import { ASSET_URLS } from '../../src/server/pages/static/assets.js';
import { client, KYOKO } from './api-suite.js';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const FORM = 'application/x-www-form-urlencoded';

describe.each(ADAPTERS)('%s adapter with pages', (adapter) => {
  let withPages: RunningAdapterApp;
  let without: RunningAdapterApp;
  beforeAll(async () => {
    withPages = await startAdapterApp(adapter, {}, { mount: { pages: tesseraPages() } });
    without = await startAdapterApp(adapter);
  });
  afterAll(async () => {
    await withPages.stop();
    await without.stop();
  });

  it('serves the OpenAPI document of the routes it mounts, and its reference page', async () => {
    const api = client(withPages.baseUrl);
    const schema = await api.get('/api/schema/');
    expect(schema.status).toBe(200);
    expect(schema.headers.get('content-type')).toBe('application/vnd.oai.openapi+json;version=3.1');
    const paths = Object.keys((schema.json as { paths: Record<string, unknown> }).paths);
    expect(paths).toContain('/api/token/');
    expect(paths).toContain('/accounts/register/');
    expect(paths).not.toContain('/protected/');
    expect((await api.get('/api/schema')).status).toBe(301);
    const docs = await api.send('GET', '/api/docs/', { headers: { accept: BROWSER_ACCEPT } });
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(docs.text).toContain('id="op-post-api-token"');
  });

  it('shows a browser the endpoint page at the API URL, and the API root at /', async () => {
    const api = client(withPages.baseUrl);
    const page = await api.send('GET', '/api/token/', { headers: { accept: BROWSER_ACCEPT } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.text).toContain('<title>Token Obtain Pair · Tessera</title>');
    expect(page.text).toContain('name="password"');
    const root = await api.send('GET', '/', { headers: { accept: BROWSER_ACCEPT } });
    expect(root.status).toBe(200);
    expect(root.text).toContain('<h1>Tessera API</h1>');
    const css = await api.get(ASSET_URLS.css);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it('renders the answer of a form posted without JavaScript into the page', async () => {
    const body = new URLSearchParams({ username: KYOKO.username, password: KYOKO.password }).toString();
    const page = await client(withPages.baseUrl).send('POST', '/api/token/', {
      body,
      headers: { accept: BROWSER_ACCEPT, 'content-type': FORM },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('HTTP 200 OK for POST /api/token/');
  });

  it('answers JSON clients exactly as without the pages', async () => {
    for (const app of [withPages, without]) {
      const api = client(app.baseUrl);
      const login = await api.post('/api/token/', KYOKO);
      expect(login.status).toBe(200);
      expect(login.headers.get('content-type')).toBe('application/json');
      const options = await api.send('OPTIONS', '/api/token/verify/');
      expect(options.json).toMatchObject({ name: 'Token Verify', actions: { POST: { token: { required: true } } } });
      const html = await api.send('GET', '/api/token/verify/', { headers: { accept: 'text/html' } });
      expect(html.status).toBe(app === withPages ? 200 : 405);
    }
  });

  it('serves none of the pages without the option', async () => {
    const api = client(without.baseUrl);
    expect((await api.get('/api/schema/')).status).toBe(404);
    expect((await api.send('GET', '/api/docs/', { headers: { accept: BROWSER_ACCEPT } })).status).toBe(404);
    expect((await api.get(ASSET_URLS.css)).status).toBe(404);
  });
});
