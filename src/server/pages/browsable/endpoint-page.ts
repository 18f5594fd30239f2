/**
 * The browsable API's pages: one per endpoint (what it does, a form for its fields, the
 * response, the token panel) and the API root that lists them. Server-rendered; the script
 * (`static/console-js.ts`) sends the form with `fetch` and runs the token panel. Without
 * JavaScript the form still posts and the server renders the answer into the page.
 */
import type { Settings } from '../../../config/settings.js';
import type { HttpResponse } from '../../../http/http-types.js';
import { routeMethods, type Route } from '../../../http/route.js';
import { headerNameFromMetaKey } from '../../../auth/authenticate-request.js';
import { flag, html, type SafeHtml } from '../html.js';
import { renderPage } from '../layout.js';
import { formFields, type FormField } from '../form-fields.js';

/** What the browsable pages are built from. */
export interface BrowsableSite {
  readonly routes: readonly Route[];
  readonly settings: Settings;
}

/** An API answer rendered by the server (a form posted without JavaScript). */
export type RenderedAnswer = Pick<HttpResponse, 'status' | 'headers' | 'body'>;

/** The id `/api/docs/` gives an operation, so pages can link to its reference. */
export function operationAnchor(method: string, path: string): string {
  return `op-${method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}`;
}

/** DRF's docstring formatting, for HTML: blank lines part paragraphs, `code` spans become code. */
export function describe(description: string): SafeHtml {
  const paragraphs = description
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter((paragraph) => paragraph !== '');
  if (paragraphs.length === 0) return html`<p class="lede">This endpoint has no description.</p>`;
  return html`${paragraphs.map(
    (paragraph) => html`<p>${paragraph.split('`').map((piece, index) => (index % 2 === 1 ? html`<code>${piece}</code>` : piece))}</p>`,
  )}`;
}

function routeNamed(site: BrowsableSite, name: string): Route | undefined {
  return site.routes.find((route) => route.name === name);
}

function sidebar(site: BrowsableSite, current: Route | undefined): SafeHtml {
  return html`<nav class="sidebar" aria-labelledby="endpoints-heading">
<h2 id="endpoints-heading">Endpoints</h2>
<ul>${site.routes.map(
    (route) =>
      html`<li><a href="${route.path}"${route.path === current?.path ? html` aria-current="page"` : ''}>${route.name} <span class="path">${routeMethods(route).join(', ')} ${route.path}</span></a></li>`,
  )}</ul>
</nav>`;
}

function tokenPanel(site: BrowsableSite): SafeHtml {
  const { settings } = site;
  const urls = {
    refresh: routeNamed(site, 'Token Refresh')?.path ?? '',
    verify: routeNamed(site, 'Token Verify')?.path ?? '',
    blacklist: routeNamed(site, 'Token Blacklist')?.path ?? '',
  };
  const login = routeNamed(site, 'Token Obtain Pair');
  return html`<aside id="token-panel" class="card token-panel" aria-labelledby="token-panel-heading"
 data-refresh-url="${urls.refresh}" data-verify-url="${urls.verify}" data-blacklist-url="${urls.blacklist}"
 data-auth-header="${headerNameFromMetaKey(settings.AUTH_HEADER_NAME)}" data-auth-type="${settings.AUTH_HEADER_TYPES[0] ?? 'Bearer'}">
<h2 id="token-panel-heading">Your tokens</h2>
<p class="hint">Kept in this browser tab only (session storage): closing the tab forgets them.
${login ? html`Log in on <a href="${login.path}">${login.name}</a> and they are kept for you, or paste them here.` : 'Paste them here.'}</p>
<noscript><p class="message warning">The token panel needs JavaScript. The request form works without it.</p></noscript>
<div class="field">
<label for="kept-access">Access token</label>
<textarea id="kept-access" class="mono" rows="4" spellcheck="false" autocomplete="off" aria-describedby="access-expiry"></textarea>
</div>
<p>Access token: <span id="access-expiry" class="expiry">None kept.</span></p>
<h3 id="claims-heading">Claims of the access token</h3>
<pre id="access-claims" class="claims" tabindex="0" aria-labelledby="claims-heading">No access token kept.</pre>
<div class="field">
<label for="kept-refresh">Refresh token</label>
<textarea id="kept-refresh" class="mono" rows="4" spellcheck="false" autocomplete="off" aria-describedby="refresh-expiry"></textarea>
</div>
<p>Refresh token: <span id="refresh-expiry" class="expiry">None kept.</span></p>
<div class="actions">
<button type="button" data-token-action="refresh">Refresh</button>
<button type="button" class="secondary" data-token-action="verify">Verify access</button>
<button type="button" class="danger" data-token-action="blacklist">Blacklist refresh</button>
<button type="button" class="secondary" data-token-action="forget">Forget tokens</button>
</div>
<p id="token-announce" class="hint" role="status"></p>
</aside>`;
}

function fieldControl(field: FormField): SafeHtml {
  const id = `field-${field.name}`;
  const hintId = `${id}-hint`;
  const describedBy = field.help === undefined ? '' : html` aria-describedby="${hintId}"`;
  const common = html`id="${id}" name="${field.name}" autocomplete="${field.autocomplete}"${flag('aria-required="true"', field.required)}${describedBy}`;
  const control =
    field.input === 'token'
      ? html`<textarea ${common} class="mono" rows="3" spellcheck="false"${field.prefill ? html` data-prefill="${field.prefill}"` : ''}></textarea>`
      : html`<input ${common} type="${field.input}"${field.maxLength === undefined ? '' : html` maxlength="${field.maxLength}"`}${field.input === 'text' ? html` spellcheck="false" autocapitalize="none"` : ''}>`;
  return html`<div class="field">
<label for="${id}">${field.label} <span class="muted">(${field.required ? 'required' : 'optional'})</span></label>
${field.help === undefined ? '' : html`<p class="hint" id="${hintId}">${field.help}</p>`}
${control}
</div>`;
}

