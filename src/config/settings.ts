/**
 * Tessera's settings: simplejwt's, under the same names, with the same meanings and defaults
 * (../shared/spec/simplejwt-behaviour.md §1), plus the few a standalone server needs
 * (`SECRET_KEY`, `DATABASE_URL`, ...). Durations are in seconds.
 *
 * One schema, declared by concern: tokens and sessions (`jwt-settings.ts`), the server and its
 * limits and logs (`server-settings.ts`), the throttles (`throttle-settings.ts`), account
 * recovery and mail (`account-settings.ts`), cookies, CSRF and CORS (`cookie-settings.ts`).
 * `Settings` is all of them; docs/settings.md lists them in the order `Settings` extends them.
 */
import { ACCOUNT_DEFAULTS, EMAIL_DEFAULTS, PASSWORD_IMPORT_DEFAULTS } from './account-settings.js';
import type { AccountSettings, EmailSettings, PasswordImportSettings } from './account-settings.js';
import { COOKIE_DEFAULTS, type CookieSettings } from './cookie-settings.js';
import { JWT_DEFAULTS, type JwtSettings } from './jwt-settings.js';
import { OBSERVABILITY_DEFAULTS, SERVER_DEFAULTS, SERVER_LIMIT_DEFAULTS } from './server-settings.js';
import type { ObservabilitySettings, ServerLimitSettings, ServerSettings } from './server-settings.js';
import { THROTTLE_DEFAULTS, type ThrottleSettings } from './throttle-settings.js';

/** HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512 and EdDSA (docs/keys.md). */
export { SUPPORTED_ALGORITHMS, type Algorithm } from '../tokens/algorithms.js';
export { AUTH_TOKEN_CLASS_NAMES, defaultUserAuthenticationRule, type AuthTokenClassName } from './jwt-settings.js';
export { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../observability/log-options.js';
export { EMAIL_BACKEND_NAMES, type EmailBackendName } from './account-settings.js';

/** Every setting. `npm run docs:settings` lists them part by part, in the order written here. */
export interface Settings
  extends
    JwtSettings,
    ServerSettings,
    ThrottleSettings,
    ServerLimitSettings,
    AccountSettings,
    EmailSettings,
    PasswordImportSettings,
    ObservabilitySettings,
    CookieSettings {}

/** Settings whose values are plain data (everything but functions): what files and env can set. */
export type DataSettingName = Exclude<keyof Settings, 'USER_AUTHENTICATION_RULE'>;

export const DEFAULT_SETTINGS: Readonly<Omit<Settings, 'SECRET_KEY' | 'SIGNING_KEY'>> = {
  ...JWT_DEFAULTS,
  ...SERVER_DEFAULTS,
  ...THROTTLE_DEFAULTS,
  ...SERVER_LIMIT_DEFAULTS,
  ...ACCOUNT_DEFAULTS,
  ...EMAIL_DEFAULTS,
  ...PASSWORD_IMPORT_DEFAULTS,
  ...OBSERVABILITY_DEFAULTS,
  ...COOKIE_DEFAULTS,
};

/** simplejwt settings that were removed; naming one is an error there and here. */
export const REMOVED_SETTINGS = ['AUTH_HEADER_TYPE', 'AUTH_TOKEN_CLASS', 'TOKEN_BACKEND_CLASS'] as const;

/**
 * simplejwt settings that only make sense in Python (dotted import paths). Tessera has typed
 * extension points for each instead (see the library docs), so naming one is a clear error.
 */
export const PYTHON_ONLY_SETTINGS: Readonly<Record<string, string>> = {
  JSON_ENCODER: 'claims are plain JSON values; convert them in a customClaims hook',
  TOKEN_USER_CLASS: 'use stateless authentication (`authenticateStateless`)',
  TOKEN_OBTAIN_SERIALIZER: 'use the `customClaims` hook',
  TOKEN_REFRESH_SERIALIZER: 'not configurable',
  TOKEN_VERIFY_SERIALIZER: 'not configurable',
  TOKEN_BLACKLIST_SERIALIZER: 'not configurable',
  SLIDING_TOKEN_OBTAIN_SERIALIZER: 'use the `customClaims` hook',
  SLIDING_TOKEN_REFRESH_SERIALIZER: 'not configurable',
  ON_LOGIN_SUCCESS: 'pass an `onLoginSuccess` hook in code',
  ON_LOGIN_FAILED: 'pass an `onLoginFailed` hook in code',
};
