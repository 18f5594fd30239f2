/**
 * `POST /accounts/register/`: the tutorials' registration view. 201 with an empty body.
 */
import { sendVerificationMail } from '../../accounts/email-verification.js';
import { TesseraError, type FieldErrors } from '../../errors.js';
import { addFieldValidatorErrors, registerUser, registrationFields, type RegistrationInput } from '../../registration/register-user.js';
import { throttleRegistration } from '../../throttling/throttles.js';
import { collectFieldErrors, requestData, untrimmed } from '../request-data.js';
import type { EndpointField, Handler, HandlerInput, Route } from '../route.js';
import { PASSWORD_HELP_TEXTS } from '../../passwords/validators.js';
import type { User } from '../../model/user.js';
import { originOf } from '../request-origin.js';

const register =
  (specs: readonly EndpointField[]): Handler =>
  async (input) => {
    const { request, context } = input;
    try {
      const user = await registerFromRequest(input, specs);
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

async function registerFromRequest({ request, context }: HandlerInput, specs: readonly EndpointField[]): Promise<User> {
  await throttleRegistration(context, request.ip);
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

/** The tutorials' RegisterSerializer's fields, as a new account's form shows them. */
function registerFields(maxPasswordLength: number): EndpointField[] {
  return registrationFields(maxPasswordLength).map((field) => {
    if (field.name === 'password') return { ...field, autocomplete: 'new-password', help: PASSWORD_HELP_TEXTS.join(' ') };
    return field.name === 'password2' ? { ...field, autocomplete: 'new-password' } : field;
  });
}

export function registrationRoutes(prefix: string, maxPasswordLength: number): Route[] {
  const fields = registerFields(maxPasswordLength);
  return [
    {
      path: `${prefix}register/`,
      name: 'Register',
      description: '',
      handlers: { POST: register(fields) },
      authenticated: false,
      fields,
      // The tutorials' view is a bare APIView: DRF's OPTIONS cannot see its serializer.
      optionsActions: false,
      responses: { '201': { description: 'The user is registered. The body is empty.' } },
      tag: 'Accounts',
      refusals: ['Throttled'],
    },
  ];
}
