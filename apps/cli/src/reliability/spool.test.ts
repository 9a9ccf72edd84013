import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { addAuth, addUser, waitForQuiescence, type AuthFixture } from '@reauth/chaos';
import { waitForReady } from '@reauth/testkit';
import { reliabilityFixture } from './fixture.js';

const WEBHOOKS = 500;
const fixture = reliabilityFixture();
let spoolDir: string | undefined;
afterEach(() => {
  if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
});

describe('the ingress spool', () => {
  it('loses nothing while Redis is away: 500 webhooks spooled, the ingress SIGKILLed and restarted, each notified once when Redis is back', async () => {
    const world = await fixture.world({ env: { TRAY_RATE_LIMIT_RPS: '500' } });
    spoolDir = mkdtempSync(join(tmpdir(), 'spool-'));
    const env = { INGRESS_SPOOL_DIR: spoolDir };
    const ingress = fixture.start(world, ['ingress'], env);
    const workers = fixture.start(world, ['token-lookup', 'instance-mapping', 'notify']);
    await Promise.all([ingress.ready, workers.ready]);

    // Few users (their tokens are cached), one auth per webhook, so each email names one auth.
    const users = Array.from({ length: 10 }, () => addUser(world));
    const auths: AuthFixture[] = Array.from({ length: WEBHOOKS }, (_, i) => addAuth(world, users[i % users.length]!));

    await world.redis.stop();
    const answers: Array<{ status: number; body: unknown }> = [];
    for (let i = 0; i < WEBHOOKS; i += 100) {
      answers.push(
        ...(await Promise.all(
          auths.slice(i, i + 100).map(async (auth) => {
            const res = await fetch(world.webhookUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(auth.webhook) });
            return { status: res.status, body: await res.json() };
          }),
        )),
      );
    }
    expect(answers.filter((a) => a.status !== 202 || (a.body as { status?: string }).status !== 'spooled')).toEqual([]);
    // The journal holds the notices and nothing of the requests that carried them.
    const journals = readdirSync(spoolDir).filter((n) => n.endsWith('.journal'));
    expect(journals.map((n) => readFileSync(join(spoolDir!, n), 'utf8')).join('')).not.toContain(world.secrets.webhookToken);

    await ingress.kill();
    const successor = fixture.start(world, ['ingress'], env);
    await waitForReady(`${world.ingressUrl}/healthz`, 30_000);
    await world.redis.restart();
    await successor.ready;

    await world.smtp.waitFor(WEBHOOKS, 120_000);
    await waitForQuiescence(world.queues, { timeoutMs: 60_000 });
    const emails = world.smtp.messages;
    expect(emails).toHaveLength(WEBHOOKS);
    expect(new Set(emails.map((m) => m.messageId)).size).toBe(WEBHOOKS);
    // Each auth in exactly one email.
    const text = emails.map((m) => `${m.subject}\n${m.text}`);
    expect(auths.filter((a) => text.filter((t) => new RegExp(`Sync for ${a.authId}(?!\\d)`).test(t)).length !== 1).map((a) => a.authId)).toEqual([]);
    expect(readdirSync(spoolDir).filter((n) => n.endsWith('.journal'))).toEqual([]);
  }, 240_000);
});
