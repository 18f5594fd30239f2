/** The console's refusals: CSRF, method, not found, not allowed to change this account. */
import type { User } from '../../../model/user.js';
import { htmlResponse, type PageResponse } from '../page-response.js';
import { messagePage, type ConsolePlace, type Visitor } from './console-layout.js';

/** A form without a valid CSRF token, or from another site. */
export function csrfRefusal(place: ConsolePlace, visitor: Visitor | undefined): PageResponse {
  const { root } = place;
  return htmlResponse(
    403,
    messagePage(
      place,
      visitor,
      'Request refused',
      'The form did not carry a valid security token (CSRF check failed), or came from another site. Reload the page and try again.',
      {
        href: visitor === undefined ? `${root}login/` : root,
        label: visitor === undefined ? 'Back to sign-in' : 'Back to the console',
      },
    ),
  );
}

/** A 405 naming the methods the page takes (`GET, HEAD, POST`). */
export function notAllowed(place: ConsolePlace, allow: string, visitor: Visitor | undefined): PageResponse {
  const response = htmlResponse(405, messagePage(place, visitor, 'Method not allowed', 'This page does not take that kind of request.'));
  response.headers.allow = allow;
  return response;
}

export function notFound(visitor: Visitor): PageResponse {
  return htmlResponse(
    404,
    messagePage(visitor, visitor, 'Not found', 'There is no such page or user in the console.', {
      href: visitor.root,
      label: 'Back to the console',
    }),
  );
}

/** A staff member who is not a superuser, acting on a staff or superuser account (see `mayManage`). */
export function refused(visitor: Visitor, target: User): PageResponse {
  return htmlResponse(
    403,
    messagePage(visitor, visitor, 'Not allowed', `Only a superuser can change the staff account ${target.username}.`, {
      href: `${visitor.root}users/${target.id}/`,
      label: 'Back to the user',
    }),
  );
}
