import { createRateBudget } from '@reauth/rate-budget';
import { bindModule } from '@reauth/queues';
import type { Provider } from '@reauth/notification';
import { createJourneyAppsClient } from './api.js';
import { reauthenticateIntake } from './intake.js';
import { journeyAppsModule } from './jobs.js';
import { journeyAppsRuntime, PROVIDER } from './record.js';
import { DAY_MS } from './sessions.js';
import { journeyAppsSettingsSchema, journeyAppsSwitch, resolveDeployments } from './settings.js';
import type { SweepReport } from './sweep.js';

const SWEEP_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 30_000 },
  removeOnComplete: { count: 500 },
  removeOnFail: { age: 30 * 86_400 },
};

/** The report's numbers, flat, by outcome (what /metrics counts). */
const counts = (r: SweepReport): Record<string, number> => ({
  examined: r.sessionsExamined ?? 0,
  forced: r.forced ?? 0,
  warned: r.warned ?? 0,
  completed: r.completed ?? 0,
  young: r.skipped?.young ?? 0,
  'not-enrolled': r.skipped?.notEnrolled ?? 0,
  'user-locked': r.skipped?.userLocked ?? 0,
  failures: r.failures ?? 0,
});

export const journeyAppsProvider: Provider = {
  id: PROVIDER,
  switch: journeyAppsSwitch,
  module: journeyAppsModule,
  start(env, core) {
    const settings = journeyAppsSettingsSchema.parse(env);
    const deployments = resolveDeployments(settings, env);
    const clients = new Map(
      deployments.map((d) => [
        d.name,
        createJourneyAppsClient({
          deployment: d,
          authScheme: settings.JOURNEYAPPS_AUTH_SCHEME,
          timeoutMs: settings.JOURNEYAPPS_TIMEOUT_MS,
          // JourneyApps limits each backend deployment (B.5): one Redis budget per deployment, shared by every process.
          budget: createRateBudget(core.redis, `${settings.REDIS_PREFIX}:journeyapps:budget:${d.name}`, settings.JOURNEYAPPS_RATE_LIMIT_RPS, () => core.hooks.onBudgetWait?.(PROVIDER)),
          onCall: (operation, outcome, error) => core.hooks.onCall?.(PROVIDER, operation, outcome, error),
        }),
      ]),
    );
    const notify = settings.JOURNEYAPPS_NOTIFY;
    const maxAgeMs = settings.JOURNEYAPPS_MAX_SESSION_AGE_DAYS * DAY_MS;
    const forceQueue = () => core.queues.get('journeyapps-force');
    return {
      runtime: journeyAppsRuntime(),
      jobs: bindModule(journeyAppsModule, {
        clients,
        store: core.store,
        forceQueue,
        policy: { maxAgeMs, ...(notify && settings.JOURNEYAPPS_WARN_BEFORE !== undefined ? { warnBeforeMs: settings.JOURNEYAPPS_WARN_BEFORE } : {}) },
        pageSize: settings.JOURNEYAPPS_PAGE_SIZE,
        notify,
        dryRun: settings.JOURNEYAPPS_DRY_RUN,
        onSweep: (report) => core.hooks.onRun?.(PROVIDER, report.outcome ?? 'failed', counts(report)),
      }),
      intakes: settings.JOURNEYAPPS_INTAKE_TOKEN
        ? [reauthenticateIntake({ token: settings.JOURNEYAPPS_INTAKE_TOKEN, deployments: deployments.map((d) => d.name), userQueue: forceQueue })]
        : [],
      schedules: deployments.map((d) => ({
        queue: 'journeyapps-sweep',
        id: `journeyapps.sweep:${d.name}`,
        repeat: { pattern: settings.JOURNEYAPPS_SWEEP_CRON, tz: 'UTC' },
        job: { name: 'journeyapps.sweep', data: { deployment: d.name, trigger: 'schedule', dryRun: false }, opts: SWEEP_JOB_OPTIONS },
      })),
      close: () => undefined,
    };
  },
};
