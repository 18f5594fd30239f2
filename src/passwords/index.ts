/** Password hashing, verification and Django-compatible validation. */
export { ARGON2ID_PARAMS, hashPassword, verifyAgainstDummy, verifyPassword } from './hasher.js';
export type { VerifyResult } from './hasher.js';
export { PASSWORD_HELP_TEXTS, validatePassword } from './validators.js';
export type { PasswordUserAttributes } from './validators.js';
