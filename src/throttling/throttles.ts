/**
 * Registration throttling (simplejwt has none; DRF users add it by hand): every registration
 * attempt from one address counts against THROTTLE_REGISTER_IP, reserved atomically before any
 * work is done, so a burst of N concurrent registrations gets at most the limit through.
 * Login throttling, which is layered, is in `login-throttle.ts`.
 */
import { throttledError } from './login-throttle.js';
import { parseRate } from './rate.js';
import { addressHash } from './throttle-keys.js';
import type { RegistrationThrottleSettings, ThrottleDependencies } from './throttle-dependencies.js';

/** Counts a registration attempt from `ip`, or throws DRF's 429 with `Retry-After`. */
export async function throttleRegistration(
  context: ThrottleDependencies<RegistrationThrottleSettings>,
  ip: string | undefined,
): Promise<void> {
  const setting = context.settings.THROTTLE_REGISTER_IP;
  const rate = setting === null ? undefined : parseRate(setting);
  if (ip === undefined || rate === undefined) return;
  const reservation = await context.limiter.reserve([{ kind: 'window', key: `register:ip:${addressHash(ip)}`, rate }], context.codec.now());
  if (!reservation.granted) throw throttledError(reservation.retryAfter);
}
