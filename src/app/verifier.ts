/**
 * Token verification for a service that only verifies: no database, no signing key, no Tessera
 * server in-process. Given the JWKS URL of the Tessera (or any simplejwt-compatible issuer)
 * that signs, it authenticates `Authorization` headers the way `authenticateStateless` does
 * (simplejwt's `JWTStatelessUserAuthentication`), with the same errors on the wire.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ jwkUrl: 'https://auth.example/.well-known/jwks.json', algorithm: 'ES256' });
 * app.use(async (req, res, next) => {
 *   try {
 *     req.user = await verifier.authenticateHeader(req.headers.authorization);
 *     next();
 *   } catch (error) {
 *     if (error instanceof TesseraError) res.status(error.status).set(error.headers).json(error.body);
 *     else next(error);
 *   }
 * });
 * ```
 */
import { DEFAULT_SETTINGS, type Settings } from '../config/settings.js';
import { parseSetting } from '../config/parse-setting.js';
import { ConfigError, TesseraError, TokenError, type Json } from '../errors.js';
import { isHmacAlgorithm, type Algorithm } from '../tokens/algorithms.js';
import type { JwkObject } from '../tokens/jwk.js';
import type { TokenKeys } from '../tokens/signing-key.js';
import { TokenCodec, type Claims, type TokenType } from '../tokens/token-codec.js';
import { rawTokenFromHeader, TOKEN_CLASSES } from '../auth/authenticate-request.js';
import { tokenUserFromClaims, type TokenUser } from '../auth/token-user.js';
import { Keyring } from '../keys/keyring.js';
import { verifyingKeyFromJwk } from '../keys/keys-from-settings.js';
import { LiveKeys } from '../keys/live-keys.js';
import { RemoteKeySet } from '../keys/remote-key-set.js';
import { RevocationList, type RevocationFeedOptions } from './revocation-list.js';

/** Settings a verifier reads; every other one is irrelevant without a database. */
export type VerifierSettings = Pick<
  Settings,
  | 'AUDIENCE'
  | 'ISSUER'
  | 'LEEWAY'
  | 'AUTH_HEADER_TYPES'
  | 'USER_ID_CLAIM'
  | 'TOKEN_TYPE_CLAIM'
  | 'JTI_CLAIM'
  | 'AUTH_TOKEN_CLASSES'
  | 'TOKEN_GROUPS_CLAIM'
  | 'TOKEN_PERMISSIONS_CLAIM'
>;

export interface VerifierOptions {
  /** ALGORITHM: the only algorithm tokens may use; keys for any other are ignored. */
  readonly algorithm: Algorithm;
  /** The signer's JWKS (simplejwt's JWK_URL), fetched with a timeout, cached, refetched on an unknown kid. */
  readonly jwkUrl?: string;
  /** Keys known in advance (public JWKs, or `oct` secrets with a kid for HS*), consulted first. */
  readonly keys?: readonly JwkObject[];
  /** simplejwt settings the checks use (AUDIENCE, ISSUER, LEEWAY, claim names, header types). */
  readonly settings?: Partial<VerifierSettings>;
  /** JWKS fetch timeout. @default 5000 */
  readonly timeoutMs?: number;
  /** Least time between fetches caused by unknown kids. @default 30000 */
  readonly cooldownMs?: number;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** The clock, in milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Hears about JWKS and revocation feed failures and skipped keys. @default silent */
  readonly onError?: (error: Error) => void;
  /**
   * The server's revocation feed (REVOCATION_FEED_KEY there): users cut off and sessions logged
   * out are refused within `pollIntervalMs`, at once with `redisUrl`. Without it, a token is
   * accepted until it expires (docs/revocation.md).
   *
   * Revocations are kept only while a token they refuse can still be unexpired (the feed's horizon,
   * ACCESS_TOKEN_LIFETIME + LEEWAY of the server, plus this verifier's LEEWAY), checked on every
   * push, poll and check even while the feed fails; before the feed has ever answered, that
   * horizon is unknown and nothing is dropped by age. At most `maxEntries` (100000) are kept: past
   * it the oldest are dropped (fail-safe for the newest, whose tokens live longest) and `onError`
   * is told; the tokens of a dropped revocation are accepted until they expire, as without a feed.
   *
   * @example
   * ```ts
   * revocationFeed: { url: 'https://auth.example/api/token/revocations/', key: process.env.FEED_KEY!, pollIntervalMs: 5000 }
   * ```
   */
  readonly revocationFeed?: RevocationFeedOptions;
}

