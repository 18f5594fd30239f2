/**
 * `EMAIL_BACKEND=file` (Django's `filebased` backend): one file per mail in EMAIL_FILE_PATH,
 * named `YYYYMMDD-HHMMSS-<random>.log` (UTC) so that names sort by time and never collide.
 * The folder is created on first use; files are readable by their owner only, since a reset
 * mail is as good as the account.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MailBackend, MailMessage } from './mail-message.js';
import { rawMessage } from './raw-message.js';

export class FileMailBackend implements MailBackend {
  constructor(
    private readonly folder: string,
    private readonly now: () => number = Date.now,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const raw = await rawMessage(message);
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
    const stamp = new Date(this.now()).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    await writeFile(join(this.folder, `${stamp}-${randomBytes(6).toString('hex')}.log`), raw, { mode: 0o600, flag: 'wx' });
  }
}
