/**
 * The one script of Tessera's pages, served from `/static/tessera/console.js`. Plain ES2020 in
 * a string (no build step, no framework, ~6 KB), so it ships inside `dist/` as it is and runs
 * under a Content-Security-Policy without 'unsafe-inline'. Pages pass it data through `data-*`
 * attributes, never inline script.
 *
 * What it does:
 * - admin console: asks for confirmation before forms marked `data-confirm`;
 * - browsable API: sends the endpoint form with `fetch` (no reload) and shows the status, the
 *   headers and the pretty-printed JSON; keeps the tokens it receives in `sessionStorage` (this
 *   tab only, gone when it closes); shows the access token's claims and counts its expiry down;
 *   refreshes, verifies and blacklists from the token panel.
 *
 * Everything received is written with `textContent`, never as markup.
 */
export const CONSOLE_JS = String.raw`
(function () {
  'use strict';

  var STORAGE_KEYS = { access: 'tessera.access', refresh: 'tessera.refresh' };
  var STATUS_TEXT = {
    200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
    404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable', 413: 'Content Too Large',
    415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error'
  };

  function byId(id) { return document.getElementById(id); }

  document.documentElement.classList.add('js');

  // Destructive admin actions ask first. Capture phase: runs before any other submit handler.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form && form.getAttribute ? form.getAttribute('data-confirm') : null;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // ---- kept tokens (this tab only) ----

  function readKept(kind) {
    try { return window.sessionStorage.getItem(STORAGE_KEYS[kind]) || ''; } catch (e) { return ''; }
  }

  function keep(kind, value) {
    try {
      if (value) window.sessionStorage.setItem(STORAGE_KEYS[kind], value);
      else window.sessionStorage.removeItem(STORAGE_KEYS[kind]);
    } catch (e) { /* storage disabled: the panel still works for this page view */ }
  }

  /** The payload of a JWS compact token, or null when it is not one. Nothing is verified. */
  function decodeClaims(token) {
    var parts = token.trim().split('.');
    if (parts.length !== 3) return null;
    try {
      var base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
      while (base64.length % 4 !== 0) base64 += '=';
      var binary = window.atob(base64);
      var bytes = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      var claims = JSON.parse(new TextDecoder().decode(bytes));
      return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? claims : null;
    } catch (e) {
      return null;
    }
  }

  function describeDuration(seconds) {
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var secs = seconds % 60;
    var parts = [];
    if (days) parts.push(days + ' d');
    if (hours) parts.push(hours + ' h');
    if (minutes) parts.push(minutes + ' min');
    if (!days && !hours) parts.push(secs + ' s');
    return parts.join(' ');
  }

  var panel = byId('token-panel');
  var announcedExpiry = {};

  function announce(text) {
    var region = byId('token-announce');
    if (region) region.textContent = text;
  }

  function updateExpiry() {
    ['access', 'refresh'].forEach(function (kind) {
      var out = byId(kind + '-expiry');
      if (!out) return;
      var token = readKept(kind);
      var claims = token ? decodeClaims(token) : null;
      out.classList.remove('expired');
      if (!token) { out.textContent = 'None kept.'; return; }
      if (!claims || typeof claims.exp !== 'number') { out.textContent = 'No expiry claim.'; return; }
      var left = Math.round(claims.exp - Date.now() / 1000);
      var at = new Date(claims.exp * 1000).toLocaleTimeString();
      if (left > 0) {
        out.textContent = 'Expires in ' + describeDuration(left) + ' (at ' + at + ').';
        return;
      }
      out.textContent = 'Expired at ' + at + '.';
      out.classList.add('expired');
      if (!announcedExpiry[token]) {
        announcedExpiry[token] = true;
        announce('The kept ' + kind + ' token has expired.');
      }
    });
  }

  function renderTokens() {
    if (!panel) return;
    ['access', 'refresh'].forEach(function (kind) {
      var field = byId('kept-' + kind);
      if (field && field.value.trim() !== readKept(kind)) field.value = readKept(kind);
    });
    var access = readKept('access');
    var claims = access ? decodeClaims(access) : null;
    var box = byId('access-claims');
    if (box) box.textContent = !access ? 'No access token kept.' : claims ? JSON.stringify(claims, null, 2) : 'This is not a JSON web token.';
    updateExpiry();
  }

  /** Keeps the tokens a successful answer carries (a pair, a refreshed access, a sliding token). */
  function captureTokens(text) {
    var data;
    try { data = JSON.parse(text); } catch (e) { return; }
    if (data === null || typeof data !== 'object') return;
    var kept = [];
    if (typeof data.access === 'string') { keep('access', data.access); kept.push('access'); }
    if (typeof data.token === 'string') { keep('access', data.token); kept.push('sliding'); }
    if (typeof data.refresh === 'string') { keep('refresh', data.refresh); kept.push('refresh'); }
    if (kept.length > 0) {
      renderTokens();
      announce('Kept the new ' + kept.join(' and ') + ' token for this tab.');
    }
  }

  // ---- requests and the response panel ----

  function prettyBody(text) {
    if (text === '') return '(empty body)';
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showResponse(label, response, text) {
    var status = byId('response-status');
    var detail = byId('response-detail');
    if (!status || !detail) return;
    var ok = response.status >= 200 && response.status < 300;
    status.className = 'response-status ' + (ok ? 'ok' : 'fail');
    status.textContent = 'HTTP ' + response.status + ' ' + (STATUS_TEXT[response.status] || response.statusText || '') + ' for ' + label;
    var lines = [];
    response.headers.forEach(function (value, name) { lines.push(name + ': ' + value); });
    detail.replaceChildren(
      element('h3', '', 'Headers'),
      element('pre', 'headers', lines.join('\n')),
      element('h3', '', 'Body'),
      element('pre', 'json', prettyBody(text))
    );
  }

  function showFailure(label, error) {
    var status = byId('response-status');
    if (status) {
      status.className = 'response-status fail';
      status.textContent = 'No answer for ' + label + ': ' + (error && error.message ? error.message : 'the request failed');
    }
  }

  var busy = false;

  function send(method, path, body, withToken, label) {
    if (busy) return Promise.resolve(null);
    busy = true;
    var headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    var access = readKept('access');
    if (withToken && access && panel) {
      headers[panel.getAttribute('data-auth-header') || 'authorization'] = (panel.getAttribute('data-auth-type') || 'Bearer') + ' ' + access;
    }
    var status = byId('response-status');
    if (status) { status.className = 'response-status'; status.textContent = 'Sending ' + label + '...'; }
    return window.fetch(path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store'
    }).then(function (response) {
      return response.text().then(function (text) {
        showResponse(label, response, text);
        return { status: response.status, text: text };
      });
    }).catch(function (error) {
      showFailure(label, error);
      return null;
    }).finally(function () { busy = false; });
  }

  // ---- the endpoint form ----

  var form = byId('api-form');
  if (form) {
    Array.prototype.forEach.call(form.querySelectorAll('[data-prefill]'), function (field) {
      if (!field.value) field.value = readKept(field.getAttribute('data-prefill'));
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var method = form.getAttribute('data-api-method') || 'POST';
      var path = form.getAttribute('data-api-path') || window.location.pathname;
      var body;
      if (method !== 'GET') {
        body = {};
        Array.prototype.forEach.call(form.querySelectorAll('input[name], textarea[name]'), function (field) {
          if (field.type !== 'checkbox' && !field.disabled) body[field.name] = field.value;
        });
      }
      var sendToken = byId('send-token');
      send(method, path, body, sendToken ? sendToken.checked : false, method + ' ' + path).then(function (result) {
        if (result && result.status >= 200 && result.status < 300) captureTokens(result.text);
      });
    });
  }

  // ---- the token panel ----

  if (panel) {
    ['access', 'refresh'].forEach(function (kind) {
      var field = byId('kept-' + kind);
      if (!field) return;
      field.addEventListener('input', function () {
        keep(kind, field.value.trim());
        renderTokens();
      });
    });
    var labels = { refresh: 'Refresh', verify: 'Verify access token', blacklist: 'Blacklist refresh token' };
    panel.addEventListener('click', function (event) {
      var button = event.target.closest ? event.target.closest('[data-token-action]') : null;
      if (!button) return;
      var action = button.getAttribute('data-token-action');
      if (action === 'forget') {
        keep('access', '');
        keep('refresh', '');
        renderTokens();
        announce('Forgot the kept tokens.');
        return;
      }
      var url = panel.getAttribute('data-' + action + '-url');
      var kind = action === 'verify' ? 'access' : 'refresh';
      var token = readKept(kind);
      if (!url) { announce('This server has no ' + action + ' endpoint.'); return; }
      if (!token) { announce('Keep a ' + kind + ' token first.'); return; }
      var payload = {};
      payload[action === 'verify' ? 'token' : 'refresh'] = token;
      send('POST', url, payload, false, labels[action] + ' (POST ' + url + ')').then(function (result) {
        if (!result || result.status < 200 || result.status >= 300) return;
        if (action === 'refresh') captureTokens(result.text);
        if (action === 'blacklist') {
          keep('refresh', '');
          renderTokens();
          announce('The refresh token is blacklisted; it is no longer kept.');
        }
      });
    });
    renderTokens();
    window.setInterval(updateExpiry, 1000);
  }
})();
`;
