/**
 * dj-rest-auth's account views: password change, password reset and its confirmation, and
 * (with ACCOUNT_EMAIL_VERIFICATION) email verification and its resend. URLs under the accounts
 * prefix (default `/accounts/`); bodies, messages and statuses as dj-rest-auth's.
 */
import { changePassword } from '../../accounts/change-password.js';
import { confirmPasswordReset } from '../../accounts/confirm-password-reset.js';
import { resendVerificationMail, verifyEmailKey } from '../../accounts/email-verification.js';
import { ACCOUNT_MESSAGES, NEW_PASSWORD_FIELDS } from '../../accounts/password-form.js';
import { requestPasswordReset } from '../../accounts/request-password-reset.js';
import { TesseraError } from '../../errors.js';
import type { FieldSpec } from '../../drf/fields.js';
import { collectFieldErrors, requestData, untrimmed, validatedFields } from '../request-data.js';
import type { Handler, Route } from '../route.js';

const EMAIL_FIELD: FieldSpec = { name: 'email', kind: 'email', maxLength: 254 };

const passwordChange: Handler = async ({ request, context, auth }) => {
  if (auth === undefined) throw TesseraError.of('not_authenticated');
  const specs: FieldSpec[] = [
    ...(context.settings.OLD_PASSWORD_FIELD_ENABLED
      ? [{ name: 'old_password', kind: 'char', maxLength: context.settings.MAX_PASSWORD_LENGTH } as const]
      : []),
    ...NEW_PASSWORD_FIELDS,
  ];
  const data = await requestData(request);
  const { values, errors } = collectFieldErrors(data, specs);
  // Passwords are used as typed (not trimmed), as at login and registration.
  const typed = (name: string) => (values[name] === undefined ? undefined : untrimmed(data, name, values[name]));
  const pair = await changePassword(
    context,
    auth.user,
    { oldPassword: typed('old_password'), newPassword1: typed('new_password1'), newPassword2: typed('new_password2') },
    errors,
    request.ip,
  );
  return { status: 200, body: { detail: ACCOUNT_MESSAGES.passwordChanged, ...pair } };
};

const passwordReset: Handler = async ({ request, context }) => {
  const { values } = await validatedFields(request, [EMAIL_FIELD]);
  await requestPasswordReset(context, values.email ?? '', request.ip);
  return { status: 200, body: { detail: ACCOUNT_MESSAGES.resetMailSent } };
};

const passwordResetConfirm: Handler = async ({ request, context }) => {
  const { data, values } = await validatedFields(request, [
    ...NEW_PASSWORD_FIELDS,
    { name: 'uid', kind: 'char' },
    { name: 'token', kind: 'char' },
  ]);
  await confirmPasswordReset(
    context,
    {
      uid: values.uid ?? '',
      token: values.token ?? '',
      newPassword1: untrimmed(data, 'new_password1', values.new_password1 ?? ''),
      newPassword2: untrimmed(data, 'new_password2', values.new_password2 ?? ''),
    },
    request.ip,
  );
  return { status: 200, body: { detail: ACCOUNT_MESSAGES.passwordReset } };
};

const verifyEmail: Handler = async ({ request, context }) => {
  const { values } = await validatedFields(request, [{ name: 'key', kind: 'char' }]);
  await verifyEmailKey(context, values.key ?? '');
  return { status: 200, body: { detail: ACCOUNT_MESSAGES.ok } };
};

const resendEmailVerification: Handler = async ({ request, context }) => {
  const { values } = await validatedFields(request, [EMAIL_FIELD]);
  await resendVerificationMail(context, values.email ?? '', request.ip);
  return { status: 200, body: { detail: ACCOUNT_MESSAGES.ok } };
};

const newPasswordMetadata = [
  { name: 'new_password1', required: true },
  { name: 'new_password2', required: true },
];

/** The account routes under `prefix`; the email routes only when verification is on. */
export function accountRoutes(options: { prefix: string; oldPasswordField: boolean; emailVerification: boolean }): Route[] {
  const { prefix } = options;
  const routes: Route[] = [
    {
      path: `${prefix}password/change/`,
      name: 'Password Change',
      description:
        'Changes the password of the authenticated user.\n\nAccepts the following POST parameters: old_password, new_password1, new_password2\nReturns the success message, and a new token pair: every other session ends.',
      handlers: { POST: passwordChange },
      authenticated: true,
      postFields: [...(options.oldPasswordField ? [{ name: 'old_password', required: true }] : []), ...newPasswordMetadata],
    },
    {
      path: `${prefix}password/reset/`,
      name: 'Password Reset',
      description:
        'Sends a password reset e-mail to the account with this address, if there is one.\n\nAccepts the following POST parameters: email\nReturns the success message, whether or not the address is known.',
      handlers: { POST: passwordReset },
      authenticated: false,
      postFields: [{ name: 'email', required: true }],
    },
    {
      path: `${prefix}password/reset/confirm/`,
      name: 'Password Reset Confirm',
      description:
        "Password reset e-mail link is confirmed, therefore\nthis resets the user's password.\n\nAccepts the following POST parameters: token, uid,\n    new_password1, new_password2\nReturns the success/fail message.",
      handlers: { POST: passwordResetConfirm },
      authenticated: false,
      postFields: [...newPasswordMetadata, { name: 'uid', required: true }, { name: 'token', required: true }],
    },
  ];
  if (options.emailVerification) {
    routes.push(
      {
        path: `${prefix}email/verify/`,
        name: 'Verify Email',
        description: 'Verifies the email associated with the provided key.\n\nAccepts the following POST parameter: key.',
        handlers: { POST: verifyEmail },
        authenticated: false,
        postFields: [{ name: 'key', required: true }],
      },
      {
        path: `${prefix}email/verify/resend/`,
        name: 'Resend Email Verification',
        description: 'Resends another email to an unverified email.\n\nAccepts the following POST parameter: email.',
        handlers: { POST: resendEmailVerification },
        authenticated: false,
        postFields: [{ name: 'email', required: true }],
      },
    );
  }
  return routes;
}
