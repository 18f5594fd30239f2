#!/usr/bin/env node
/**
 * `tessera`: the command line (Django's manage.py commands, under the same names).
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { changePasswordCommand } from './commands/changepassword.js';
import { createSuperuserCommand } from './commands/createsuperuser.js';
import { flushExpiredTokensCommand } from './commands/flushexpiredtokens.js';
import { importDjangoCommand } from './commands/import-django.js';
import { keysCommand } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';
import { pruneAuditCommand } from './commands/prune-audit.js';
import { serveCommand } from './commands/serve.js';
import { throttleCommand } from './commands/throttle.js';

/** The installed package's version, read from its package.json (two folders above dist/cli/). */
function packageVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return typeof manifest === 'object' && manifest !== null && 'version' in manifest && typeof manifest.version === 'string'
    ? manifest.version
    : 'unknown';
}

const program = new Command('tessera')
  .description('JWT authentication server, wire-compatible with djangorestframework-simplejwt')
  .version(packageVersion(), '-V, --version', 'print the version')
  .showHelpAfterError();

program.addCommand(serveCommand());
program.addCommand(migrateCommand());
program.addCommand(createSuperuserCommand());
program.addCommand(changePasswordCommand());
program.addCommand(flushExpiredTokensCommand());
program.addCommand(pruneAuditCommand());
program.addCommand(keysCommand());
program.addCommand(throttleCommand());
program.addCommand(importDjangoCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`tessera: configuration error: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`tessera: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
