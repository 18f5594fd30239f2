/**
 * The app's hooks, each wrapped so that what it throws says which hook threw: a `TypeError`
 * from `customClaims` reaches the error reporter as "the customClaims hook threw: ...", whoever
 * calls the hook. Wrapping once here covers every call site, present and future.
 */
import { HookError } from '../errors.js';
import type { TesseraHooks } from '../http/context.js';

type AnyHook = (...args: never[]) => unknown;

/**
 * `hooks` with every function wrapped: same arguments, result awaited, errors as `HookError`.
 * Every call site awaits hooks already, so a synchronous hook becoming asynchronous changes
 * nothing else.
 *
 * @example
 * ```ts
 * const hooks = namedHooks({ customClaims: () => { throw new Error('boom'); } });
 * await hooks.customClaims?.(user); // rejects: HookError "the customClaims hook threw: boom"
 * ```
 */
export function namedHooks(hooks: TesseraHooks): TesseraHooks {
  const named: Record<string, unknown> = {};
  for (const [name, hook] of Object.entries(hooks) as [string, unknown][]) {
    named[name] = typeof hook === 'function' ? wrapped(name, hook as AnyHook) : hook;
  }
  return named;
}

function wrapped(name: string, hook: AnyHook): AnyHook {
  return async (...args) => {
    try {
      return await hook(...args);
    } catch (error) {
      throw new HookError(name, error);
    }
  };
}
