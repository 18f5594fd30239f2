/**
 * The settings the token codec reads, and nothing else (`config/settings.ts` documents each one
 * and builds them: the full `Settings` satisfies this interface).
 */
export interface TokenSettings {
  readonly ACCESS_TOKEN_LIFETIME: number;
  readonly REFRESH_TOKEN_LIFETIME: number;
  readonly SLIDING_TOKEN_LIFETIME: number;
  readonly SLIDING_TOKEN_REFRESH_LIFETIME: number;
  readonly SLIDING_TOKEN_REFRESH_EXP_CLAIM: string;
  readonly AUDIENCE: string | string[] | null;
  readonly ISSUER: string | null;
  readonly LEEWAY: number;
  readonly USER_ID_CLAIM: string;
  readonly TOKEN_TYPE_CLAIM: string | null;
  readonly JTI_CLAIM: string;
}