function prettyBody(body: string): string {
  if (body === '') return '(empty body)';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

function renderedAnswer(method: string, route: Route, answer: RenderedAnswer | undefined): { status: SafeHtml; detail: SafeHtml } {
  if (answer === undefined)
    return {
      status: html`<span class="muted">Nothing sent yet. Fill in the form and send it: the answer appears here.</span>`,
      detail: html``,
    };
  const ok = answer.status >= 200 && answer.status < 300;
  const headerLines = Object.entries(answer.headers)
    .map(([name, value]) => `${name}: ${value}`)
    .sort()
    .join('\n');
  return {
    status: html`<span class="${ok ? 'ok' : 'fail'}">HTTP ${answer.status} ${STATUS_TEXT[answer.status] ?? ''} for ${method} ${route.path}</span>`,
    detail: html`<h3>Headers</h3><pre class="headers">${headerLines}</pre><h3>Body</h3><pre class="json">${prettyBody(answer.body)}</pre>`,
  };
}

/** The page for one endpoint; `answer` is the server-rendered result of a form posted without JavaScript. */
export function renderEndpointPage(site: BrowsableSite, route: Route, answer?: RenderedAnswer): SafeHtml {
  const method = routeMethods(route)[0] ?? 'GET';
  const fields = method === 'POST' ? formFields(route) : [];
  const authType = site.settings.AUTH_HEADER_TYPES[0] ?? 'Bearer';
  const shown = renderedAnswer(method, route, answer);
  const main = html`<h1>${route.name}</h1>
<p class="endpoint-line"><span class="method ${method.toLowerCase()}">${method}</span> <code>${route.path}</code>
${route.authenticated ? html`<span class="badge lock">Needs an access token</span>` : html`<span class="badge no">No token needed</span>`}</p>
<div class="description">${describe(route.description)}</div>
<section class="card" aria-labelledby="request-heading">
<h2 id="request-heading">Request</h2>
<form id="api-form" class="stack" method="${method === 'GET' ? 'get' : 'post'}" action="${route.path}" data-api-method="${method}" data-api-path="${route.path}" novalidate>
${fields.length === 0 && method === 'POST' ? html`<p class="hint">This endpoint takes no fields.</p>` : ''}
${fields.map(fieldControl)}
<div class="check">
<input type="checkbox" id="send-token"${flag('checked', route.authenticated)}>
<label for="send-token">Send the kept access token (<code>${authType} …</code>)</label>
</div>
<div class="actions"><button type="submit">Send ${method} ${route.path}</button></div>
</form>
</section>
<section class="card" aria-labelledby="response-heading">
<h2 id="response-heading">Response</h2>
<p id="response-status" class="response-status" role="status">${shown.status}</p>
<div id="response-detail">${shown.detail}</div>
</section>
<p class="hint">Reference: <a href="/api/docs/#${operationAnchor(method, route.path)}">${method} ${route.path} in the API reference</a> · <a href="/api/schema/">OpenAPI document</a></p>`;
  return renderPage({ title: route.name, section: 'api', main, sidebar: sidebar(site, route), aside: tokenPanel(site) });
}

/** `/` in a browser: where to start. */
export function renderApiRoot(site: BrowsableSite): SafeHtml {
  const login = routeNamed(site, 'Token Obtain Pair');
  const protectedRoute = site.routes.find((route) => route.authenticated && route.handlers.GET !== undefined);
  const main = html`<h1>Tessera API</h1>
<p class="lede">Every endpoint below opens as a page in a browser, with a form to try it. Programs asking for JSON get the API itself.</p>
<h2>Getting started</h2>
<ol>
<li>Create a user in the <a href="/admin/">admin console</a> (staff only), or register one.</li>
${login ? html`<li>Log in on <a href="${login.path}">${login.name}</a>: the access and refresh tokens are kept in your tab.</li>` : ''}
${protectedRoute ? html`<li>Open <a href="${protectedRoute.path}">${protectedRoute.name}</a> and send the request with the kept access token.</li>` : ''}
<li>Refresh, verify or blacklist the tokens from the token panel on any endpoint page.</li>
</ol>
<h2>Endpoints</h2>
<div class="table-wrap"><table>
<caption class="visually-hidden">API endpoints</caption>
<thead><tr><th scope="col">Endpoint</th><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Access token</th></tr></thead>
<tbody>${site.routes.map(
    (route) =>
      html`<tr><td><a href="${route.path}">${route.name}</a></td><td>${routeMethods(route).join(', ')}</td><td class="mono">${route.path}</td><td>${route.authenticated ? 'Needed' : 'Not needed'}</td></tr>`,
  )}</tbody>
</table></div>
<p class="hint">Reference for programs: the <a href="/api/schema/">OpenAPI 3.1 document</a> and its <a href="/api/docs/">readable rendering</a>.</p>`;
  return renderPage({ title: 'API', section: 'api', main, sidebar: sidebar(site, undefined) });
}
