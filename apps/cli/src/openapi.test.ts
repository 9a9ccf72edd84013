import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Express } from 'express';
import { parseConfig } from '@reauth/config';
import { createDashboard } from '@reauth/dashboard';
import { createIngress, createIngressServer, openApiPath } from '@reauth/ingress';
import { createLogger } from '@reauth/logger';
import { createReadiness, requireBearer } from '@reauth/metrics';
import { openQueues, type QueueSet } from '@reauth/queues';
import { createRedis, type RedisClient } from '@reauth/redis';
import { postSigned, startRedisServer, waitForReady, webhookSecret, type RedisServer } from '@reauth/testkit';
import { providerSwitches, workQueueNames } from '@reauth/worker';
import { startCore, type Core } from './core.js';

/** The document's parts this test reads. */
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface Document extends Record<string, unknown> {
  paths: Record<string, Record<string, Operation>>;
}

const ADMIN_PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
const METRICS_TOKEN = `metrics-${randomBytes(8).toString('hex')}`;
const WEBHOOK_TOKEN = `hook-${randomBytes(8).toString('hex')}`;
const INTAKE_SECRET = webhookSecret();
const JA_INTAKE_TOKEN = `ja-${randomBytes(8).toString('hex')}`;
const basic = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
const log = createLogger({ level: 'silent' });

let redis: RedisServer;
let commands: RedisClient;
let queues: QueueSet;
let core: Core;
let ingress: Express;
let dashboard: Express;
const servers: Server[] = [];
let ingressUrl: string;
let dashboardUrl: string;
let document: Document;

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

beforeAll(async () => {
  redis = await startRedisServer();
  // Every provider on, as a deployment with both would run: the document is built from their intakes.
  const env = { REDIS_URL: redis.url, LINK_SECRET: `link-${randomBytes(24).toString('hex')}`, WEBHOOK_TOKEN, TRUELAYER_INTAKE_SECRET: INTAKE_SECRET, TRUELAYER_FALLBACK_URL: 'https://app.example/connect', TRAY_MASTER_TOKEN: 'master', TRAY_EMBEDDED_ID: 'acme', ADMIN_PASSWORD, PUBLIC_URL: 'http://reauth.test', JOURNEYAPPS_API_URL: 'https://ja.example/api/v4/1', JOURNEYAPPS_API_TOKEN: 'ja-token', JOURNEYAPPS_INTAKE_TOKEN: JA_INTAKE_TOKEN };
  const config = parseConfig(env, ['ingress', 'dashboard'], providerSwitches);
  expect(config.providers).toEqual(['tray', 'truelayer', 'journeyapps']);
  commands = createRedis({ url: redis.url }, 'command');
  queues = openQueues({ target: { url: redis.url }, prefix: config.REDIS_PREFIX, queues: workQueueNames, tuning: { attempts: 1, backoffMs: 10 } });
  core = startCore(config, env, { redis: commands, queues, hooks: {} });
  const readiness = createReadiness(() => queues.connection.ping());
  ingress = createIngress({
    queues,
    intakes: core.intakes,
    signer: core.signer(),
    store: core.store,
    providers: core.runtimes,
    log,
    readiness,
    metrics: [requireBearer(METRICS_TOKEN), (_req, res) => void res.type('text/plain').send('')],
  }).app;
  dashboard = createDashboard({
    queues,
    store: core.store,
    credentials: { user: 'admin', password: ADMIN_PASSWORD },
    readOnly: false,
    readiness,
    log,
    loginStore: { redis: commands, prefix: config.REDIS_PREFIX },
    intakes: core.intakes,
  });
  ingressUrl = await listen(createIngressServer(ingress));
  dashboardUrl = await listen(dashboard.listen(0, '127.0.0.1'));
  await Promise.all([waitForReady(`${ingressUrl}/readyz`), waitForReady(`${dashboardUrl}/readyz`)]);
  document = (await (await fetch(`${dashboardUrl}/openapi.json`, { headers: { authorization: basic } })).json()) as Document;
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  core.close();
  await queues.close();
  await commands.quit();
  await redis.stop();
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  slash: boolean;
}

/**
 * `METHOD /path` of every route an app mounts, read from its router stack. Routers mounted
 * without a path are walked; one mounted at a path (Bull Board) is a separate app the document
 * leaves out.
 */
function mountedRoutes(app: Express): string[] {
  const walk = (stack: Layer[]): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        const { path, methods } = layer.route;
        return Object.keys(methods).map((method) => `${method.toUpperCase()} ${openApiPath(path)}`);
      }
      return layer.slash && layer.handle.stack ? walk(layer.handle.stack) : [];
    });
  return walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
}

const documented = () => Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));

const ajv = new Ajv2020({ allErrors: true, validateFormats: false });

