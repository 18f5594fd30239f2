/** The tokens part of a user's page: login locks, refresh families (sessions) and outstanding tokens. */
import type { TokenRecord } from '../../../model/store.js';
import type { User } from '../../../model/user.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, timeOf, type Visitor } from './console-layout.js';

/** What the tokens part shows; a user's page view has these and more. */
export interface TokensView {
  readonly user: User;
  readonly tokens: readonly TokenRecord[];
  /** Whether the visitor may change this account (see `mayManage`). */
  readonly manageable: boolean;
  readonly now: Date;
}

function tokenState(token: TokenRecord, now: Date): SafeHtml {
  if (token.blacklistedAt !== null) return html`<span class="badge bad">Blacklisted</span> ${timeOf(token.blacklistedAt)}`;
  if (token.expiresAt.getTime() <= now.getTime()) return html`<span class="badge no">Expired</span>`;
  return html`<span class="badge yes">Live</span>`;
}

function isLive(token: TokenRecord, now: Date): boolean {
  return token.blacklistedAt === null && token.expiresAt.getTime() > now.getTime();
}

/** A row's one-button form: posts `name=value` (and the CSRF token) to `action`. */
function rowAction(visitor: Visitor, action: string, name: string, value: string, label: string, ariaLabel: string): SafeHtml {
  return html`<form method="post" action="${action}">${csrfField(visitor.session)}<input type="hidden" name="${name}" value="${value}" /><button type="submit" class="small danger" aria-label="${ariaLabel}">${label}</button></form>`;
}

export function tokensSection(visitor: Visitor, view: TokensView): SafeHtml {
  const { user, tokens, now } = view;
  const base = `${visitor.root}users/${user.id}/`;
  const liveCount = tokens.filter((token) => isLive(token, now)).length;
  const families = new Map<string, { total: number; live: number; started: Date | null }>();
  for (const token of tokens) {
    if (token.familyId === null) continue;
    const family = families.get(token.familyId) ?? { total: 0, live: 0, started: token.createdAt };
    family.total += 1;
    if (isLive(token, now)) family.live += 1;
    if (token.createdAt !== null && (family.started === null || token.createdAt < family.started)) family.started = token.createdAt;
    families.set(token.familyId, family);
  }
  return html`<section aria-labelledby="tokens-heading">
    ${
      view.manageable
        ? html`<h2>Login locks</h2>
            <p>
              Failed logins for this username are counted per address and across addresses; past the limits, logins from addresses
              ${user.username} has not used before wait.
            </p>
            <form method="post" action="${base}login-locks/clear/">
              ${csrfField(visitor.session)}<button type="submit">Clear login locks of ${user.username}</button>
            </form>`
        : ''
    }
    <h2 id="tokens-heading">Tokens</h2>
    <p>
      ${tokens.length === 0 ? 'This user has no recorded refresh tokens.' : html`${tokens.length} recorded refresh or sliding token${tokens.length === 1 ? '' : 's'}, ${liveCount} live. Access tokens are not recorded: they stay valid until they expire.`}
    </p>
    ${
      view.manageable && liveCount > 0
        ? html`<form
            method="post"
            action="${base}tokens/blacklist-all/"
            data-confirm="${`Blacklist every live token of ${user.username}? They will have to log in again.`}"
          >
            ${csrfField(visitor.session)}<button type="submit" class="danger">Blacklist all tokens of ${user.username}</button>
          </form>`
        : ''
    }
    ${
      families.size === 0
        ? ''
        : html`<h3>Sessions (token families)</h3>
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">
                  Sessions of ${user.username}
                </caption>
                <thead>
                  <tr>
                    <th scope="col" class="mono">Family</th>
                    <th scope="col">Started</th>
                    <th scope="col">Tokens</th>
                    <th scope="col">Live</th>
                    <th scope="col">Action</th>
                  </tr>
                </thead>
                <tbody>
                  ${[...families.entries()].map(
                    ([familyId, family]) =>
                      html`<tr>
                        <td class="mono">${familyId}</td>
                        <td>${timeOf(family.started)}</td>
                        <td>${family.total}</td>
                        <td>${family.live}</td>
                        <td>
                          ${
                            view.manageable && family.live > 0
                              ? rowAction(visitor, `${base}families/revoke/`, 'family', familyId, 'Revoke', `Revoke session ${familyId}`)
                              : ''
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
    }
    ${
      tokens.length === 0
        ? ''
        : html`<h3>Outstanding tokens</h3>
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">
                  Refresh and sliding tokens of ${user.username}, newest first
                </caption>
                <thead>
                  <tr>
                    <th scope="col" class="mono">Token id (jti)</th>
                    <th scope="col" class="mono">Family</th>
                    <th scope="col">Issued</th>
                    <th scope="col">Expires</th>
                    <th scope="col">State</th>
                    <th scope="col">Action</th>
                  </tr>
                </thead>
                <tbody>
                  ${tokens.map(
                    (token) =>
                      html`<tr>
                        <td class="mono">${token.jti}</td>
                        <td class="mono">${token.familyId ?? ''}</td>
                        <td>${timeOf(token.createdAt)}</td>
                        <td>${timeOf(token.expiresAt)}</td>
                        <td>${tokenState(token, now)}</td>
                        <td>
                          ${
                            view.manageable && isLive(token, now)
                              ? rowAction(
                                  visitor,
                                  `${base}tokens/blacklist/`,
                                  'jti',
                                  token.jti,
                                  'Blacklist',
                                  `Blacklist token ${token.jti}`,
                                )
                              : ''
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
    }
  </section>`;
}
