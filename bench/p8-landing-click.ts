import { randomBytes, randomUUID } from 'node:crypto';
import { startCpuMeter, type CpuSplit } from './lib/cpu.js';
import type { Click, ClickResult } from './lib/load.js';
import { startLoadGenerator, type LoadGenerator } from './lib/load-generator.js';
import { startReauth, untilReady, type Child } from './lib/processes.js';
import { startStack, type Stack } from './lib/stack.js';
import { inLanes, median, round } from './lib/wait.js';
import { createLinkSigner, createNotifications, freePort, postSigned, readFormKey, startFakeTrueLayer, trayRecord, webhookSecret, type FakeTrueLayer, type Notifications } from './lib/workspace.js';

/**
 * P8, the landing page's button: `POST /reauth/{token}` with the page's form key, as a browser
 * without JavaScript sends it, until the 302 to Tray's dialog or the bank. The fake Tray and the
 * fake TrueLayer hold every answer `upstreamMs`, so each click waits for one remote call, as in
 * production. One reauth ingress serves both; `connections` clients press buttons back to back,
 * each button once, in rounds interleaved between the providers. The org-wide Tray budget is
 * raised out of the way: at its default 25 calls/s it, not the click path, would set the pace
 * (P3 measures the budget).
 */
export interface P8Options {
  rounds: number;
  clicksPerRound: number;
  warmupClicks: number;
  connections: number;
  upstreamMs: number;
}

const providers = ['tray', 'truelayer'] as const;
type ProviderName = (typeof providers)[number];

export interface P8Result {
  options: P8Options;
  runs: Record<ProviderName, Array<ClickResult & { cpuPerClick: CpuSplit }>>;
  /** Medians over the rounds. */
  p50Ms: Record<ProviderName, number>;
  p99Ms: Record<ProviderName, number>;
  rps: Record<ProviderName, number>;
  /** Over every measured round: answers other than the 302 to the provider, and requests without an answer. */
  notRedirected: Record<ProviderName, number>;
}

const DAY_MS = 86_400_000;
const TRAY_USERS = 100;
/** Requests in flight while notifications and form keys are prepared. */
const PREPARE_LANES = 20;

/** Where a click must send the browser. */
interface Target {
  location: string;
  /** Opens `n` notifications; answers their ids. */
  open(n: number): Promise<string[]>;
}

function trayTarget(stack: Stack, store: Notifications): Target {
  const users = Array.from({ length: TRAY_USERS }, (_, i) => ({ id: randomUUID(), externalUserId: randomUUID(), name: `Bench User ${i}` }));
  for (const user of users) stack.tray.addUser(user);
  return {
    location: `${stack.tray.dialogUrl}/external/auth/`,
    async open(n) {
      const ids = Array.from({ length: n }, () => `tray-${randomUUID()}`);
      // The record the Tray stages open; the stages themselves (token, instances, email) are P2's subject.
      await inLanes(n, PREPARE_LANES, async (i) => {
        const user = users[i % TRAY_USERS] as (typeof users)[number];
        const auth = { authId: randomUUID(), user_id: user.id, external_user_id: user.externalUserId, service_name: 'salesforce', authentication_name: `${user.name}'s Salesforce ${i}` };
        const instances = [{ id: randomUUID(), name: 'Salesforce nightly sync', externalId: 'external_salesforce_auth' }];
        await store.open(trayRecord({ notificationId: ids[i] as string, receivedAt: Date.now(), auth }, stack.config.LINK_TTL_DAYS, instances));
      });
      return ids;
    },
  };
}

/** TrueLayer's records come through its real intake: a signed consent, its refresh token sealed. */
function trueLayerTarget(fake: FakeTrueLayer, ingressUrl: string, secret: string): Target {
  const redirectUri = 'https://app.bench.test/truelayer/callback';
  return {
    location: `${fake.url}/bank/`,
    async open(n) {
      const ids: string[] = [];
      await inLanes(n, PREPARE_LANES, async (i) => {
        const refreshToken = `rt-${randomBytes(16).toString('hex')}`;
        const consentExpiresAt = Date.now() + 3 * DAY_MS;
        fake.addConnection({ refreshToken, redirectUri, consentExpiresAt });
        const credentialsId = `cred-${randomUUID()}`;
        const res = await postSigned(`${ingressUrl}/webhooks/truelayer/consents`, secret, {
          external_user_id: `ext-${i}`,
          credentials_id: credentialsId,
          refresh_token: refreshToken,
          redirect_uri: redirectUri,
          consent_expires_at: new Date(consentExpiresAt).toISOString(),
          provider: { provider_id: 'ob-lloyds', display_name: 'Lloyds Bank' },
          state: credentialsId,
          contact: { email: `user${i}@bench.test`, name: `Bench User ${i}` },
        });
        const answer = (await res.json()) as { status?: string; id?: string };
        if (answer.status !== 'accepted' || !answer.id) throw new Error(`bench: consent ${i} was not accepted (${res.status} ${JSON.stringify(answer)})`);
        ids.push(answer.id);
      });
      return ids;
    },
  };
}

