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
import type { Json } from '../../errors.js';
import { PASSWORD_HELP_TEXTS } from '../../passwords/validators.js';
import { collectFieldErrors, requestData, untrimmed, validatedFields } from '../request-data.js';
import { detailSchema, jsonAnswer, jwtProperty, objectSchema, stringProperty } from '../response-docs.js';
import type { EndpointField, Handler, Route } from '../route.js';

const EMAIL_FIELD: EndpointField = { name: 'email', kind: 'email', maxLength: 254 };
const PASSWORD_HELP = PASSWORD_HELP_TEXTS.join(' ');
/** dj-rest-auth's two new-password fields, the first with Django's validators' help. */
const NEW_PASSWORDS: readonly EndpointField[] = NEW_PASSWORD_FIELDS.map((field) =>
  field.name === 'new_password1' ? { ...field, help: PASSWORD_HELP } : field,
);
const RESET_CONFIRM_FIELDS: readonly EndpointField[] = [
  ...NEW_PASSWORDS,
  { name: 'uid', kind: 'char', help: 'The uid from the link in the password reset mail.' },
  { name: 'token', kind: 'char', help: 'The token from the link in the password reset mail.' },
];
const KEY_FIELD: EndpointField = { name: 'key', kind: 'char' };

/** Password Change's fields: the old password when OLD_PASSWORD_FIELD_ENABLED, then the new ones. */
function passwordChangeFields(oldPasswordMaxLength: number | undefined): EndpointField[] {
  return [
    ...(oldPasswordMaxLength === undefined ? [] : [{ name: 'old_password', kind: 'char', maxLength: oldPasswordMaxLength } as const]),
    ...NEW_PASSWORDS,
  ];
}

const passwordChange =
  (specs: readonly EndpointField[]): Handler =>
  async ({ request, context, auth }) => {
    if (auth === undefined) throw TesseraError.of('not_authenticated');
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
  const { data, values } = await validatedFields(request, RESET_CONFIRM_FIELDS);
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
  const { values } = await validatedFields(request, [KEY_FIELD]);
  await verifyEmailKey(context, values.key ?? '');
  return { status: 200, body: { detail: ACCOUNT_MESSAGES.ok } };
};

const resendEmailVerification: Handler = async ({ request, context }) => {
  const { values } = await validatedFields(request, [EMAIL_FIELD]);
  await resendVerificationMail(context, values.email ?? '', request.ip);
  return { status: 200, body: { detail: ACCOUNT_MESSAGES.ok } };
};

const detailAnswer = (description: string, example: string): Readonly<Record<string, Json>> => ({
  '200': jsonAnswer(description, detailSchema(example)),
});

/** The account routes under `prefix`; the email routes only when verification is on. */
export function accountRoutes(options: {
  prefix: string;
  /** MAX_PASSWORD_LENGTH when OLD_PASSWORD_FIELD_ENABLED (Password Change asks for the old password), else `undefined`. */
  oldPasswordMaxLength: number | undefined;
  emailVerification: boolean;
}): Route[] {
  const { prefix } = options;
  const changeFields = passwordChangeFields(options.oldPasswordMaxLength);
  const account = { authenticated: false, tag: 'Accounts' } as const;
  const routes: Route[] = [
    {
      path: `${prefix}password/change/`,
      name: 'Password Change',
      description:
        'Changes the password of the authenticated user.\n\nAccepts the following POST parameters: old_password, new_password1, new_password2\nReturns the success message, and a new token pair: every other session ends.',
      handlers: { POST: passwordChange(changeFields) },
      ...account,
      authenticated: true,
      fields: changeFields,
      responses: {
        '200': jsonAnswer(
          'The password is changed and every other session has ended; the caller gets a new pair.',
          objectSchema(
            {
              detail: stringProperty('"New password has been saved."'),
              refresh: jwtProperty('A new refresh token.'),
              access: jwtProperty('A new access token.'),
            },
            ['detail', 'refresh', 'access'],
          ),
        ),
      },
      refusals: ['Unauthorized', 'Throttled'],
    },
    {
      path: `${prefix}password/reset/`,
      name: 'Password Reset',
      description:
        'Sends a password reset e-mail to the account with this address, if there is one.\n\nAccepts the following POST parameters: email\nReturns the success message, whether or not the address is known.',
      handlers: { POST: passwordReset },
      ...account,
      fields: [EMAIL_FIELD],
      responses: detailAnswer(
        'The same answer whether or not the address belongs to an account.',
        '"Password reset e-mail has been sent."',
      ),
    },
    {
      path: `${prefix}password/reset/confirm/`,
      name: 'Password Reset Confirm',
      description:
        "Password reset e-mail link is confirmed, therefore\nthis resets the user's password.\n\nAccepts the following POST parameters: token, uid,\n    new_password1, new_password2\nReturns the success/fail message.",
      handlers: { POST: passwordResetConfirm },
      ...account,
      fields: RESET_CONFIRM_FIELDS,
      responses: detailAnswer(
        'The password is reset and every session of the user has ended.',
        '"Password has been reset with the new password."',
      ),
      refusals: ['Unauthorized', 'Throttled'],
    },
  ];
  if (options.emailVerification) {
    routes.push(
      {
        path: `${prefix}email/verify/`,
        name: 'Verify Email',
        description: 'Verifies the email associated with the provided key.\n\nAccepts the following POST parameter: key.',
        handlers: { POST: verifyEmail },
        ...account,
        fields: [KEY_FIELD],
        responses: {
          '200': jsonAnswer('The address is verified.', detailSchema('"ok"')),
          '404': { description: 'The key is malformed, expired or already used.' },
        },
      },
      {
        path: `${prefix}email/verify/resend/`,
        name: 'Resend Email Verification',
        description: 'Resends another email to an unverified email.\n\nAccepts the following POST parameter: email.',
        handlers: { POST: resendEmailVerification },
        ...account,
        fields: [EMAIL_FIELD],
        responses: detailAnswer('The same answer whether or not a mail was sent.', '"ok"'),
      },
    );
  }
  return routes;
}
