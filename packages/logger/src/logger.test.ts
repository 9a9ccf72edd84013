import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger, lazyChild, redactSecrets, redactUrl } from './index.js';

function capture(level = 'debug') {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger({ level, name: 'test' }, sink), lines };
}

const master = 'master-7f3a9c1e5b2d4f60';
const userToken = 'user-token-1b2c3d4e5f60718293';
const linkSecret = 'link-secret-0123456789abcdef0123456789';
const smtpPass = 'smtp-pass-9e8d7c6b5a';

describe('log redaction', () => {
  it('masks secret-named fields at the top and two levels down, and credential headers of requests', () => {
    const { log, lines } = capture();
    log.info({ masterToken: master, userToken, config: { LINK: { secret: linkSecret } }, smtp: { pass: smtpPass } }, 'startup');
    log.error({ err: { message: 'Tray refused', authorization: `Bearer ${master}`, accessToken: userToken } }, 'tray call failed');
    log.info({ req: { method: 'POST', url: '/webhooks/tray/expired-auth', headers: { authorization: `Bearer ${master}`, cookie: `s=${userToken}` }, query: { token: linkSecret } } }, 'request');
    log.warn({ job: { auth: { code: 'one-time-code-abc' } } }, 'two levels down');
    const text = lines.join('');
    for (const secret of [master, userToken, linkSecret, smtpPass, 'one-time-code-abc']) expect(text).not.toContain(secret);
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ msg: 'startup', masterToken: '[REDACTED]', config: { LINK: { secret: '[REDACTED]' } }, smtp: { pass: '[REDACTED]' } });
    expect(JSON.parse(lines[2] ?? '{}')).toMatchObject({ req: { method: 'POST', headers: { authorization: '[REDACTED]', cookie: '[REDACTED]' }, query: { token: '[REDACTED]' } } });
  });

  it('masks secret-named fields at any depth, in arrays, and in lazy child bindings, without touching what is logged', () => {
    const { log, lines } = capture();
    const names = ['token', 'refresh_token', 'password', 'secret', 'authorization', 'masterToken', 'userToken', 'refreshToken', 'linkKey', 'client_secret', 'apiKey', 'Set-Cookie', 'webhookToken'];
    const secrets = names.map((name, i) => `${name}-value-${i}-0123456789`);
    const nested = (leaf: object) => ({ a: { b: { c: { d: { e: leaf } } } } });
    const logged = {
      deep: nested(Object.fromEntries(names.map((name, i) => [name, secrets[i]]))),
      list: [{ x: [nested({ password: smtpPass })] }],
      keep: nested({ tokenKind: 'user', authId: 'auth-1', attempts: 3 }),
    };
    const before = JSON.stringify(logged);
    lazyChild(log, { job: nested({ masterToken: master }) }).info(logged, 'deep');
    const text = lines.join('');
    for (const secret of [...secrets, smtpPass, master]) expect(text).not.toContain(secret);
    const line = JSON.parse(lines[0] ?? '{}');
    expect(line.deep.a.b.c.d.e).toEqual(Object.fromEntries(names.map((name) => [name, '[REDACTED]'])));
    expect(line.list[0].x[0].a.b.c.d.e).toEqual({ password: '[REDACTED]' });
    expect(line.job.a.b.c.d.e).toEqual({ masterToken: '[REDACTED]' });
    expect(line.keep).toEqual(logged.keep);
    // The caller's object is not rewritten in place.
    expect(JSON.stringify(logged)).toBe(before);
  });

  it('keeps an Error an Error when masking a field of it, so the err serializer still applies', () => {
    const { log, lines } = capture();
    log.error({ err: Object.assign(new Error('Tray refused'), { response: { headers: { authorization: `Bearer ${master}` } } }) }, 'failed');
    const line = JSON.parse(lines[0] ?? '{}');
    expect(line.err).toMatchObject({ type: 'Error', message: 'Tray refused', response: { headers: { authorization: '[REDACTED]' } } });
    expect(line.err.stack).toContain('Tray refused');
  });

  it('builds a lazy child only when a line is written, with the same fields as an eager one', () => {
    const { log, lines } = capture('info');
    let built = 0;
    const counting = new Proxy(log, { get: (t, p) => (p === 'child' ? (...a: Parameters<typeof log.child>) => (built += 1, t.child(...a)) : Reflect.get(t, p, t)) });
    const quiet = lazyChild(counting, { queue: 'notify', jobId: 'j1' });
    quiet.debug({ detail: 'below the level' }, 'not written');
    expect(built).toBe(0);
    const writing = lazyChild(counting, { queue: 'notify', jobId: 'j2' });
    writing.info({ n: 1 }, 'first');
    writing.warn('second');
    expect(built).toBe(1);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ queue: 'notify', jobId: 'j2', n: 1, msg: 'first' }),
      expect.objectContaining({ queue: 'notify', jobId: 'j2', msg: 'second', level: 40 }),
    ]);
  });

  it('masks credentials inside URLs: query secrets and the password of scheme://user:password@host', () => {
    expect(redactUrl(`/webhooks/tray/expired-auth?token=${linkSecret}&x=1`)).toBe('/webhooks/tray/expired-auth?token=[REDACTED]&x=1');
    expect(redactUrl(`https://embedded.tray.io/external/auth/edit/acme/a1?code=${userToken}`)).toBe('https://embedded.tray.io/external/auth/edit/acme/a1?code=[REDACTED]');
    expect(redactUrl(`connect failed: smtps://mailer:${smtpPass}@smtp.example.com:465 refused`)).toBe('connect failed: smtps://mailer:[REDACTED]@smtp.example.com:465 refused');
    expect(redactUrl('redis://:hunter2@10.0.0.1:6379/0')).toBe('redis://:[REDACTED]@10.0.0.1:6379/0');
    expect(redactUrl('https://reauth.example.com/reauth/abc.def')).toBe('https://reauth.example.com/reauth/abc.def');
  });

  it('applies the same rules to data shown outside the logs, at any depth', () => {
    const shown = redactSecrets({
      notificationId: 'n1',
      deep: { a: { b: { c: { Password: smtpPass, list: [{ refresh_token: userToken }] } } } },
      note: `called with Bearer ${master}`,
      link: `http://reauth.test/x?token=${linkSecret}`,
    });
    expect(shown).toEqual({
      notificationId: 'n1',
      deep: { a: { b: { c: { Password: '[REDACTED]', list: [{ refresh_token: '[REDACTED]' }] } } } },
      note: 'called with Bearer [REDACTED]',
      link: 'http://reauth.test/x?token=[REDACTED]',
    });
  });

  it('takes its level from LOG_LEVEL and survives an unknown one (config validation reports it)', () => {
    expect(createLogger({ level: 'warn' }).level).toBe('warn');
    expect(createLogger({ level: 'silent' }).level).toBe('silent');
    expect(createLogger({ level: 'verbose' }).level).toBe('info');
    const { log, lines } = capture('warn');
    log.info('hidden');
    log.warn('shown');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['shown']);
  });
});
