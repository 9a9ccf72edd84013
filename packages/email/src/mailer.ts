import nodemailer from 'nodemailer';
import { PermanentError, TransientError } from '@reauth/queues';
import { headerText } from './escape.js';

export interface OutgoingMail {
  to: { address: string; name?: string };
  subject: string;
  text: string;
  html: string;
  /** Deterministic per notification, so a resend is recognisable as the same message. */
  messageId: string;
  /** A reminder threads under the first email: In-Reply-To and References name its Message-ID. */
  inReplyTo?: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ accepted: string[] }>;
  verify(): Promise<void>;
  close(): void;
}

interface SmtpFailure {
  responseCode?: number;
  code?: string;
  message?: string;
}

/** nodemailer failures: SMTP 5xx cannot succeed on retry; 4xx and connection trouble can. */
function classify(err: unknown): Error {
  const e = (err ?? {}) as SmtpFailure;
  const summary = `SMTP ${e.responseCode ?? e.code ?? 'error'}: ${(e.message ?? String(err)).slice(0, 200)}`;
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) return new PermanentError(summary, 'smtp-rejected');
  return new TransientError(summary, 'smtp-unavailable');
}

/** `poolSize` (SMTP_POOL_SIZE) connections: the send window of a notify process is as wide as this. */
export function createMailer(smtpUrl: string, from: string, poolSize = 5): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: poolSize,
    // The default (100) reconnects often; a connection per 1,000 messages keeps handshakes rare.
    maxMessages: 1_000,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);

  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from,
          to: { address: mail.to.address, name: headerText(mail.to.name ?? '', 80) },
          subject: headerText(mail.subject, 160),
          text: mail.text,
          html: mail.html,
          messageId: mail.messageId,
          ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo, references: [mail.inReplyTo] } : {}),
          ...(mail.headers ? { headers: mail.headers } : {}),
        });
        return { accepted: (info.accepted ?? []).map(String) };
      } catch (err) {
        throw classify(err);
      }
    },
    async verify() {
      await transport.verify();
    },
    close() {
      transport.close();
    },
  };
}
