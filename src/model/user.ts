/**
 * A Tessera user: the same fields as Django's `auth.User`, so data can move both ways.
 */
export interface User {
  readonly id: number;
  readonly username: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  /** Encoded hash: an argon2id PHC string, or a Django `pbkdf2_sha256$...` string. Never logged. */
  readonly password: string;
  readonly isActive: boolean;
  readonly isStaff: boolean;
  readonly isSuperuser: boolean;
  readonly lastLogin: Date | null;
  readonly dateJoined: Date;
}

/** What creating a user needs; the rest takes Django's defaults. */
export interface NewUser {
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  /** Already-encoded password hash (see `passwords/`). */
  password: string;
  isActive?: boolean;
  isStaff?: boolean;
  isSuperuser?: boolean;
  dateJoined?: Date;
}

/** Fields of a user that can be changed after creation. */
export type UserPatch = Partial<Omit<User, 'id' | 'dateJoined'>>;

/** The user fields a token may identify a user by (simplejwt's `USER_ID_FIELD`) or log in by. */
export type UserLookupField = 'id' | 'username' | 'email';
