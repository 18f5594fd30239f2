/**
 * simplejwt's token views: obtain pair, refresh, verify, blacklist, and the sliding pair. Each
 * validates its serializer fields, runs the use case, and answers 200 with its data.
 */
import { requireVerifiedEmail } from '../../accounts/email-verification.js';
import { TesseraError, TokenError } from '../../errors.js';
import { issueSliding } from '../../sessions/issue-tokens.js';
import { refreshSliding } from '../../sessions/refresh-tokens.js';
import { verifyToken } from '../../sessions/verify-token.js';
import { reserveLoginAttempt, throttledAttemptKey } from '../../throttling/login-throttle.js';
import { checkLogin } from '../../users/login.js';
import type { User } from '../../model/user.js';
import { requestUserOf } from '../../model/request-user.js';
import { header } from '../http-types.js';
import { originOf } from '../request-origin.js';
import { refusalReason } from '../../auth/authenticate-request.js';
import { userRefOf } from '../../model/auth-events.js';
import { inSpan } from '../../observability/tracing.js';
import type { TesseraContext } from '../context.js';
import { untrimmed, validatedFields } from '../request-data.js';
import { NO_STORE } from '../responses.js';
import type { CookieMode } from '../auth-cookies.js';
import type { EndpointField, Handler, HandlerInput, Route } from '../route.js';
import { ACCESS_OUTPUT_FIELD, credentialFields, REFRESH_FIELD, TOKEN_FIELD, TOKEN_RESPONSES } from './token-fields.js';
import { cookieTokenViews, csrfTokenRoute } from './cookie-token-views.js';

/** Checks the login fields and credentials; the same 401 for every failure, whatever the reason. */
export async function loggedInUser({ request, context }: HandlerInput, fields: readonly EndpointField[]): Promise<User> {
  const usernameField = context.settings.USERNAME_FIELD;
  const { data, values } = await validatedFields(request, fields);
  // DRF trims passwords too, which locks out passwords that end in a space; Tessera does not.
  const password = untrimmed(data, 'password', values.password ?? '');
  const login = values[usernameField] ?? '';
  const origin = originOf(request);
  // Counted before the password is checked, so concurrent guesses cannot outrun the limits.
  const attempt = await reserveLoginAttempt(context, login, request.ip).catch(async (error: unknown) => {
    if (error instanceof TesseraError && error.code === 'throttled') {
      // Each refusal moves the metrics; the audit trail gets one entry per account, address and minute.
      context.throttledLogins?.note(throttledAttemptKey(login, request.ip), { username: login, ip: request.ip });
      await context.events.emit({ action: 'login.throttled', username: login, origin });
    }
    throw error;
  });
  const { user, refused, account } = await checkLogin(context, login, password, request.ip).catch(async (error: unknown) => {
    await attempt.settle('unchecked');
    throw error;
  });
  await attempt.settle(user === undefined ? 'failed' : 'succeeded');
  const info = { ip: request.ip, userAgent: header(request, 'user-agent') };
  if (user === undefined) {
    await context.events.emit({ action: 'login.failed', username: login, user: userRefOf(account), detail: { reason: refused }, origin });
    await context.hooks.onLoginFailed?.({ username: login }, info);
    throw TesseraError.of('no_active_account');
  }
  // Only after the password proved the account: a pending verification reveals nothing to others.
  await requireVerifiedEmail(context, user);
  if (context.settings.UPDATE_LAST_LOGIN) await context.store.updateUser(user.id, { lastLogin: new Date(context.codec.now()) });
  await context.events.emit({ action: 'login.succeeded', user: userRefOf(user), origin });
  await context.hooks.onLoginSuccess?.(requestUserOf(user), info);
  return user;
}

/** Runs a refresh; a refusal is counted (`tessera_refreshes_total{outcome="invalid"}`) with its precise reason. */
export async function reportingRefusal<T>(context: TesseraContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TesseraError || error instanceof TokenError) {
      await context.events.emit({ action: 'refresh.refused', detail: { reason: refusalReason(error) } });
    }
    throw error;
  }
}

/** The one declared field's cleaned value, or a 400. */
export async function oneField(input: HandlerInput, field: EndpointField): Promise<string> {
  const { values } = await validatedFields(input.request, [field]);
  return values[field.name] ?? '';
}

/** The handler inside a span `tessera.token.<name>` (docs/operations.md: traces). */
function traced(name: string, handler: Handler): Handler {
  return (input) => inSpan(`tessera.token.${name}`, {}, () => handler(input));
}

