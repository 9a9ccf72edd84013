import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  addAuth,
  addUser,
  deliverWebhook,
  dumpRedis,
  eventually,
  readAof,
  runReauthCommand,
  startHttpProxy,
  startReauth,
  startWorld,
  waitForQuiescence,
  type HttpProxy,
  type ReauthProcess,
  type World,
} from '@reauth/chaos';
import { mixedUsers, postSigned, pressButton, startFakeJourneyApps, startFakeTrueLayer, webhookSecret, type FakeJourneyApps, type FakeTrueLayer } from '@reauth/testkit';
import { unmaskedSecretFields } from './secret-fields.js';

let world: World;
let tray: HttpProxy;
let truelayer: FakeTrueLayer;
let journeyapps: FakeJourneyApps;
const journeyAppsToken = `ja-${Math.random().toString(36).slice(2)}-named-token`;
const journeyAppsIntakeToken = `ja-${Math.random().toString(36).slice(2)}-intake-token`;
const intakeSecret = webhookSecret();
const refreshTokens: string[] = [];
const processes: ReauthProcess[] = [];
/** Every place a secret could end up, by name. */
const haystacks: Record<string, string> = {};
let secrets: Record<string, string>;

/**
 * Runs the whole pipeline as separate processes through every path that writes an error somewhere:
 * Tray 5xx and rate limits, a revoked user token (refresh), an unknown Tray user (a master-token
 * call fails for good), SMTP 451 and 550, a user without contact, link clicks good and tampered.
 */
