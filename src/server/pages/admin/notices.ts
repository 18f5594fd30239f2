/** The notices a redirect asks for (`?done=created&n=2`): fixed texts, nothing from the URL shown. */
import type { Notice } from './console-layout.js';
import { plural } from './visit.js';

/** The one-time notice a redirect asked for (`?done=...`): fixed texts, nothing from the URL shown. */
export function noticeOf(query: URLSearchParams): Notice | undefined {
  const count = Number(query.get('n') ?? '0');
  const n = Number.isSafeInteger(count) && count >= 0 ? count : 0;
  switch (query.get('done')) {
    case 'created':
      return { kind: 'success', text: 'The user was created.' };
    case 'saved':
      return { kind: 'success', text: 'The changes were saved.' };
    case 'unchanged':
      return { kind: 'warning', text: 'Nothing was changed.' };
    case 'password':
      return { kind: 'success', text: `The password was set.${n > 0 ? ` ${plural(n, 'refresh token')} blacklisted.` : ''}` };
    case 'blacklisted':
      return { kind: 'success', text: 'The token was blacklisted.' };
    case 'already':
      return { kind: 'warning', text: 'That token was already blacklisted.' };
    case 'no-token':
      return { kind: 'error', text: 'This user has no such token.' };
    case 'blacklisted-all':
      return { kind: 'success', text: `${plural(n, 'token')} blacklisted.` };
    case 'revoked':
      return { kind: 'success', text: `The session was revoked: ${plural(n, 'token')} blacklisted.` };
    case 'flushed':
      return { kind: 'success', text: `${plural(n, 'expired token')} flushed.` };
    case 'unlocked':
      return { kind: 'success', text: `Login locks cleared (${plural(n, 'counter')}).` };
    case 'signed-out':
      return { kind: 'success', text: 'You are signed out.' };
    case 'group-created':
      return { kind: 'success', text: 'The group was created.' };
    case 'group-deleted':
      return { kind: 'success', text: 'The group was deleted.' };
    case 'reset-sent':
      return { kind: 'success', text: 'A password reset mail is on its way to the user.' };
    case 'reset-unavailable':
      return { kind: 'error', text: 'No reset mail can be sent to this user.' };
    default:
      return undefined;
  }
}
