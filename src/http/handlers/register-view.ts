/**
 * `POST /accounts/register/`: the tutorials' registration view. 201 with an empty body.
 */
import { sendVerificationMail } from '../../accounts/email-verification.js';
import { TesseraError, type FieldErrors } from '../../errors.js';
import { addFieldValidatorErrors, registerUser, registrationFields, type RegistrationInput } from '../../registration/register-user.js';
import { throttleRegistration } from '../../throttling/throttles.js';
import { collectFieldErrors, requestData, untrimmed } from '../request-data.js';
import type { Handler, HandlerInput, Route } from '../route.js';
import type { User } from '../../model/user.js';
import { originOf } from '../request-origin.js';

const register: Handler = async (input) => {
  const { request, context } = input;
  try {
    const user = await registerFromRequest(input);
    await context.events.emit({
      action: 'registration.created',
      user: { id: user.id, username: user.username },
      origin: originOf(request),
    });
    return { status: 201, body: undefined };
  } catch (error) {
    if (error instanceof TesseraError) {
      await context.events.emit({
        action: 'registration.refused',
        detail: { reason: error.code === 'throttled' ? 'throttled' : 'invalid' },
      });
    }
    throw error;
  }
};

async function registerFromRequest({ request, context }: HandlerInput): Promise<User> {
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
  const user = await registerUser(context, input as Required<RegistrationInput>, request.ip);
  await sendVerificationMail(context, user);
  return user;
}

export function registrationRoutes(prefix: string): Route[] {
  return [{ path: `${prefix}register/`, name: 'Register', description: '', handlers: { POST: register }, authenticated: false }];
}
