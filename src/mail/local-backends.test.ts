/** The console, file and memory backends: what Django's console, filebased and locmem backends do. */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleMailBackend, MAIL_SEPARATOR } from './console-backend.js';
import { FileMailBackend } from './file-backend.js';
import { MemoryMailBackend } from './memory-backend.js';

const message = {
  from: 'noreply@example.com',
  to: ['alice@example.com'],
  subject: 'Password reset',
  text: 'Your link: https://app.example.com/r/MQ/t\n',
};

describe('local mail backends', () => {
  it('console: prints the RFC 5322 mail and a separator line', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    await new ConsoleMailBackend(stream).send(message);
    const printed = Buffer.concat(chunks).toString('utf8');
    expect(printed).toMatch(/^From: noreply@example.com$/m);
    expect(printed).toMatch(/^To: alice@example.com$/m);
    expect(printed).toMatch(/^Subject: Password reset$/m);
    expect(printed).toContain('Your link: https://app.example.com/r/MQ/t');
    expect(printed.endsWith(`\n${MAIL_SEPARATOR}`)).toBe(true);
  });

  it('file: one owner-only file per mail, named by UTC time', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'tessera-mail-')), 'outbox');
    const backend = new FileMailBackend(folder, () => Date.UTC(2026, 11, 6, 23, 1, 2));
    await backend.send(message);
    await backend.send({ ...message, subject: 'Second' });
    const files = readdirSync(folder).sort();
    expect(files).toHaveLength(2);
    for (const file of files) {
      expect(file).toMatch(/^20261206-230102-[0-9a-f]{12}\.log$/);
      expect(statSync(join(folder, file)).mode & 0o777).toBe(0o600);
    }
    const subjects = files.map((file) => /^Subject: (.*)$/m.exec(readFileSync(join(folder, file), 'utf8'))?.[1]).sort();
    expect(subjects).toEqual(['Password reset', 'Second']);
  });

  it('memory: keeps every mail in the outbox', async () => {
    const backend = new MemoryMailBackend();
    await backend.send(message);
    expect(backend.outbox).toEqual([message]);
  });
});
