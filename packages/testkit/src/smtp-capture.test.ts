import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { startSmtpCapture, type SmtpCapture } from './smtp-capture.js';

interface Reply {
  code: number;
  text: string;
}

/**
 * A minimal SMTP client: nodemailer is not resolvable from this package, and a raw conversation
 * lets the tests see exactly which command got which reply.
 */
async function openSession(port: number): Promise<{ send(line: string): Promise<Reply>; reply(): Promise<Reply>; close(): void }> {
  const socket: Socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffer = '';
  let pending: { resolve(reply: Reply): void; reject(error: Error): void } | undefined;
  const lines: string[] = [];
  let closed = false;

  const drain = (): void => {
    // A reply ends at the line whose code is followed by a space; `250-` lines continue it.
    const last = lines.findIndex((line) => /^\d{3}( |$)/.test(line));
    if (last === -1 || !pending) return;
    const replyLines = lines.splice(0, last + 1);
    const final = replyLines[replyLines.length - 1] ?? '';
    const current = pending;
    pending = undefined;
    current.resolve({ code: Number(final.slice(0, 3)), text: replyLines.map((line) => line.slice(4)).join('\n') });
  };
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\r\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
    drain();
  });
  socket.on('error', (error) => pending?.reject(error));
  socket.on('close', () => {
    closed = true;
    pending?.reject(new Error('connection closed'));
  });

  const reply = (): Promise<Reply> =>
    new Promise((resolve, reject) => {
      pending = { resolve, reject };
      drain();
      if (pending && closed) reject(new Error('connection closed'));
    });
  const send = (line: string): Promise<Reply> => {
    const next = reply();
    socket.write(`${line}\r\n`);
    return next;
  };

  const greeting = await reply();
  if (greeting.code !== 220) throw new Error(`unexpected greeting ${greeting.code} ${greeting.text}`);
  await send('EHLO test.local');
  return { send, reply, close: () => socket.destroy() };
}

interface Envelope {
  from: string;
  to: string[];
  auth?: { user: string; pass: string };
}

/** Runs one transaction; returns the first non-success reply, or the reply to the message body. */
async function sendMail(port: number, envelope: Envelope, message: string): Promise<Reply> {
  const session = await openSession(port);
  try {
    if (envelope.auth) {
      const token = Buffer.from(`\0${envelope.auth.user}\0${envelope.auth.pass}`).toString('base64');
      const auth = await session.send(`AUTH PLAIN ${token}`);
      if (auth.code !== 235) return auth;
    }
    const mailFrom = await session.send(`MAIL FROM:<${envelope.from}>`);
    if (mailFrom.code !== 250) return mailFrom;
    for (const rcpt of envelope.to) {
      const rcptTo = await session.send(`RCPT TO:<${rcpt}>`);
      if (rcptTo.code !== 250) return rcptTo;
    }
    const data = await session.send('DATA');
    if (data.code !== 354) return data;
    const body = message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    return await session.send(`${body}\r\n.`);
  } finally {
    session.close();
  }
}