/** Checks an answer against what the document says that route answers with that status. */
async function conforms(method: string, path: string, res: Response): Promise<void> {
  const described = document.paths[path]?.[method]?.responses[String(res.status)];
  expect([method, path, res.status, described !== undefined]).toEqual([method, path, res.status, true]);
  const type = (res.headers.get('content-type') ?? '').split(';')[0] ?? '';
  const body = await res.text();
  if (!described?.content) {
    expect(body).toBe('');
    return;
  }
  const media = described.content[type];
  expect([path, res.status, type, media !== undefined]).toEqual([path, res.status, type, true]);
  if (type !== 'application/json' || !media?.schema) return;
  const validate = ajv.compile(media.schema);
  const parsed: unknown = JSON.parse(body);
  expect([path, res.status, validate(parsed) ? 'valid' : validate.errors]).toEqual([path, res.status, 'valid']);
}

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes exactly the routes the two apps mount', () => {
    const served = [...new Set([...mountedRoutes(ingress), ...mountedRoutes(dashboard)])].sort();
    expect(served).toContain('POST /webhooks/truelayer/consents/{credentials_id}/revoke');
    expect(served).toContain('GET /openapi.json');
    expect(documented().sort()).toEqual(served);
    // From the intake list, not written per provider.
    expect(core.intakes.map((i) => openApiPath(i.path)).every((p) => document.paths[p]?.post)).toBe(true);
  });

  it('needs the dashboard login like the rest of the dashboard', async () => {
    const res = await fetch(`${dashboardUrl}/openapi.json`);
    expect(res.status).toBe(401);
  });
});

describe('live answers match the document', () => {
  const admin = (path: string, init: RequestInit = {}) => fetch(`${dashboardUrl}${path}`, { ...init, headers: { authorization: basic, ...init.headers } });
  const tray = (body: unknown, token = WEBHOOK_TOKEN) =>
    fetch(`${ingressUrl}/webhooks/tray/expired-auth?token=${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const consent = (credentialsId: string) => ({
    external_user_id: 'ext-1',
    credentials_id: credentialsId,
    refresh_token: `rt-${randomBytes(8).toString('hex')}`,
    redirect_uri: 'https://app.example/callback',
    consent_expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    provider: { provider_id: 'ob-bank', display_name: 'Bank' },
  });

  it('on the ingress: webhooks, the landing page, health and metrics', async () => {
    await conforms('post', '/webhooks/tray/expired-auth', await tray({ authId: 'a-1' }));
    await conforms('post', '/webhooks/tray/expired-auth', await tray({ authentication_name: 'CRM', service_name: 'salesforce', user_id: 'u-1', authId: 'a-1', external_user_id: 'e-1' }));
    await conforms('post', '/webhooks/tray/expired-auth', await tray({}, 'wrong'));
    const consents = `${ingressUrl}/webhooks/truelayer/consents`;
    await conforms('post', '/webhooks/truelayer/consents', await postSigned(consents, INTAKE_SECRET, consent('cred-1')));
    await conforms('post', '/webhooks/truelayer/consents', await postSigned(consents, INTAKE_SECRET, { ...consent('cred-2'), redirect_uri: 'not a url' }));
    await conforms('post', '/webhooks/truelayer/consents', await fetch(consents, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
    await postSigned(consents, INTAKE_SECRET, consent('cred-revoked'));
    await conforms('post', '/webhooks/truelayer/consents/{credentials_id}/revoke', await postSigned(`${consents}/cred-revoked/revoke`, INTAKE_SECRET, {}));
    const reauthenticate = (body: unknown, token = JA_INTAKE_TOKEN) =>
      fetch(`${ingressUrl}/webhooks/journeyapps/reauthenticate`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    await conforms('post', '/webhooks/journeyapps/reauthenticate', await reauthenticate({ user_id: 'leaver' }));
    await conforms('post', '/webhooks/journeyapps/reauthenticate', await reauthenticate({ user_id: 'leaver', deployment: 'elsewhere' }));
    await conforms('post', '/webhooks/journeyapps/reauthenticate', await reauthenticate({}));
    await conforms('post', '/webhooks/journeyapps/reauthenticate', await reauthenticate({ user_id: 'leaver' }, 'wrong'));
    await conforms('get', '/reauth/{token}', await fetch(`${ingressUrl}/reauth/not-a-link`));
    await conforms('get', '/healthz', await fetch(`${ingressUrl}/healthz`));
    await conforms('get', '/readyz', await fetch(`${ingressUrl}/readyz`));
    await conforms('get', '/metrics', await fetch(`${ingressUrl}/metrics`));
    await conforms('get', '/metrics', await fetch(`${ingressUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }));
  });

  it('on the dashboard: the admin API', async () => {
    const list = await admin('/api/notifications?provider=truelayer&credentialsId=cred-1');
    const { items } = (await list.clone().json()) as { items: Array<{ id: string }> };
    expect(items).toHaveLength(1);
    const id = items[0]?.id ?? '';
    await conforms('get', '/api/notifications', list);
    await conforms('get', '/api/notifications', await admin('/api/notifications?state=exploded'));
    await conforms('get', '/api/notifications/{id}', await admin(`/api/notifications/${id}`));
    await conforms('get', '/api/notifications/{id}', await admin('/api/notifications/nope'));
    await conforms('get', '/api/funnel', await admin('/api/funnel'));
    await conforms('get', '/api/reports/{provider}', await admin('/api/reports/journeyapps'));
    await conforms('get', '/api/reports/{provider}', await admin('/api/reports/journeyapps?limit=0'));
    await conforms('get', '/api/dead-letter', await admin('/api/dead-letter'));
    await conforms('post', '/api/notifications/{id}/resolve', await admin(`/api/notifications/${id}/resolve`, { method: 'POST' }));
    await conforms('post', '/api/notifications/{id}/resolve', await admin(`/api/notifications/${id}/resolve`, { method: 'POST' }));
    await conforms('post', '/api/dead-letter/{id}/replay', await admin('/api/dead-letter/notify.unknown/replay', { method: 'POST' }));
    await conforms('get', '/api/funnel', await fetch(`${dashboardUrl}/api/funnel`));
  });
});
