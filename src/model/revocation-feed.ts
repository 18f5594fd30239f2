/**
 * The revocation feed's wire format (issue 15 item 4), shared by the server that writes it
 * (`GET <token prefix>revocations/`, `sessions/revocation-feed.ts`), the Redis push
 * (`stores/redis/invalidation-bus.ts`) and the stand-alone verifier that reads both
 * (`app/revocation-list.ts`). Times are whole seconds since the epoch.
 *
 * ```json
 * {"claims": {"user": "user_id", "version": "ver", "session": "sid"}, "now": 1796600000, "horizon": 300,
 *  "cut_offs": [{"user": 7, "version": 2, "at": 1796599990}], "sessions": [{"sid": "4f1c...", "at": 1796599995}]}
 * ```
 *
 * `horizon` is how far back the lists reach (ACCESS_TOKEN_LIFETIME + LEEWAY): an access token
 * minted before an older revocation has expired anyway, so the feed stays small.
 */

/** Redis channel of revoked sessions: the message is the session id. */
export const SESSION_REVOKED_CHANNEL = 'tessera:session-revoked';
/** Redis channel of cut-offs: the message is a {@link FeedCutOff} as JSON. */
export const TOKEN_CUT_OFF_CHANNEL = 'tessera:token-cut-off';

/** A user cut off: their tokens with a version below `version` are refused. */
export interface FeedCutOff {
  /** The user id claim's value, as tokens carry it (USER_ID_FIELD). */
  readonly user: number | string;
  readonly version: number;
  readonly at: number;
}

export interface FeedSession {
  readonly sid: string;
  readonly at: number;
}

export interface RevocationFeed {
  /** The claim names tokens carry: USER_ID_CLAIM, TOKEN_VERSION_CLAIM, TOKEN_SESSION_CLAIM (`null` when off). */
  readonly claims: { readonly user: string; readonly version: string; readonly session: string | null };
  readonly now: number;
  readonly horizon: number;
  readonly cut_offs: readonly FeedCutOff[];
  readonly sessions: readonly FeedSession[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** A cut-off read from JSON (the feed or a push), or `undefined` when malformed. */
export function feedCutOffOf(value: unknown): FeedCutOff | undefined {
  if (!isRecord(value)) return undefined;
  const { user, version, at } = value;
  if ((typeof user !== 'number' && typeof user !== 'string') || typeof version !== 'number' || !isTime(at)) return undefined;
  return { user, version, at };
}

/** A feed document read from JSON; throws a `TypeError` naming what is wrong. */
export function revocationFeedOf(value: unknown): RevocationFeed {
  if (!isRecord(value) || !isRecord(value.claims) || !Array.isArray(value.cut_offs) || !Array.isArray(value.sessions))
    throw new TypeError('not a revocation feed');
  const { user, version, session } = value.claims;
  if (typeof user !== 'string' || typeof version !== 'string' || (session !== null && typeof session !== 'string'))
    throw new TypeError('revocation feed: bad claim names');
  if (!isTime(value.now) || !isTime(value.horizon)) throw new TypeError('revocation feed: bad times');
  const cutOffs = value.cut_offs.map(feedCutOffOf);
  const sessions = value.sessions.map((entry) =>
    isRecord(entry) && typeof entry.sid === 'string' && isTime(entry.at) ? { sid: entry.sid, at: entry.at } : undefined,
  );
  if (cutOffs.includes(undefined) || sessions.includes(undefined)) throw new TypeError('revocation feed: bad entry');
  return {
    claims: { user, version, session },
    now: value.now,
    horizon: value.horizon,
    cut_offs: cutOffs as FeedCutOff[],
    sessions: sessions as FeedSession[],
  };
}

/** Whether the name of a user claim value as a token carries it matches the feed's (1 and "1" are one user). */
export function sameUser(claim: unknown, user: number | string): boolean {
  return (typeof claim === 'number' || typeof claim === 'string') && String(claim) === String(user);
}
