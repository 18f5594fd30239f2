/**
 * simplejwt's settings, under its names and with its meanings and defaults
 * (../shared/spec/simplejwt-behaviour.md §1): lifetimes, rotation, the algorithm and keys, the
 * claims, sliding tokens, who may log in; and the session rules Tessera adds (reuse grace,
 * session cap, revocation claims).
 */
import type { Algorithm } from '../tokens/algorithms.js';
import type { JwkObject } from '../tokens/jwk.js';
import type { User, UserLookupField } from '../model/user.js';

/** The token kinds `JWTAuthentication` may accept, by simplejwt's class names. */
export const AUTH_TOKEN_CLASS_NAMES = ['AccessToken', 'SlidingToken'] as const;
export type AuthTokenClassName = (typeof AUTH_TOKEN_CLASS_NAMES)[number];

/** Tokens and sessions: simplejwt's settings and Tessera's session rules. */
export interface JwtSettings {
  /** Lifetime of an access token, in seconds. @default 300 */
  ACCESS_TOKEN_LIFETIME: number;
  /** Lifetime of a refresh token, in seconds; renewed by each rotation. @default 86400 */
  REFRESH_TOKEN_LIFETIME: number;
  /** Refresh also returns a new refresh token. @default false */
  ROTATE_REFRESH_TOKENS: boolean;
  /** With rotation, the submitted refresh token is blacklisted (atomically). @default false */
  BLACKLIST_AFTER_ROTATION: boolean;
  /** A successful login sets the user's `last_login`. @default false */
  UPDATE_LAST_LOGIN: boolean;
  /** The one JWS algorithm tokens are signed and verified with. @default 'HS256' */
  ALGORITHM: Algorithm;
  /**
   * HS*: the HMAC secret (defaults to `SECRET_KEY`). Other algorithms: the private key, as PEM
   * or JWK JSON (no default). Never logged.
   */
  SIGNING_KEY: string;
  /** Public key (PEM or JWK JSON) for asymmetric algorithms; ignored for HS*. @default '' */
  VERIFYING_KEY: string;
  /**
   * Verification-only keys (JWKs: public ones, or `oct` secrets for HS*), each with a `kid`: the
   * previous keys of a rotation. A JSON list or a JWK Set. @default []
   */
  VERIFYING_KEYS: JwkObject[];
  /** The `kid` written into tokens SIGNING_KEY signs. @default the JWK's `kid` or its RFC 7638 thumbprint (asymmetric), none (HS*) */
  SIGNING_KEY_ID: string | null;
  /** `Cache-Control: max-age` of `/.well-known/jwks.json`, in seconds; also how long a new key is published before `keys activate` lets it sign. @default 300 */
  JWKS_MAX_AGE: number;
  /** How often a server re-reads the database key table (rotation), in seconds. @default 5 */
  KEY_POLL_INTERVAL: number;
  /** When set, added as `aud` to every token and required on decode. @default null */
  AUDIENCE: string | string[] | null;
  /** When set, added as `iss` to every token and required to match on decode. @default null */
  ISSUER: string | null;
  /** Remote JWKS for verification (asymmetric algorithms only). @default null */
  JWK_URL: string | null;
  /** Clock skew allowed on `exp`, `nbf`, `iat` and `refresh_exp`, in seconds. @default 0 */
  LEEWAY: number;
  /** Accepted `Authorization` schemes, case-sensitive; the first builds `WWW-Authenticate`. @default ['Bearer'] */
  AUTH_HEADER_TYPES: string[];
  /** Django `META` key of the header carrying the token. @default 'HTTP_AUTHORIZATION' */
  AUTH_HEADER_NAME: string;
  /** User field put in tokens and used to find the user. @default 'id' */
  USER_ID_FIELD: UserLookupField;
  /** Claim holding the user id. @default 'user_id' */
  USER_ID_CLAIM: string;
  /** Token kinds `Authorization` headers may carry, tried in order. @default ['AccessToken'] */
  AUTH_TOKEN_CLASSES: AuthTokenClassName[];
  /** Claim holding the token type, or `null` not to write or check it. @default 'token_type' */
  TOKEN_TYPE_CLAIM: string | null;
  /** Claim holding the token id. @default 'jti' */
  JTI_CLAIM: string;
  /**
   * Claim holding the user's token version: how many cut-offs (password change or reset,
   * deactivation, logout-all, a privilege change) the user has had when the token was minted.
   * A token whose version is below the user's is refused everywhere the user is looked up
   * (authenticated routes, refresh, verify, blacklist). Written only once a user has had a
   * cut-off, so until then tokens are exactly simplejwt's. See docs/revocation.md. @default 'ver'
   */
  TOKEN_VERSION_CLAIM: string;
  /**
   * Claim holding the session id (the refresh family) in access tokens, e.g. `'sid'`; `null`
   * writes none (simplejwt's tokens). With it, logging out one session (`/blacklist/`, cookie
   * logout) revokes that session, and its access tokens are refused at once on authenticated
   * routes and by `/verify/`, on every worker and instance (through Redis or `--workers`; within
   * USER_CACHE_TTL otherwise), and by stand-alone verifiers reading the revocation feed.
   * docs/revocation.md. @default null
   */
  TOKEN_SESSION_CLAIM: string | null;
  /**
   * The service credential that reads the revocation feed (`GET <token prefix>revocations/`,
   * sent as `Authorization: Bearer <key>`; at least 32 characters): the cut-offs and revoked
   * sessions of the last ACCESS_TOKEN_LIFETIME, which `tessera/verifier` polls. `null` serves
   * no feed. A secret: give it only to your services. docs/revocation.md. @default null
   */
  REVOCATION_FEED_KEY: string | null;
  /**
   * Whether a change of staff, superuser or active status (and, once they exist, groups and
   * permissions) cuts off the user's tokens already issued, so nobody keeps powers they lost.
   * @default true
   */
  REVOKE_ON_PRIVILEGE_CHANGE: boolean;
  /**
   * What a refreshed access token carries: `copy` (simplejwt: the refresh token's claims, as
   * they were at login) or `recompute` (the `customClaims` hook runs again for the user as they
   * are now, so roles and names are never older than one refresh). `recompute` is recommended;
   * `copy` is the default for parity. @default 'copy'
   */
  CLAIMS_ON_REFRESH: 'copy' | 'recompute';
  /**
   * Claim to carry the user's group names (sorted), for services that verify tokens without a
   * database (`TokenUser.groups`); `null` writes none, as simplejwt. Fresh at each refresh only
   * with CLAIMS_ON_REFRESH=recompute. @default null
   */
  TOKEN_GROUPS_CLAIM: string | null;
  /**
   * Claim to carry the user's permissions (`app_label.codename`, direct and through groups,
   * sorted; none for inactive users), for `TokenUser.hasPermission`; `null` writes none.
   * Fresh at each refresh only with CLAIMS_ON_REFRESH=recompute. @default null
   */
  TOKEN_PERMISSIONS_CLAIM: string | null;
  /** Claim holding a sliding token's refresh deadline. @default 'refresh_exp' */
  SLIDING_TOKEN_REFRESH_EXP_CLAIM: string;
  /** `exp` lifetime of a sliding token, in seconds. @default 300 */
  SLIDING_TOKEN_LIFETIME: number;
  /** How long after creation a sliding token can be refreshed, in seconds. @default 86400 */
  SLIDING_TOKEN_REFRESH_LIFETIME: number;
  /** Refuse inactive users everywhere. @default true */
  CHECK_USER_IS_ACTIVE: boolean;
  /** Login rule: may this user get tokens? @default active users only */
  USER_AUTHENTICATION_RULE: (user: User | undefined) => boolean;
  /** The field users log in with. @default 'username' */
  USERNAME_FIELD: 'username' | 'email';

