/**
 * The revocation feed (issue 15 item 4): the users cut off and the sessions revoked within the
 * last access-token lifetime, for services that verify tokens without the database
 * (`tessera/verifier` polls it). Older revocations are left out: every access token minted
 * before them has expired.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { TesseraError } from '../errors.js';
import type { FeedCutOff, RevocationFeed } from '../model/revocation-feed.js';
import type { CutOffRecord, Store } from '../model/store.js';
import type { UserIdSettings } from '../users/user-from-claim.js';
import { userIdClaim } from '../users/user-from-claim.js';

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** The settings the feed reads. `Settings` satisfies it. */
export interface RevocationFeedSettings extends UserIdSettings {
  readonly USER_ID_CLAIM: string;
  readonly TOKEN_VERSION_CLAIM: string;
  readonly TOKEN_SESSION_CLAIM: string | null;
  readonly REVOCATION_FEED_KEY: string | null;
  readonly ACCESS_TOKEN_LIFETIME: number;
  readonly LEEWAY: number;
}

/** What the feed reads: its settings, the store's revocations, the clock. `TesseraContext` satisfies it. */
export interface RevocationFeedDependencies {
  readonly settings: RevocationFeedSettings;
  readonly store: Pick<Store, 'revocations'>;
  readonly codec: { now(): number };
}

/** A cut-off as the feed and the Redis push carry it: the user as tokens name them. */
export function feedCutOff(context: { readonly settings: UserIdSettings }, record: CutOffRecord): FeedCutOff {
  const user = userIdClaim({ id: record.userId, username: record.username, email: record.email }, context.settings);
  return { user, version: record.version, at: seconds(record.at) };
}

/**
 * Whether `authorization` presents the feed's credential (`Bearer <REVOCATION_FEED_KEY>`);
 * throws DRF's 401 without one and 403 with a wrong one. Compared in constant time.
 */
export function assertFeedReader(
  context: { readonly settings: Pick<RevocationFeedSettings, 'REVOCATION_FEED_KEY'> },
  authorization: string | undefined,
): void {
  const key = context.settings.REVOCATION_FEED_KEY;
  if (key === null) throw TesseraError.of('not_found');
  if (authorization === undefined || !authorization.startsWith('Bearer ')) throw TesseraError.of('not_authenticated');
  const digest = (text: string) => createHash('sha256').update(text).digest();
  if (!timingSafeEqual(digest(authorization.slice('Bearer '.length).trim()), digest(key))) throw TesseraError.of('permission_denied');
}

export async function revocationFeed(context: RevocationFeedDependencies): Promise<RevocationFeed> {
  const { settings, store } = context;
  const nowMs = context.codec.now();
  const horizon = settings.ACCESS_TOKEN_LIFETIME + settings.LEEWAY;
  const found = (await store.revocations?.revocationsSince(new Date(nowMs - horizon * 1000))) ?? { cutOffs: [], sessions: [] };
  return {
    claims: { user: settings.USER_ID_CLAIM, version: settings.TOKEN_VERSION_CLAIM, session: settings.TOKEN_SESSION_CLAIM },
    now: Math.floor(nowMs / 1000),
    horizon,
    cut_offs: found.cutOffs.map((record) => feedCutOff(context, record)),
    sessions: found.sessions.map((session) => ({ sid: session.id, at: seconds(session.at) })),
  };
}
