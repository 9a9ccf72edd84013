import { parseEnv } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, envSchema, parseConfig, parseRoles, roles, type Role } from '@reauth/config';
import { providerSwitches, workQueueNames } from '@reauth/worker';
import { loadCompose, readRepoFile, type ComposeService } from './compose-file.js';

// The compose files and the config schema are edited apart; these checks keep them in step.
const base = loadCompose('docker-compose.yml');
const dev = loadCompose('docker-compose.yml', 'compose.dev.yml');
const example = parseEnv(readRepoFile('.env.example'));

/** Services that run the reauth image (anything built from this repository). */
const ours = (services: Record<string, ComposeService>) => Object.entries(services).filter(([, s]) => s.build !== undefined);

function rolesOf(service: ComposeService): Role[] | undefined {
  const at = service.command?.indexOf('--roles') ?? -1;
  const fromCommand = at >= 0 ? service.command?.[at + 1] : undefined;
  const fromEnv = service.environment?.REAUTH_ROLES;
  if (fromCommand === undefined && fromEnv === undefined) return undefined;
  // parseRoles throws on any name @reauth/config does not know.
  return parseRoles(fromCommand ?? fromEnv);
}

const appServices = (services: Record<string, ComposeService>) =>
  ours(services).flatMap(([name, s]) => {
    const r = rolesOf(s);
    return r ? [{ name, service: s, roles: r }] : [];
  });

/** What an operator must put in .env that .env.example leaves blank: dummy but valid values. */
const operatorFills = {
  WEBHOOK_TOKEN: 'w'.repeat(24),
  LINK_SECRET: 'l'.repeat(40),
  TRAY_MASTER_TOKEN: 'tray-master-token',
  TRAY_EMBEDDED_ID: 'acme-embedded',
  SMTP_URL: 'smtps://mailer:secret@smtp.example.com:465',
  ADMIN_PASSWORD: 'p'.repeat(20),
};