export interface Verifier {
  /**
   * Authenticates the value of the `Authorization` header (or whichever header you read):
   * `undefined` when it carries no credentials of ours (answer "Authentication credentials were
   * not provided."), the token's user otherwise.
   *
   * @throws {TesseraError} `bad_authorization_header`, `token_not_valid_for_any_type` (401), or
   *   `token_no_user_id`, with simplejwt's bodies.
   */
  authenticateHeader(header: string | undefined): Promise<TokenUser | undefined>;
  /**
   * Validates a raw access token: signature (waiting for one JWKS fetch on an unknown kid),
   * registered claims, `exp`, `jti` and type.
   *
   * @throws {TokenError} with simplejwt's message.
   */
  verifyToken(raw: string, type?: TokenType): Promise<Claims>;
  /** Fetches the JWKS now (at start-up, say). Resolves to whether it succeeded; never rejects. */
  refresh(): Promise<boolean>;
  /** Reads the revocation feed now (`true` without one). Resolves to whether it succeeded; never rejects. */
  refreshRevocations(): Promise<boolean>;
  /** Stops polling the revocation feed and leaves Redis. */
  close(): Promise<void>;
}

/**
 * Creates a stateless verifier.
 *
 * @throws {ConfigError} for a bad setting or key, sliding tokens (they need the blacklist, hence a
 *   database), or neither `jwkUrl` nor `keys`.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const settings = verifierSettings(options);
  if (settings.AUTH_TOKEN_CLASSES.includes('SlidingToken')) {
    throw new ConfigError(
      'AUTH_TOKEN_CLASSES',
      'sliding tokens are checked against the blacklist, which needs the database; a verifier takes access tokens',
    );
  }
  if (options.jwkUrl === undefined && (options.keys ?? []).length === 0)
    throw new ConfigError('JWK_URL', 'a verifier needs a JWKS URL or keys');
  let keyring: Keyring;
  try {
    keyring = new Keyring({ keys: (options.keys ?? []).map((jwk) => verifyingKeyFromJwk(jwk, options.algorithm)) });
  } catch (error) {
    throw new ConfigError('VERIFYING_KEYS', (error as Error).message);
  }
  let remote: RemoteKeySet | undefined;
  if (options.jwkUrl !== undefined) {
    if (isHmacAlgorithm(options.algorithm))
      throw new ConfigError('JWK_URL', `needs an asymmetric ALGORITHM; ${options.algorithm} secrets are never published`);
    try {
      remote = new RemoteKeySet({ ...options, url: options.jwkUrl, algorithm: options.algorithm });
    } catch (error) {
      throw new ConfigError('JWK_URL', (error as Error).message);
    }
  }
  const keys: TokenKeys = new LiveKeys(keyring, remote);
  const codec = new TokenCodec({ settings, keys, now: options.now });

  const revocations =
    options.revocationFeed === undefined
      ? undefined
      : new RevocationList(options.revocationFeed, {
          fetch: options.fetch ?? globalThis.fetch,
          now: () => codec.now(),
          onError: options.onError ?? (() => undefined),
          leeway: settings.LEEWAY,
        });
  revocations?.start();

  const verifyToken = async (raw: string, type: TokenType = 'access'): Promise<Claims> => {
    const nowMs = codec.now();
    const claims = await codec.verifySignatureAsync(raw, nowMs);
    codec.checkClaims(claims, type, nowMs);
    const revoked = revocations?.revocationOf(claims);
    if (revoked !== undefined) throw new TokenError(revoked);
    return claims;
  };

  return {
    verifyToken,
    refresh: async () => (remote === undefined ? true : remote.refresh()),
    refreshRevocations: async () => (revocations === undefined ? true : revocations.poll()),
    close: async () => revocations?.close(),
    authenticateHeader: async (header) => {
      const raw = rawTokenFromHeader({ settings }, header);
      if (raw === undefined) return undefined;
      const messages: Json[] = [];
      let first: TokenError | undefined;
      for (const className of settings.AUTH_TOKEN_CLASSES) {
        const type = TOKEN_CLASSES[className] ?? 'access';
        try {
          return tokenUserFromClaims(await verifyToken(raw, type), settings);
        } catch (error) {
          if (!(error instanceof TokenError)) throw error;
          first ??= error;
          messages.push({ token_class: className, token_type: type, message: error.message });
        }
      }
      throw TesseraError.of('token_not_valid_for_any_type', undefined, { messages }, first);
    },
  };
}

/** simplejwt's defaults, with the given values parsed as settings are (same errors). */
function verifierSettings(options: VerifierOptions): Settings {
  const parsed: Record<string, unknown> = { ALGORITHM: parseSetting('ALGORITHM', options.algorithm) };
  for (const [name, value] of Object.entries(options.settings ?? {})) parsed[name] = parseSetting(name as keyof VerifierSettings, value);
  // No secret and no signing key: a verifier never signs.
  return { ...DEFAULT_SETTINGS, SECRET_KEY: '', SIGNING_KEY: '', ...parsed };
}