export async function runP8(options: P8Options, log: (line: string) => void): Promise<P8Result> {
  const secret = webhookSecret();
  const trueLayer = await startFakeTrueLayer({ latencyMs: options.upstreamMs });
  const stack = await startStack({ trayRateLimit: false, trayLatencyMs: options.upstreamMs });
  let ingress: Child | undefined;
  let load: LoadGenerator | undefined;
  try {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = startReauth(
      'p8-ingress',
      ['ingress'],
      stack.env({ PORT: String(port), TRAY_RATE_LIMIT_RPS: '100000', TRUELAYER_INTAKE_SECRET: secret, TRUELAYER_AUTH_URL: trueLayer.url, TRUELAYER_FALLBACK_URL: 'https://app.bench.test/connect?user={external_user_id}' }),
    );
    ingress = child;
    await untilReady(child, url);
    load = await startLoadGenerator('p8-autocannon');

    const store = createNotifications(stack.redisClient, { prefix: stack.config.REDIS_PREFIX, retentionDays: stack.config.HISTORY_DAYS });
    const targets: Record<ProviderName, Target> = { tray: trayTarget(stack, store), truelayer: trueLayerTarget(trueLayer, url, secret) };
    const signer = createLinkSigner(stack.env().LINK_SECRET as string);
    /** Each notification's link signed as the core signs an email's, and the form key its page carries. */
    const clicksFor = async (ids: readonly string[]): Promise<Click[]> => {
      const clicks: Click[] = [];
      await inLanes(ids.length, PREPARE_LANES, async (i) => {
        const record = await store.get(ids[i] as string);
        if (!record) throw new Error(`bench: notification ${ids[i]} was not stored`);
        const path = `/reauth/${signer.sign({ provider: record.provider, notificationId: record.id }, record.expiresAt).token}`;
        const formKey = await readFormKey(`${url}${path}`);
        if (!formKey) throw new Error(`bench: the landing page of ${record.id} carries no form key`);
        clicks[i] = { path, formKey };
      });
      return clicks;
    };

    const perProvider = options.warmupClicks + options.rounds * options.clicksPerRound;
    const prepared = {} as Record<ProviderName, Click[]>;
    for (const name of providers) {
      const t0 = Date.now();
      prepared[name] = await clicksFor(await targets[name].open(perProvider));
      log(`  p8: ${perProvider} ${name} notifications opened and their pages loaded in ${round((Date.now() - t0) / 1000, 1)} s`);
    }
    const press = (name: ProviderName, clicks: Click[]) => (load as LoadGenerator).click({ url, clicks, connections: options.connections, location: targets[name].location });
    const batch = (name: ProviderName, index: number) => prepared[name].slice(options.warmupClicks + index * options.clicksPerRound, options.warmupClicks + (index + 1) * options.clicksPerRound);

    for (const name of providers) {
      const warm = await press(name, prepared[name].slice(0, options.warmupClicks));
      log(`  p8 warm-up: ${name.padEnd(9)} p99 ${warm.p99Ms} ms, ${warm.redirected} redirected, answers ${JSON.stringify(warm.statuses)}, errors ${warm.errors}`);
    }
    const runs: P8Result['runs'] = { tray: [], truelayer: [] };
    for (let r = 0; r < options.rounds; r += 1) {
      for (const name of providers) {
        const cpu = await startCpuMeter(stack.redisClient, [child], [load.child]);
        const result = await press(name, batch(name, r));
        const cpuPerClick = await cpu.perItem(result.requests);
        child.assertAlive();
        runs[name].push({ ...result, cpuPerClick });
        log(
          `  p8 round ${r + 1}: ${name.padEnd(9)} ${Math.round(result.rps)} clicks/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms; ` +
            `${result.redirected} redirected, ${result.notRedirected} not (answers ${JSON.stringify(result.statuses)}, errors ${result.errors}); ` +
            `CPU ms/click: reauth ${cpuPerClick.subjectMs}, redis ${cpuPerClick.redisMs}, bench ${cpuPerClick.benchMs}`,
        );
      }
    }
    const per = (pick: (r: ClickResult) => number, digits = 1) =>
      Object.fromEntries(providers.map((n) => [n, round(median(runs[n].map(pick)), digits)])) as Record<ProviderName, number>;
    return {
      options,
      runs,
      p50Ms: per((r) => r.p50Ms),
      p99Ms: per((r) => r.p99Ms),
      rps: per((r) => r.rps, 0),
      notRedirected: Object.fromEntries(providers.map((n) => [n, runs[n].reduce((sum, r) => sum + r.notRedirected, 0)])) as Record<ProviderName, number>,
    };
  } finally {
    await load?.stop();
    await ingress?.stop();
    await stack.close();
    await trueLayer.close();
  }
}
