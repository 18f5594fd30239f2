/** The login and registration throttles, and the bounds on the password-hashing queue. */

/** Login and registration rates (DRF notation, or `off`), known addresses, the hashing queue. */
export interface ThrottleSettings {
  /**
   * Failed logins per account from one client address before the delays start: that many are
   * free, then one more per delay that starts at the rate's period and doubles at each further
   * failure, up to an hour; forgotten a day after the last failure or at a successful login.
   * Stops a burst against one account. DRF rate notation, or `off`. @default '5/minute'
   */
  THROTTLE_LOGIN_ACCOUNT_ADDRESS: string | null;
  /**
   * Consecutive failed logins per account (the folded username, whether or not it exists)
   * from all addresses together; a successful login resets the count. Addresses the user has
   * logged in from before (LOGIN_KNOWN_ADDRESS_LIFETIME) are exempt, so attacks from elsewhere
   * cannot lock the real user out. NIST SP 800-63B: at most 100. @default '100/day'
   */
  THROTTLE_LOGIN_ACCOUNT: string | null;
  /** Failed logins per client address, across accounts (credential stuffing). @default '300/hour' */
  THROTTLE_LOGIN_IP: string | null;
  /**
   * How long an address a user logged in from stays "known" (exempt from THROTTLE_LOGIN_ACCOUNT),
   * in seconds. Kept as an HMAC keyed from SECRET_KEY, in Redis when configured, else in memory.
   * @default 2592000 (30 days)
   */
  LOGIN_KNOWN_ADDRESS_LIFETIME: number;
  /** Registrations attempted per client address. @default '100/hour' */
  THROTTLE_REGISTER_IP: string | null;
  /**
   * Password checks that may wait for a hashing slot, all clients together; past it a login or
   * registration gets 503 with `Retry-After` instead of an unbounded wait. @default 64
   */
  HASH_QUEUE_LIMIT: number;
  /**
   * Password checks one client address may have waiting; slots are handed out round-robin
   * between addresses, so one address flooding delays another's login by a few hash times at
   * most. @default 4
   */
  HASH_QUEUE_PER_CLIENT: number;
}

export const THROTTLE_DEFAULTS: Readonly<ThrottleSettings> = {
  THROTTLE_LOGIN_ACCOUNT_ADDRESS: '5/minute',
  THROTTLE_LOGIN_ACCOUNT: '100/day',
  THROTTLE_LOGIN_IP: '300/hour',
  LOGIN_KNOWN_ADDRESS_LIFETIME: 2_592_000,
  THROTTLE_REGISTER_IP: '100/hour',
  HASH_QUEUE_LIMIT: 64,
  HASH_QUEUE_PER_CLIENT: 4,
};
