import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  messageId: string | undefined;
  /** Envelope MAIL FROM address, like `to`; the header (with display name) is in `headers.get('from')`. */
  from: string;
  /** Envelope RCPT TO addresses. */
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Headers as parsed by mailparser, keys lower-cased. */
  headers: Map<string, unknown>;
  raw: string;
  receivedAt: number;
}

export interface SmtpCaptureOptions {
  /** Default: a random free loopback port. */
  port?: number;
  /** When both are set, AUTH PLAIN/LOGIN is required and checked. */
  user?: string;
  pass?: string;
  /** Answer a transient 451 to this fraction of *first* attempts of each distinct Message-ID (chaos); 0 by default. */
  transientFailureRate?: number;
  /** Reject with 550 every message to these recipients (permanent failure). */
  rejectRecipients?: string[];
}

export type SmtpFailureCode = 451 | 550 | 421;

export interface SmtpCapture {
  /** `smtp://127.0.0.1:PORT`, with `user:pass@` when auth is on. */
  url: string;
  port: number;
  /** Accepted messages in arrival order; `reset()` empties this same array. */
  messages: CapturedMail[];
  /** Resolves when at least n messages have arrived; rejects after timeoutMs saying how many did. */
  waitFor(n: number, timeoutMs?: number): Promise<CapturedMail[]>;
  /** The next n DATA commands are answered with that code (451 by default). */
  failNext(n: number, code?: SmtpFailureCode): void;
  /** DATA attempts seen, accepted or not. */
  readonly attempts: number;
  /** Forget messages, attempts, pending failNext and seen Message-IDs. */
  reset(): void;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 1024 * 1024;
const DEFAULT_WAIT_MS = 10_000;
// Pooled clients keep idle connections open; a test fixture should not wait smtp-server's 30 s default for them.
const CLOSE_TIMEOUT_MS = 200;

// Enhanced status codes are off in smtp-server by default, so the text carries them for clients that log it.
const FAILURE_TEXT: Record<SmtpFailureCode, string> = {
  451: '4.3.0 Temporary failure, try again later',
  550: '5.7.1 Message rejected',
  421: '4.3.2 Service not available, closing transmission channel',
};

function smtpError(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/** Maps a Message-ID onto [0, 1) so the same message always gets the same chaos decision. */
function unitHash(value: string): number {
  return createHash('sha256').update(value).digest().readUInt32BE(0) / 2 ** 32;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const credentials =
    options.user !== undefined && options.pass !== undefined ? { user: options.user, pass: options.pass } : undefined;
  const transientFailureRate = options.transientFailureRate ?? 0;
  const rejected = new Set((options.rejectRecipients ?? []).map((address) => address.toLowerCase()));

  const messages: CapturedMail[] = [];
  const seenMessageIds = new Set<string>();
  const forcedFailures: SmtpFailureCode[] = [];
  const waiters = new Set<() => void>();
  let attempts = 0;

  const accept = async (raw: Buffer, from: string, to: string[], oversized: boolean): Promise<Error | undefined> => {
    attempts += 1;
    if (oversized) {
      return smtpError(552, `5.3.4 Message exceeds fixed maximum message size ${MAX_MESSAGE_BYTES}`);
    }
    const parsed = await simpleParser(raw);
    const messageId = parsed.messageId;
    const firstAttempt = messageId !== undefined && !seenMessageIds.has(messageId);
    if (messageId !== undefined) seenMessageIds.add(messageId);

    const forced = forcedFailures.shift();
    if (forced !== undefined) return smtpError(forced, FAILURE_TEXT[forced]);
    const refused = to.find((address) => rejected.has(address.toLowerCase()));
    if (refused !== undefined) return smtpError(550, `5.1.1 <${refused}>: Recipient address rejected`);
    if (firstAttempt && unitHash(messageId) < transientFailureRate) return smtpError(451, FAILURE_TEXT[451]);

    messages.push({
      messageId,
      from,
      to,
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: parsed.html || '',
      headers: parsed.headers,
      raw: raw.toString('utf8'),
      receivedAt: Date.now(),
    });
    for (const wake of waiters) wake();
    return undefined;
  };

  const server = new SMTPServer({
    secure: false,
    disabledCommands: credentials ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !credentials,
    // There is no TLS on this loopback fixture, so credentials can only ever travel in clear.
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    size: MAX_MESSAGE_BYTES,
    closeTimeout: CLOSE_TIMEOUT_MS,
    onAuth(auth, _session, callback) {
      if (credentials && auth.username === credentials.user && auth.password === credentials.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
      }
    },
    onData(stream, session, callback) {
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const to = session.envelope.rcptTo.map((rcpt) => rcpt.address);
      // The whole message must be drained before answering, or the client never sees our reply.
      readAll(stream)
        .then((raw) => accept(raw, from, to, stream.sizeExceeded))
        .then(
          (error) => callback(error),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.server.address();
      if (typeof address === 'object' && address) resolve(address.port);
      else reject(new Error('smtp capture has no port'));
    });
  });
  // A client misbehaving mid-test must not crash the test process through an unhandled 'error' event.
  server.on('error', () => undefined);

  const userinfo = credentials
    ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@`
    : '';

  return {
    url: `smtp://${userinfo}127.0.0.1:${port}`,
    port,
    messages,
    get attempts() {
      return attempts;
    },
    waitFor(n, timeoutMs = DEFAULT_WAIT_MS) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (messages.length < n) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve([...messages]);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `smtp capture: expected ${n} message(s) within ${timeoutMs} ms, but ${messages.length} arrived (${attempts} DATA attempt(s))`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    failNext(n, code = 451) {
      for (let i = 0; i < n; i += 1) forcedFailures.push(code);
    },
    reset() {
      messages.length = 0;
      seenMessageIds.clear();
      forcedFailures.length = 0;
      attempts = 0;
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