function mimeMessage(options: { messageId?: string; from?: string; to?: string; subject?: string } = {}): string {
  const boundary = 'b1_reauth';
  return [
    `From: Reauth <${options.from ?? 'no-reply@reauth.test'}>`,
    `To: ${options.to ?? 'alice@example.com'}`,
    `Subject: ${options.subject ?? 'Your sign-in link'}`,
    `Message-ID: ${options.messageId ?? `<${randomUUID()}@reauth.test>`}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Open https://app.test/magic?token=abc to sign in.',
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Open <a href="https://app.test/magic?token=abc">this link</a> to sign in.</p>',
    `--${boundary}--`,
    '',
  ].join('\n');
}

const envelope = { from: 'no-reply@reauth.test', to: ['alice@example.com'] };

describe('startSmtpCapture', () => {
  let capture: SmtpCapture;

  beforeAll(async () => {
    capture = await startSmtpCapture({ rejectRecipients: ['Gone@Example.com'] });
  });
  afterAll(async () => {
    await capture.close();
  });
  beforeEach(() => capture.reset());

  it('listens on a random loopback port without credentials in the URL', () => {
    expect(capture.port).toBeGreaterThan(0);
    expect(capture.url).toBe(`smtp://127.0.0.1:${capture.port}`);
  });

  it('receives and parses a text + html message', async () => {
    const reply = await sendMail(capture.port, envelope, mimeMessage({ messageId: '<m1@reauth.test>' }));
    expect(reply.code).toBe(250);

    const [mail] = await capture.waitFor(1);
    expect(mail).toMatchObject({
      messageId: '<m1@reauth.test>',
      from: 'no-reply@reauth.test',
      to: ['alice@example.com'],
      subject: 'Your sign-in link',
    });
    expect(mail?.text.trim()).toBe('Open https://app.test/magic?token=abc to sign in.');
    expect(mail?.html).toContain('<a href="https://app.test/magic?token=abc">this link</a>');
    expect(mail?.headers.get('subject')).toBe('Your sign-in link');
    expect(mail?.raw).toContain('Message-ID: <m1@reauth.test>');
    expect(mail?.receivedAt).toBeLessThanOrEqual(Date.now());
    expect(capture.attempts).toBe(1);
  });

  it('waitFor resolves once a later message arrives', async () => {
    const waiting = capture.waitFor(2, 5_000);
    await sendMail(capture.port, envelope, mimeMessage({ subject: 'first' }));
    await sendMail(capture.port, envelope, mimeMessage({ subject: 'second' }));
    const mails = await waiting;
    expect(mails.map((mail) => mail.subject)).toEqual(['first', 'second']);
  });

  it('answers failNext codes to the next DATA commands, then accepts the retry', async () => {
    capture.failNext(1, 451);
    const message = mimeMessage();
    const first = await sendMail(capture.port, envelope, message);
    expect(first).toEqual({ code: 451, text: '4.3.0 Temporary failure, try again later' });
    expect(capture.messages).toHaveLength(0);

    const retry = await sendMail(capture.port, envelope, message);
    expect(retry.code).toBe(250);
    expect(capture.messages).toHaveLength(1);
    expect(capture.attempts).toBe(2);
  });

  it('defaults failNext to 451 and queues the requested codes in order', async () => {
    capture.failNext(1);
    capture.failNext(1, 550);
    expect((await sendMail(capture.port, envelope, mimeMessage())).code).toBe(451);
    expect((await sendMail(capture.port, envelope, mimeMessage())).code).toBe(550);
    expect((await sendMail(capture.port, envelope, mimeMessage())).code).toBe(250);
  });

  it('rejects messages to rejectRecipients with 550, case-insensitively', async () => {
    const reply = await sendMail(capture.port, { ...envelope, to: ['gone@example.com'] }, mimeMessage());
    expect(reply.code).toBe(550);
    expect(reply.text).toContain('gone@example.com');
    expect(capture.messages).toHaveLength(0);
    expect(capture.attempts).toBe(1);
  });

  it('refuses messages over the size limit', async () => {
    const huge = `${mimeMessage()}\n${'x'.repeat(76).concat('\n').repeat(15_000)}`;
    const reply = await sendMail(capture.port, envelope, huge);
    expect(reply.code).toBe(552);
    expect(capture.messages).toHaveLength(0);
  });

  it('waitFor rejects with how many messages arrived', async () => {
    await sendMail(capture.port, envelope, mimeMessage());
    await expect(capture.waitFor(3, 200)).rejects.toThrow(
      'smtp capture: expected 3 message(s) within 200 ms, but 1 arrived (1 DATA attempt(s))',
    );
  });

  it('reset forgets messages, attempts and pending failures', async () => {
    await sendMail(capture.port, envelope, mimeMessage());
    const kept = capture.messages;
    capture.failNext(1);
    capture.reset();
    expect(capture.messages).toBe(kept);
    expect(capture.messages).toHaveLength(0);
    expect(capture.attempts).toBe(0);
    expect((await sendMail(capture.port, envelope, mimeMessage())).code).toBe(250);
  });
});