beforeAll(async () => {
  world = await startWorld({ smtp: { rejectRecipients: ['bounce@customer.test'] } });
  tray = await startHttpProxy(world.tray.dialogUrl);
  truelayer = await startFakeTrueLayer({ graceMs: 0 });
  journeyapps = await startFakeJourneyApps({ token: journeyAppsToken });
  journeyapps.addUsers(mixedUsers(20));
  const env = {
    ...world.env,
    TRAY_GRAPHQL_URL: `${tray.origin}/graphql`,
    LOG_LEVEL: 'debug',
    TRUELAYER_INTAKE_SECRET: intakeSecret,
    TRUELAYER_AUTH_URL: truelayer.url,
    TRUELAYER_FALLBACK_URL: 'https://app.customer.test/connect?u={external_user_id}',
    TRUELAYER_NOTICES: '-1s',
    JOURNEYAPPS_API_URL: journeyapps.url,
    JOURNEYAPPS_API_TOKEN: journeyAppsToken,
    JOURNEYAPPS_INTAKE_TOKEN: journeyAppsIntakeToken,
  };
  processes.push(
    startReauth({ roles: ['ingress'], env }),
    startReauth({ roles: ['token-lookup', 'instance-mapping', 'notify', 'reminders', 'journeyapps-force'], env }),
  );
  await Promise.all(processes.map((p) => p.ready));

  const users = [addUser(world), addUser(world), addUser(world)];
  const send = async (webhook: object) => (await deliverWebhook(world.webhookUrl(), webhook)).id;
  world.tray.failNext(3, 502);
  world.tray.rateLimitNext(2);
  world.smtp.failNext(2, 451);
  for (const user of users) await send(addAuth(world, user).webhook);
  await waitForQuiescence(world.queues, { timeoutMs: 30_000 });

  // Cached tokens revoked at Tray: the next mapping gets 401 and mints a new one.
  world.tray.revokeUserTokens();
  for (const user of users) await send(addAuth(world, user).webhook);
  await send(addAuth(world, addUser(world, { inTray: false })).webhook);
  await send(addAuth(world, addUser(world, { contact: false })).webhook);
  const bouncing = addUser(world);
  world.contacts.set(bouncing.externalUserId, { email: 'bounce@customer.test' });
  await send(addAuth(world, bouncing).webhook);
  const responses: string[] = [];
  const wrong = await fetch(world.webhookUrl('not-the-token-at-all'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  responses.push(await wrong.text());
  await waitForQuiescence(world.queues, { timeoutMs: 30_000 });

  for (const mail of world.smtp.messages.slice(0, 2)) {
    const path = /http:\/\/reauth\.test(\/reauth\/\S+)/.exec(mail.text)?.[1] ?? '';
    for (const url of [`${world.ingressUrl}${path}`, `${world.ingressUrl}${path.slice(0, -4)}AAAA`]) {
      const page = await fetch(url, { redirect: 'manual' });
      const pressed = await pressButton(url);
      for (const res of [page, pressed]) responses.push(`${res.status} ${res.headers.get('location') ?? ''} ${await res.text()}`);
    }
  }
  // TrueLayer: a click that reaches the bank, one refused (past its grace), one retried (5xx) and
  // then revoked; each post carries a refresh token in clear.
  const consents = ['live', 'lapsed', 'busy'];
  const mailsBefore = world.smtp.messages.length;
  for (const name of consents) {
    const refreshToken = `rt-${name}-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    refreshTokens.push(refreshToken);
    const expiresAt = name === 'lapsed' ? Date.now() - 1_000 : Date.now() + 500;
    truelayer.addConnection({ refreshToken, redirectUri: 'https://app.customer.test/cb', consentExpiresAt: name === 'lapsed' ? expiresAt : Date.now() + 86_400_000 });
    const consent = { external_user_id: `tl-${name}`, credentials_id: `cred-${name}`, refresh_token: refreshToken, redirect_uri: 'https://app.customer.test/cb', consent_expires_at: new Date(expiresAt).toISOString(), provider: { provider_id: 'ob-lloyds', display_name: 'Lloyds' }, contact: { email: `${name}@customer.test` } };
    const res = await postSigned(`${world.ingressUrl}/webhooks/truelayer/consents`, intakeSecret, consent);
    responses.push(`${res.status} ${await res.text()}`);
  }
  await eventually('the TrueLayer notices', async () => (world.smtp.messages.length >= mailsBefore + consents.length ? true : undefined), 30_000);
  for (const mail of world.smtp.messages.slice(mailsBefore)) {
    const path = /http:\/\/reauth\.test(\/reauth\/\S+)/.exec(mail.text)?.[1] ?? '';
    if (mail.to.includes('busy@customer.test')) truelayer.failNext(2, 503);
    const pressed = await pressButton(`${world.ingressUrl}${path}`);
    responses.push(`${pressed.status} ${pressed.headers.get('location') ?? ''} ${await pressed.text()}`);
  }
  const revoke = await postSigned(`${world.ingressUrl}/webhooks/truelayer/consents/cred-busy/revoke`, intakeSecret, {});
  responses.push(`${revoke.status} ${await revoke.text()}`);

  // JourneyApps: a sweep from the CLI (forces), an on-demand post, and a sweep whose token is refused.
  const cliEnv = { ...env, REDIS_URL: world.env.REDIS_URL!, LOG_LEVEL: 'debug' };
  for (const run of ['ok', 'refused']) {
    if (run === 'refused') journeyapps.setToken('rotated-at-journeyapps-0000');
    const sweep = await runReauthCommand(['journeyapps', 'sweep'], cliEnv);
    responses.push(sweep.stdout, sweep.stderr);
  }
  journeyapps.setToken(journeyAppsToken);
  const onDemand = await fetch(`${world.ingressUrl}/webhooks/journeyapps/reauthenticate`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${journeyAppsIntakeToken}` }, body: JSON.stringify({ user_id: 'user-0000013' }) });
  responses.push(`${onDemand.status} ${await onDemand.text()}`);
  await eventually('the JourneyApps sessions forced', async () => (journeyapps.reauthenticated.length >= 7 ? true : undefined), 30_000);

  const dlq = await runReauthCommand(['dlq', 'list', '--json'], { REDIS_URL: world.env.REDIS_URL!, LOG_LEVEL: 'debug' });
  responses.push(dlq.stdout, dlq.stderr);

  await Promise.all(processes.map((p) => p.stop()));
  haystacks['process logs'] = processes.flatMap((p) => p.output).join('\n');
  haystacks['Redis keys and values'] = (await dumpRedis(world.redisClient)).text;
  haystacks['AOF'] = readAof(world.redisDir);
  haystacks['HTTP answers and dlq output'] = responses.join('\n');

  const userTokens = tray.exchanges.flatMap((e) => /"accessToken":"([^"]+)"/.exec(e.responseBody)?.[1] ?? []);
  secrets = {
    TRAY_MASTER_TOKEN: world.secrets.masterToken,
    WEBHOOK_TOKEN: world.secrets.webhookToken,
    LINK_SECRET: world.secrets.linkSecret,
    'SMTP password': world.secrets.smtpPass,
    ...Object.fromEntries(userTokens.map((t, i) => [`user token ${i + 1}`, t])),
    // Tray Embedded's user tokens come without refresh tokens; TrueLayer's are posted by the customer.
    TRUELAYER_INTAKE_SECRET: intakeSecret,
    ...Object.fromEntries(refreshTokens.map((t, i) => [`TrueLayer refresh token ${i + 1}`, t])),
    JOURNEYAPPS_API_TOKEN: journeyAppsToken,
    JOURNEYAPPS_INTAKE_TOKEN: journeyAppsIntakeToken,
  };
}, 90_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  await tray?.close();
  await truelayer?.close();
  await journeyapps?.close();
  await world?.stop();
});

