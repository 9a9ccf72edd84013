import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { roles } from '@reauth/config';
import { freePort } from '@reauth/redis';
import { startRedisServer, waitForReady, type RedisServer } from '@reauth/testkit';
import { repoPath, startNode, type Child } from './child-process.js';
import { containerRoles } from './healthcheck.js';

const run = promisify(execFile);

/*
 * What the image runs, short of Docker: the production bundle in a folder of its own, beside a
 * flat node_modules holding only the npm packages the build says it imports (as `pnpm deploy
 * --config.node-linker=hoisted` lays them out), started with plain `node` and no TypeScript loader.
 */
const app = mkdtempSync(join(tmpdir(), 'reauth-image-'));
let redis: RedisServer;
let port: number;
let adminPort: number;
const children: Child[] = [];
let env: Record<string, string>;

const healthcheck = async (extra: Record<string, string>) =>
  run(process.execPath, [join(app, 'dist/healthcheck.mjs')], { env: { PATH: process.env.PATH ?? '', ...env, ...extra } }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
  );

beforeAll(async () => {
  await run(process.execPath, ['apps/cli/build.mjs', '--outdir', join(app, 'dist')], { cwd: repoPath });
  const npmImports = JSON.parse(readFileSync(join(app, 'dist/npm-imports.json'), 'utf8')) as Record<string, string>;
  for (const [name, installed] of Object.entries(npmImports)) {
    mkdirSync(dirname(join(app, 'node_modules', name)), { recursive: true });
    symlinkSync(join(repoPath, installed), join(app, 'node_modules', name));
  }
  [redis, port, adminPort] = await Promise.all([startRedisServer(), freePort(), freePort()]);
  env = {
    NODE_ENV: 'production',
    REDIS_URL: redis.url,
    REDIS_PREFIX: `image-${port}`,
    PORT: String(port),
    WEBHOOK_TOKEN: 'w'.repeat(24),
    LINK_SECRET: 'l'.repeat(40),
    TRAY_MASTER_TOKEN: 'master',
    TRAY_EMBEDDED_ID: 'acme',
    SMTP_URL: 'smtp://127.0.0.1:1',
    MAIL_FROM: 'reauth <reauth@localhost>',
  };
});

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await redis?.stop();
  rmSync(app, { recursive: true, force: true });
});

describe('the production bundle', () => {
  it('runs the ingress with plain node: /healthz, /readyz and a webhook stored in Redis', async () => {
    const ingress = startNode([join(app, 'dist/main.mjs'), 'start', '--roles', 'ingress'], env);
    children.push(ingress);
    const base = `http://127.0.0.1:${port}`;
    await waitForReady(`${base}/readyz`);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const res = await fetch(`${base}/webhooks/tray/expired-auth?token=${env.WEBHOOK_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ authentication_name: 'CRM', service_name: 'crm', user_id: 'u-1', authId: 'a-1', external_user_id: 'ada@example.com' }),
    });
    expect(await res.json()).toMatchObject({ status: 'accepted' });
  });

  it('runs a worker role with plain node', async () => {
    const metricsPort = await freePort();
    const worker = startNode([join(app, 'dist/main.mjs'), 'start', '--roles', 'notify'], { ...env, METRICS_PORT: String(metricsPort) });
    children.push(worker);
    await waitForReady(`http://127.0.0.1:${metricsPort}/readyz`);
  });

  it('runs the dashboard with plain node, Bull Board included', async () => {
    const dashboard = startNode([join(app, 'dist/main.mjs'), 'start', '--roles', 'dashboard'], { ...env, ADMIN_PORT: String(adminPort), ADMIN_PASSWORD: 'p'.repeat(20) });
    children.push(dashboard);
    const url = `http://127.0.0.1:${adminPort}`;
    await waitForReady(`${url}/readyz`);
    expect(await healthcheck({ REAUTH_ROLES: 'dashboard', ADMIN_PORT: String(adminPort) })).toEqual({ code: 0, stdout: 'healthy\n' });
    expect((await fetch(`${url}/`)).status).toBe(401);
    // Bull Board serves its UI from files in node_modules: the page and one of its scripts must load.
    const authorization = `Basic ${Buffer.from(`admin:${'p'.repeat(20)}`).toString('base64')}`;
    const board = await fetch(`${url}/queues`, { headers: { authorization } });
    expect(board.status).toBe(200);
    const script = /src="([^"]+\.js)"/.exec(await board.text())?.[1];
    expect(script).toBeDefined();
    expect((await fetch(new URL(script as string, `${url}/queues/`), { headers: { authorization } })).status).toBe(200);
  });
});

describe('the image healthcheck', () => {
  it('is healthy when the ingress answers and, for a worker role, when Redis does', async () => {
    expect(await healthcheck({ REAUTH_ROLES: 'ingress' })).toEqual({ code: 0, stdout: 'healthy\n' });
    expect(await healthcheck({ REAUTH_ROLES: 'notify' })).toEqual({ code: 0, stdout: 'healthy\n' });
  });

  it("asks a worker's METRICS_PORT /healthz when it serves one", async () => {
    const metrics = createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end());
    const metricsPort = await freePort();
    await new Promise<void>((resolve) => metrics.listen(metricsPort, '127.0.0.1', resolve));
    try {
      // A Redis that does not answer shows the check is the metrics server's, not Redis's.
      const redisDown = { REAUTH_ROLES: 'notify', REDIS_URL: `redis://127.0.0.1:${await freePort()}` };
      expect(await healthcheck({ ...redisDown, METRICS_PORT: String(metricsPort) })).toEqual({ code: 0, stdout: 'healthy\n' });
    } finally {
      await new Promise((resolve) => metrics.close(resolve));
    }
    expect(await healthcheck({ REAUTH_ROLES: 'notify', METRICS_PORT: String(metricsPort) })).toMatchObject({ code: 1, stdout: expect.stringMatching(/^unhealthy: http:\/\/127\.0\.0\.1:\d+\/healthz/) });
  });

  it('is unhealthy, saying why, when nothing answers', async () => {
    const closed = String(await freePort());
    expect(await healthcheck({ REAUTH_ROLES: 'ingress', PORT: closed })).toMatchObject({ code: 1, stdout: expect.stringMatching(/^unhealthy: http:\/\/127\.0\.0\.1:\d+\/healthz/) });
    expect(await healthcheck({ REAUTH_ROLES: 'notify', REDIS_URL: `redis://127.0.0.1:${closed}` })).toMatchObject({ code: 1, stdout: expect.stringMatching(/^unhealthy: redis: /) });
  });

  it("checks the roles of the container's command line when REAUTH_ROLES is unset", () => {
    const tini = (...args: string[]) => ['tini', '--', 'node', '--enable-source-maps', 'dist/main.mjs', ...args, ''];
    expect(containerRoles({}, tini('start', '--roles', 'notify,token-lookup'))).toEqual(['notify', 'token-lookup']);
    expect(containerRoles({}, tini('start', '--roles=ingress'))).toEqual(['ingress']);
    expect(containerRoles({ REAUTH_ROLES: 'dashboard' }, tini('start', '--roles', 'notify'))).toEqual(['dashboard']);
    expect(containerRoles({}, tini('start'))).toEqual([...roles]);
  });
});
