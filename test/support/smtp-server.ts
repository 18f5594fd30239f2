/**
 * A real SMTP server for the mail tests (the `smtp-server` package, on 127.0.0.1, port 0); what
 * arrives is parsed with `mailparser`. It can demand a login, or refuse every mail (550), to
 * test how Tessera behaves when the mail server fails.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  readonly envelopeFrom: string;
  readonly envelopeTo: string[];
  readonly parsed: ParsedMail;
}

export interface TestSmtpServer {
  readonly port: number;
  readonly received: ReceivedMail[];
  /** Logins the server saw (user names only). */
  readonly logins: string[];
  /** The most connections that were open at once. */
  readonly peakConnections: () => number;
  /** From now on, refuse (or accept again) every recipient with 550. */
  rejectAll(reject: boolean): void;
  /** Resolves once `count` mails have arrived in total. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** Require AUTH with this user and password. */
  readonly credentials?: { user: string; pass: string };
  /** Refuse every recipient with 550. */
  readonly rejectAll?: boolean;
}

export async function startSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const logins: string[] = [];
  let waiters: (() => void)[] = [];
  let rejecting = options.rejectAll ?? false;
  let open = 0;
  let peak = 0;
  const serverOptions: SMTPServerOptions = {
    disabledCommands: options.credentials === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: options.credentials === undefined,
    logger: false,
    disableReverseLookup: true,
    onConnect(_session, callback) {
      open += 1;
      peak = Math.max(peak, open);
      callback();
    },
    onClose() {
      open -= 1;
    },
    onAuth(auth, _session, callback) {
      logins.push(auth.username ?? '');
      if (auth.username === options.credentials?.user && auth.password === options.credentials?.pass)
        callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(_address, _session, callback) {
      if (rejecting) {
        const error = new Error('Mailbox unavailable') as Error & { responseCode: number };
        error.responseCode = 550;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          received.push({
            envelopeFrom: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
            envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            parsed,
          });
          for (const wake of waiters.splice(0)) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('SMTP server has no port');

  return {
    port: address.port,
    received,
    logins,
    peakConnections: () => peak,
    rejectAll: (reject) => {
      rejecting = reject;
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} mails, ${received.length} arrived`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      waiters = [];
      return received.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
