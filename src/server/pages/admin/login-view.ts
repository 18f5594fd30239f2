/** The console's sign-in form. */
import { html, type SafeHtml } from '../html.js';
import { renderPage } from '../layout.js';
import { noticeBox, type ConsolePlace, type Notice } from './console-layout.js';
import { textField } from './form-fields.js';

export interface LoginView extends ConsolePlace {
  readonly csrfToken: string;
  readonly next: string;
  readonly username?: string;
  readonly error?: string;
  readonly notice?: Notice;
}

/** The sign-in form. */
export function loginPage(view: LoginView): SafeHtml {
  const main = html`<div class="narrow">
    <h1>Sign in to the admin console</h1>
    <p class="lede">For staff accounts. Everything you do here is recorded in the audit log.</p>
    ${noticeBox(view.notice)}
    ${view.error === undefined ? '' : html`<div class="message error" role="alert" id="login-error"><p>${view.error}</p></div>`}
    <form class="stack card" method="post" action="${view.root}login/">
      <input type="hidden" name="csrf_token" value="${view.csrfToken}" />
      <input type="hidden" name="next" value="${view.next}" />
      ${textField({ idPrefix: 'login-', name: 'username', label: 'Username', value: view.username ?? '', autocomplete: 'username', required: true })}
      ${textField({ idPrefix: 'login-', name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', required: true })}
      <div class="actions"><button type="submit">Sign in</button></div>
    </form>
  </div>`;
  return renderPage({ title: 'Sign in · Admin', section: 'admin', main, frame: view.frame });
}