const problemsOf = (env: Record<string, string | undefined>, r: Role[]): string[] => {
  try {
    parseConfig(env, r, providerSwitches);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('docker-compose.yml', () => {
  it('runs every role, each worker role in its own scalable service', () => {
    const services = appServices(base);
    expect(new Set(services.flatMap((s) => s.roles))).toEqual(new Set(roles));
    for (const { name, service, roles: r } of services) {
      if (!r.some((role) => workQueueNames.includes(role))) continue;
      // One role per worker service, so each scales on its own bottleneck.
      expect({ name, roles: r }).toEqual({ name: `worker-${r[0]}`, roles: [r[0]] });
      expect({ name, container_name: service.container_name, ports: service.ports }).toEqual({ name, container_name: undefined, ports: undefined });
    }
  });

  it('gives every process a METRICS_PORT, for Prometheus and the healthcheck (the ingress serves /metrics on PORT only with a token)', () => {
    const services = appServices(base);
    expect(services.some((s) => s.roles.includes('ingress'))).toBe(true);
    for (const { name, service } of services) expect({ name, port: service.environment?.METRICS_PORT }).toEqual({ name, port: expect.stringMatching(/^[1-9]\d*$/) });
  });

  it("keeps the ingress's spool on a volume", () => {
    for (const { name, service } of appServices(base).filter((s) => s.roles.includes('ingress'))) {
      const dir = service.environment?.INGRESS_SPOOL_DIR;
      expect({ name, dir }).toEqual({ name, dir: expect.stringMatching(/^\//) });
      expect({ name, volumes: service.volumes }).toEqual({ name, volumes: expect.arrayContaining([expect.stringMatching(new RegExp(`^[\\w-]+:${dir}$`))]) });
    }
  });

  it('sets only variables the config schema reads (plus REAUTH_ROLES), literally', () => {
    const known = new Set([...Object.keys(envSchema.shape), 'REAUTH_ROLES']);
    for (const [name, service] of [...ours(base), ...ours(dev)]) {
      const env = service.environment ?? {};
      expect({ name, unknown: Object.keys(env).filter((k) => !known.has(k)) }).toEqual({ name, unknown: [] });
      // Compose would substitute ${...} from its own .env, not REAUTH_ENV_FILE: keep app config in the env file.
      expect({ name, interpolated: Object.keys(env).filter((k) => String(env[k]).includes('$')) }).toEqual({ name, interpolated: [] });
    }
  });

  it('.env.example leaves blank exactly what the operator fills in', () => {
    expect(Object.keys(operatorFills).filter((k) => example[k] !== '')).toEqual([]);
    // Without them the ingress does not start, so the next test really depends on the fills.
    expect(problemsOf({ ...example, REDIS_URL: 'redis://redis:6379' }, ['ingress'])).toEqual([expect.stringMatching(/^LINK_SECRET: /)]);
    // Tray is off until its settings are filled; filling one switches it on and asks for the rest.
    expect(problemsOf({ ...example, REDIS_URL: 'redis://redis:6379', LINK_SECRET: 'k'.repeat(32), TRAY_MASTER_TOKEN: 'm' }, ['ingress'])).toEqual([
      'TRAY_EMBEDDED_ID: required by provider tray',
      'WEBHOOK_TOKEN: required by provider tray for role ingress',
    ]);
  });

  it.each(['development', 'production'])('starts each service with .env.example filled in (NODE_ENV=%s)', (nodeEnv) => {
    for (const { name, service, roles: r } of appServices(base)) {
      const env = { ...example, ...operatorFills, NODE_ENV: nodeEnv, ...service.environment };
      expect({ name, problems: problemsOf(env, r) }).toEqual({ name, problems: [] });
    }
  });

  it('keeps every Redis key and every acknowledged write, and starts the app only once Redis answers', () => {
    const redis = base.redis as ComposeService;
    expect(redis.command?.join(' ')).toEqual(expect.stringContaining('--appendonly yes'));
    expect(redis.command?.join(' ')).toEqual(expect.stringContaining('--appendfsync everysec'));
    expect(redis.command?.join(' ')).toEqual(expect.stringContaining('--maxmemory-policy noeviction'));
    expect(redis.volumes).toEqual(expect.arrayContaining([expect.stringMatching(/:\/data$/)]));
    expect(redis.healthcheck?.test).toEqual(expect.arrayContaining(['ping']));
    for (const { name, service } of appServices(base)) {
      expect({ name, redis: service.depends_on?.redis?.condition }).toEqual({ name, redis: 'service_healthy' });
    }
  });
});

describe('compose.dev.yml', () => {
  it('starts every service from a plain copy of .env.example, against the simulated Tray and Mailpit', () => {
    for (const { name, service, roles: r } of appServices(dev)) {
      const env = { ...example, ...service.environment };
      expect({ name, problems: problemsOf(env, r) }).toEqual({ name, problems: [] });
      const config = parseConfig(env, r, providerSwitches);
      if (r.includes('notify')) expect(config.SMTP_URL).toBe('smtp://mailpit:1025');
      if (r.includes('token-lookup')) expect(config.TRAY_GRAPHQL_URL).toBe('http://fake-tray:4100/graphql');
    }
  });

  it('waits only for services that exist and report health', () => {
    for (const [name, service] of Object.entries(dev)) {
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect({ name, target, exists: target in dev, condition, healthcheck: dev[target]?.healthcheck !== undefined }).toEqual({
          name, target, exists: true, condition: 'service_healthy', healthcheck: true,
        });
      }
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readRepoFile('Dockerfile');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('runs the bundle as a non-root user under tini, with a healthcheck, taking --roles', () => {
    expect(runtime).toMatch(/^ENTRYPOINT \["tini", "--", "node",.* "dist\/main\.mjs"\]$/m);
    expect(runtime).toMatch(/^CMD \["start"\]$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*"dist\/healthcheck\.mjs"\]$/m);
    const user = /^USER (\S+)$/m.exec(runtime)?.[1];
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('installs production dependencies only in the runtime image', () => {
    expect(dockerfile).toMatch(/deploy --prod/);
    expect(runtime).not.toMatch(/pnpm (install|fetch)/);
  });
});
