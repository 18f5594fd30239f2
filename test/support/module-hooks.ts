/**
 * A module loader hook (for `register()`) that prints every ES module Node resolves, one
 * `module <url>` line each on stdout: the module-graph checks read what a process loaded from it.
 */
export const PRINT_RESOLVED_MODULES = `
import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  writeSync(1, 'module ' + result.url + '\\n');
  return result;
}`;