describe('startSmtpCapture with auth', () => {
  let capture: SmtpCapture;

  beforeAll(async () => {
    capture = await startSmtpCapture({ user: 'mailer', pass: 's3cret/pw' });
  });
  afterAll(async () => {
    await capture.close();
  });

  it('puts the credentials in the URL', () => {
    expect(capture.url).toBe(`smtp://mailer:s3cret%2Fpw@127.0.0.1:${capture.port}`);
    const url = new URL(capture.url);
    expect(decodeURIComponent(url.password)).toBe('s3cret/pw');
  });

  it('requires authentication before MAIL FROM', async () => {
    const reply = await sendMail(capture.port, envelope, mimeMessage());
    expect(reply.code).toBe(530);
  });

  it('rejects a wrong password', async () => {
    const reply = await sendMail(capture.port, { ...envelope, auth: { user: 'mailer', pass: 'nope' } }, mimeMessage());
    expect(reply.code).toBe(535);
    expect(capture.messages).toHaveLength(0);
  });

  it('accepts AUTH PLAIN with the right credentials', async () => {
    const reply = await sendMail(capture.port, { ...envelope, auth: { user: 'mailer', pass: 's3cret/pw' } }, mimeMessage());
    expect(reply.code).toBe(250);
    await capture.waitFor(1);
  });

  it('accepts AUTH LOGIN with the right credentials', async () => {
    const session = await openSession(capture.port);
    try {
      expect((await session.send('AUTH LOGIN')).code).toBe(334);
      expect((await session.send(Buffer.from('mailer').toString('base64'))).code).toBe(334);
      expect((await session.send(Buffer.from('s3cret/pw').toString('base64'))).code).toBe(235);
    } finally {
      session.close();
    }
  });
});

describe('startSmtpCapture transientFailureRate', () => {
  let capture: SmtpCapture;

  beforeAll(async () => {
    capture = await startSmtpCapture({ transientFailureRate: 1 });
  });
  afterAll(async () => {
    await capture.close();
  });

  it('fails only the first attempt of each Message-ID', async () => {
    const first = mimeMessage({ messageId: '<chaos-1@reauth.test>' });
    expect((await sendMail(capture.port, envelope, first)).code).toBe(451);
    expect((await sendMail(capture.port, envelope, first)).code).toBe(250);

    const second = mimeMessage({ messageId: '<chaos-2@reauth.test>' });
    expect((await sendMail(capture.port, envelope, second)).code).toBe(451);
    expect((await sendMail(capture.port, envelope, second)).code).toBe(250);
    expect(capture.attempts).toBe(4);
    expect(capture.messages.map((mail) => mail.messageId)).toEqual(['<chaos-1@reauth.test>', '<chaos-2@reauth.test>']);
  });

  it('makes the same decision for the same Message-ID on a fresh server', async () => {
    const decisions = async (): Promise<number[]> => {
      const chaos = await startSmtpCapture({ transientFailureRate: 0.5 });
      try {
        const codes: number[] = [];
        for (let i = 0; i < 8; i += 1) {
          codes.push((await sendMail(chaos.port, envelope, mimeMessage({ messageId: `<det-${i}@reauth.test>` }))).code);
        }
        return codes;
      } finally {
        await chaos.close();
      }
    };
    const codes = await decisions();
    expect(codes.every((code) => code === 250 || code === 451)).toBe(true);
    expect(await decisions()).toEqual(codes);
  });
});

describe('startSmtpCapture 421', () => {
  it('answers 421 and closes the connection', async () => {
    const capture = await startSmtpCapture();
    try {
      capture.failNext(1, 421);
      const session = await openSession(capture.port);
      try {
        await session.send(`MAIL FROM:<${envelope.from}>`);
        await session.send(`RCPT TO:<${envelope.to[0]}>`);
        await session.send('DATA');
        expect((await session.send(`${mimeMessage().replace(/\n/g, '\r\n')}\r\n.`)).code).toBe(421);
        await expect(session.send('NOOP')).rejects.toThrow('connection closed');
      } finally {
        session.close();
      }
    } finally {
      await capture.close();
    }
  });
});