describe('secrets', () => {
  it('the run went through the paths that write errors, and the haystacks hold what they should', () => {
    // A grep over empty or unrelated text would prove nothing.
    expect(Object.keys(secrets).filter((k) => k.startsWith('user token')).length).toBeGreaterThanOrEqual(6);
    expect(world.tray.calls.some((c) => c.status === 401 && c.tokenKind === 'none')).toBe(true);
    const logs = haystacks['process logs']!;
    for (const line of ['Tray authorize failed', 'upstream rate limit', 'Tray authorize: the user does not exist', 'SMTP 451', 'SMTP 550', 'no contact found', 're-auth link opened; sending the user on to the provider']) {
      expect(logs).toContain(line);
    }
    expect(haystacks['Redis keys and values']).toContain('"event","failed"');
    expect(haystacks['Redis keys and values']).toContain(':tray:user-token:');
    expect(haystacks['HTTP answers and dlq output']).toContain('"sourceQueue": "token-lookup"');
    // The TrueLayer paths ran: a bank link, the fallback page, the retry page, a revoke.
    expect(truelayer.calls.map((c) => c.status)).toEqual(expect.arrayContaining([200, 401, 503]));
    for (const answer of ['/bank/', 'app.customer.test/connect?u=tl-lapsed', 'try again in a minute', '"status":"revoked"']) expect(haystacks['HTTP answers and dlq output']).toContain(answer);
    expect(haystacks['Redis keys and values']).toContain('truelayer');
    // The JourneyApps paths ran: a sweep that forced, a refused token, an on-demand post.
    for (const answer of ['sweep of default: completed', 'refused the API token', '"status":"queued"', '"sourceQueue": "journeyapps-sweep"']) expect(haystacks['HTTP answers and dlq output']).toContain(answer);
  });

  it('no secret appears in logs, Redis (keys, values, job data, dead letters, event streams), the AOF, or any answer', () => {
    const found = Object.entries(secrets).flatMap(([name, secret]) =>
      Object.entries(haystacks).filter(([, text]) => text.includes(secret)).map(([where]) => `${name} in ${where}`),
    );
    expect(found).toEqual([]);
  });

  it('no secret-named field, at any depth, carries an unmasked value anywhere', () => {
    const found = Object.entries(haystacks).flatMap(([where, text]) => unmaskedSecretFields(text).map((name) => `${name} in ${where}`));
    expect(found).toEqual([]);
  });

  it('the field sweep catches a nested secret in a log line and in job data as Redis holds it', () => {
    const nested = { job: { auth: { a: { b: { refresh_token: 'rt-1' } } } }, list: [{ linkKey: 'k-1' }], fine: { password: '[REDACTED]', token: null } };
    const logLine = JSON.stringify({ level: 30, msg: 'x', ...nested });
    const jobHash = `bull:notify:1\ndata\n${JSON.stringify(JSON.stringify(nested))}`;
    expect(unmaskedSecretFields(logLine)).toEqual(['refresh_token', 'linkKey']);
    expect(unmaskedSecretFields(jobHash)).toEqual(['refresh_token', 'linkKey']);
    expect(unmaskedSecretFields(JSON.stringify({ fine: nested.fine, tokenKind: 'user' }))).toEqual([]);
  });
});