const verify: Handler = async (input) => ({ status: 200, body: await verifyToken(input.context, await oneField(input, TOKEN_FIELD)) });
const refreshSlidingToken: Handler = async (input) => {
  const raw = await oneField(input, TOKEN_FIELD);
  return { status: 200, body: await reportingRefusal(input.context, () => refreshSliding(input.context, raw)), headers: NO_STORE };
};

/**
 * The token routes under `prefix` (default `/api/token/`), with the sliding pair when
 * SlidingToken is enabled, and the CSRF token view in cookie mode (`cookieMode`).
 */
export function tokenRoutes(options: {
  prefix: string;
  usernameField: string;
  maxPasswordLength: number;
  /** ROTATE_REFRESH_TOKENS: Token Refresh answers a new refresh token too. */
  rotate: boolean;
  sliding: boolean;
  cookieMode?: CookieMode | undefined;
}): Route[] {
  const { prefix } = options;
  const credentials = credentialFields(options.usernameField, options.maxPasswordLength);
  const login = (input: HandlerInput): Promise<User> => loggedInUser(input, credentials);
  // Login, refresh, logout and logout-all: simplejwt's, or with cookies in cookie mode (cookie-token-views.ts).
  const views = cookieTokenViews(options.cookieMode, { loggedInUser: login, oneField, reportingRefusal });
  const { obtainPair, refresh, blacklist, logoutAll } = views;
  const obtainSliding: Handler = async (input) => ({
    status: 200,
    body: await issueSliding(input.context, await login(input)),
    headers: NO_STORE,
  });
  const token = { authenticated: false, tag: 'Tokens' } as const;
  const routes: Route[] = [
    {
      path: prefix,
      name: 'Token Obtain Pair',
      description:
        'Takes a set of user credentials and returns an access and refresh JSON web\ntoken pair to prove the authentication of those credentials.',
      handlers: { POST: traced('obtain', obtainPair) },
      ...token,
      fields: credentials,
      responses: TOKEN_RESPONSES.pair,
      refusals: ['Unauthorized', 'Throttled'],
    },
    {
      path: `${prefix}refresh/`,
      name: 'Token Refresh',
      description: 'Takes a refresh type JSON web token and returns an access type JSON web\ntoken if the refresh token is valid.',
      handlers: { POST: traced('refresh', refresh) },
      ...token,
      fields: [REFRESH_FIELD, ACCESS_OUTPUT_FIELD],
      responses: TOKEN_RESPONSES.refresh(options.rotate),
    },
    {
      path: `${prefix}verify/`,
      name: 'Token Verify',
      description:
        "Takes a token and indicates if it is valid.  This view provides no\ninformation about a token's fitness for a particular use.",
      handlers: { POST: traced('verify', verify) },
      ...token,
      fields: [TOKEN_FIELD],
      responses: TOKEN_RESPONSES.empty,
    },
    {
      path: `${prefix}blacklist/`,
      name: 'Token Blacklist',
      description: 'Takes a token and blacklists it. Must be used with the\n`rest_framework_simplejwt.token_blacklist` app installed.',
      handlers: { POST: traced('blacklist', blacklist) },
      ...token,
      fields: [REFRESH_FIELD],
      responses: TOKEN_RESPONSES.empty,
    },
    {
      path: `${prefix}logout-all/`,
      name: 'Token Logout All',
      description: 'Blacklists every refresh token of the authenticated user: a log out from every device.',
      handlers: { POST: traced('logout_all', logoutAll) },
      ...token,
      authenticated: true,
      fields: [],
      responses: TOKEN_RESPONSES.empty,
    },
  ];
  if (options.cookieMode !== undefined) routes.push(csrfTokenRoute(prefix, options.cookieMode));
  if (options.sliding) {
    routes.push(
      {
        path: `${prefix}sliding/`,
        name: 'Token Obtain Sliding',
        description:
          'Takes a set of user credentials and returns a sliding JSON web token to\nprove the authentication of those credentials.',
        handlers: { POST: traced('sliding', obtainSliding) },
        ...token,
        fields: credentials,
        responses: TOKEN_RESPONSES.sliding,
        refusals: ['Unauthorized', 'Throttled'],
      },
      {
        path: `${prefix}sliding/refresh/`,
        name: 'Token Refresh Sliding',
        description: "Takes a sliding JSON web token and returns a new, refreshed version if the\ntoken's refresh period has not expired.",
        handlers: { POST: traced('sliding_refresh', refreshSlidingToken) },
        ...token,
        fields: [TOKEN_FIELD],
        responses: TOKEN_RESPONSES.sliding,
      },
    );
  }
  return routes;
}
