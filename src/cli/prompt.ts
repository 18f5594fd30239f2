/**
 * Questions on the terminal for the interactive commands (createsuperuser, changepassword), as
 * Django's `input()` and `getpass()`: a hidden answer is not echoed.
 */
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';

/** Whether a person can be asked: stdin is a terminal. */
export function canAsk(): boolean {
  // Typed boolean, but undefined when stdin is not a terminal.
  const isTTY: unknown = process.stdin.isTTY;
  return isTTY === true;
}

/** Asks `question` and returns the line typed; with `hidden`, the answer is not echoed (getpass). */
export async function ask(question: string, hidden = false): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!muted) process.stdout.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: canAsk() });
  try {
    const answer = rl.question(question);
    muted = hidden;
    return await answer;
  } finally {
    if (hidden) process.stdout.write('\n');
    rl.close();
  }
}

/** Reads all of stdin (a piped password), without its final line ending. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
