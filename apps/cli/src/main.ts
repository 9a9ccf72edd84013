#!/usr/bin/env node
/**
 * The `reauth` command: `start [--roles a,b]` runs roles in this process, `demo` runs the whole
 * path against simulated APIs, `dlq …` inspects and replays the dead-letter queue, `preview-email`
 * renders a sample email with the active templates.
 */
import { parseArgs } from 'node:util';
import { loadConfig, parseRoles } from '@reauth/config';
import { providerSwitches } from '@reauth/worker';
import { createLogger } from '@reauth/logger';
import { dlqCommand } from './dlq.js';
import { journeyAppsCommand } from './journeyapps.js';
import { previewEmailCommand } from './preview-email.js';
import { embeddedRedis } from './embedded-redis.js';
import { runRoles } from './process.js';
import { onShutdown } from './shutdown.js';

const usage = `usage:
  reauth start [--roles ingress,token-lookup,instance-mapping,notify,reminders,journeyapps-sweep,journeyapps-force,events,dashboard]
  reauth demo
  reauth dlq list | show <id> | replay <id> | replay --all | purge
  reauth journeyapps sweep [--dry-run] [--deployment name] [--json]
  reauth preview-email --provider tray|truelayer|journeyapps --kind notice|reminder|heads-up [--out file.html]`;

async function start(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { roles: { type: 'string' } } });
  let roles;
  try {
    roles = parseRoles(values.roles ?? process.env.REAUTH_ROLES);
  } catch (err) {
    process.stderr.write(`reauth: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const log = createLogger({ name: `reauth[${roles.join(',')}]` });
  const needsEmbedded = !process.env.REDIS_URL && !process.env.REDIS_CLUSTER_NODES;
  const redis = needsEmbedded ? await embeddedRedis(log, { persistent: true }) : undefined;
  const env = redis ? { ...process.env, REDIS_URL: redis.url } : process.env;
  const config = loadConfig(roles, providerSwitches, env);
  let running;
  try {
    running = await runRoles(config, roles, log, env);
  } catch (err) {
    // A provider's own settings (a JourneyApps deployments file) are checked when it starts: list every problem and exit 1.
    if (!Array.isArray((err as { problems?: unknown }).problems)) throw err;
    process.stderr.write(`reauth: ${(err as Error).message}\n`);
    await redis?.stop();
    process.exit(1);
  }
  onShutdown(log, async () => {
    await running.stop();
    await redis?.stop();
  });
}

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case 'start':
    await start(rest);
    break;
  case 'demo': {
    // The demo brings the test kit (fakes, SMTP capture, a browser driver): no `reauth start` loads it.
    const { runDemo } = await import('./demo.js');
    await runDemo({ interactive: true });
    break;
  }
  case 'dlq':
    process.exitCode = await dlqCommand(rest);
    break;
  case 'journeyapps':
    process.exitCode = await journeyAppsCommand(rest);
    break;
  case 'preview-email':
    process.exitCode = await previewEmailCommand(rest);
    break;
  default:
    process.stderr.write(`${usage}\n`);
    process.exitCode = command ? 1 : 0;
}
