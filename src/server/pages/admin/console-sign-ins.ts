/**
 * Sign-in sessions of the admin console, kept server-side (`tessera_admin_session`).
 *
 * Why server-side rather than a cookie signed with SECRET_KEY: signing out, a password change
 * and an administrator's "end sessions" take effect at once, because the row is gone; a signed
 * cookie stays valid until it expires whoever copied it. The cookie holds 256 random bits; the
 * table holds only their SHA-256, so a copy of the database signs nobody in. Each session has
 * its own CSRF token (the synchronizer pattern), an idle timeout and an absolute lifetime.
 * The user is re-read on every request, so a user who is deactivated or loses staff status is
 * refused on their very next click.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConsoleSignIn, ConsoleSignInStore } from '../../../model/store.js';

/** The console's session cookie. */
export const SESSION_COOKIE = 'tessera_admin_session';
/** A session unused this long ends. */
export const SESSION_IDLE_SECONDS = 60 * 60;
/** A session ends this long after sign-in, however active. */
export const SESSION_LIFETIME_SECONDS = 12 * 60 * 60;
/** Activity is written at most this often, so reading pages does not write on every click. */
const TOUCH_EVERY_SECONDS = 60;

/** 256 random bits, base64url: session ids and CSRF tokens. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison of two tokens. */
export function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function hashOf(cookieValue: string): string {
  return createHash('sha256').update(cookieValue).digest('hex');
}

export class ConsoleSignIns {
  readonly #store: ConsoleSignInStore;

  constructor(store: ConsoleSignInStore) {
    this.#store = store;
  }

  /** Starts a session for `userId`; returns the cookie value (shown to nobody else) and the session. */
  async start(userId: number, now: Date): Promise<{ cookieValue: string; session: ConsoleSignIn }> {
    await this.#store.deleteStaleSignIns(now, new Date(now.getTime() - SESSION_IDLE_SECONDS * 1000));
    const cookieValue = randomToken();
    const session: ConsoleSignIn = {
      idHash: hashOf(cookieValue),
      userId,
      csrfToken: randomToken(),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_LIFETIME_SECONDS * 1000),
    };
    await this.#store.createSignIn(session);
    return { cookieValue, session };
  }

  /** The live session a cookie names, noting the activity; `undefined` (and the row gone) when it has ended. */
  async resume(cookieValue: string, now: Date): Promise<ConsoleSignIn | undefined> {
    const session = await this.#store.findSignIn(hashOf(cookieValue));
    if (session === undefined) return undefined;
    const idleFor = (now.getTime() - session.lastSeenAt.getTime()) / 1000;
    if (session.expiresAt.getTime() <= now.getTime() || idleFor >= SESSION_IDLE_SECONDS) {
      await this.#store.deleteSignIn(session.idHash);
      return undefined;
    }
    if (idleFor >= TOUCH_EVERY_SECONDS) await this.#store.touchSignIn(session.idHash, now);
    return session;
  }

  /** Ends one session. */
  async end(session: ConsoleSignIn): Promise<void> {
    await this.#store.deleteSignIn(session.idHash);
  }

  /** Ends every session of a user but `keep` (after their password changed). */
  async endAllOf(userId: number, keep?: ConsoleSignIn): Promise<number> {
    return this.#store.deleteSignInsOfUser(userId, keep?.idHash);
  }
}