  /**
   * Seconds after a rotation during which replaying the rotated refresh token, while its
   * successor is still unused, is taken as a client retry or a concurrent tab: the replay gets
   * the same successor token the rotation issued. Once the successor has been presented, or
   * after the window, a replay is theft and revokes the whole family. `null`: 5 seconds for
   * refresh tokens sent in the refresh cookie (tabs sharing one cookie jar), 0 for tokens in a
   * body, as simplejwt. @default null
   */
  REFRESH_TOKEN_REUSE_GRACE: number | null;
  /**
   * Absolute cap on a session (a refresh-token family), in seconds from login: rotation cannot
   * extend it past this, and refresh stops working at it. `null` for none, as simplejwt. @default null
   */
  SESSION_LIFETIME: number | null;
}

/** simplejwt's default rule: an existing, active user. */
export function defaultUserAuthenticationRule(user: User | undefined): boolean {
  return user !== undefined && user.isActive;
}

/** Every token setting's default but SIGNING_KEY's (SECRET_KEY for HS*, none otherwise). */
export const JWT_DEFAULTS: Readonly<Omit<JwtSettings, 'SIGNING_KEY'>> = {
  ACCESS_TOKEN_LIFETIME: 300,
  REFRESH_TOKEN_LIFETIME: 86_400,
  ROTATE_REFRESH_TOKENS: false,
  BLACKLIST_AFTER_ROTATION: false,
  UPDATE_LAST_LOGIN: false,
  ALGORITHM: 'HS256',
  VERIFYING_KEY: '',
  VERIFYING_KEYS: [],
  SIGNING_KEY_ID: null,
  JWKS_MAX_AGE: 300,
  KEY_POLL_INTERVAL: 5,
  AUDIENCE: null,
  ISSUER: null,
  JWK_URL: null,
  LEEWAY: 0,
  AUTH_HEADER_TYPES: ['Bearer'],
  AUTH_HEADER_NAME: 'HTTP_AUTHORIZATION',
  USER_ID_FIELD: 'id',
  USER_ID_CLAIM: 'user_id',
  AUTH_TOKEN_CLASSES: ['AccessToken'],
  TOKEN_TYPE_CLAIM: 'token_type',
  JTI_CLAIM: 'jti',
  TOKEN_VERSION_CLAIM: 'ver',
  TOKEN_SESSION_CLAIM: null,
  REVOCATION_FEED_KEY: null,
  REVOKE_ON_PRIVILEGE_CHANGE: true,
  CLAIMS_ON_REFRESH: 'copy',
  TOKEN_GROUPS_CLAIM: null,
  TOKEN_PERMISSIONS_CLAIM: null,
  SLIDING_TOKEN_REFRESH_EXP_CLAIM: 'refresh_exp',
  SLIDING_TOKEN_LIFETIME: 300,
  SLIDING_TOKEN_REFRESH_LIFETIME: 86_400,
  CHECK_USER_IS_ACTIVE: true,
  USER_AUTHENTICATION_RULE: defaultUserAuthenticationRule,
  USERNAME_FIELD: 'username',
  REFRESH_TOKEN_REUSE_GRACE: null,
  SESSION_LIFETIME: null,
};
