/**
 * `POST /accounts/register/`: the tutorials' registration view. 201 with an empty body.
 */
import { TesseraError, type FieldErrors } from '../../errors.js';
import { addFieldValidatorErrors, registerUser, registrationFields, type RegistrationInput } from '../../registration/register-user.js';
import { throttleRegistration } from '../../throttling/throttles.js';
import { collectFieldErrors, requestData, untrimmed } from '../request-data.js';
import type { Handler, Route } from '../route.js';

const register: Handler = async ({ request, context }) => {
  await throttleRegistration(context, request.ip);
  const specs = registrationFields(context.settings.MAX_PASSWORD_LENGTH);
  const data = await requestData(request);
  const { values, errors } = collectFieldErrors(data, specs);
  // Passwords are used as typed (not trimmed), so what registers is what logs in.
  const input: RegistrationInput = {
    ...values,
    password: values.password === undefined ? undefined : untrimmed(data, 'password', values.password),
    password2: values.password2 === undefined ? undefined : untrimmed(data, 'password2', values.password2),
  };
  const validatorErrors: FieldErrors = {};
  addFieldValidatorErrors({ ...input, username: errors.username ? undefined : input.username }, validatorErrors);
  const allErrors: FieldErrors = {};
  for (const spec of specs) {
    const messages = errors[spec.name] ?? validatorErrors[spec.name];
    if (messages !== undefined) allErrors[spec.name] = messages;
  }
  if (Object.keys(allErrors).length > 0) throw TesseraError.fields(allErrors);
  await registerUser(context, input as Required<RegistrationInput>);
  return { status: 201, body: undefined };
};

export function registrationRoutes(prefix: string): Route[] {
  return [{ path: `${prefix}register/`, name: 'Register', description: '', handlers: { POST: register }, authenticated: false }];
}
