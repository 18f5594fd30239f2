/** Password hashing, verification and Django-compatible validation. */
export { ARGON2ID_PARAMS, hashPassword, verifyAgainstDummy, verifyPassword } from './hasher.js';
export type { VerifyOptions, VerifyResult } from './hasher.js';
export { identifyHashFormat, WEAK_DJANGO_FORMATS } from './django-hashers.js';
export type { DjangoHashFormat } from './django-hashers.js';
export { PASSWORD_HELP_TEXTS, validatePassword } from './validators.js';
export type { PasswordUserAttributes } from './validators.js';
