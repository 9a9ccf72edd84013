import { z } from 'zod';
import { PermanentError, defineJobs, type Handlers, type JobModule, type ProcessorContext } from '@reauth/queues';
import { GoneError, type JourneyAppsClient } from './api.js';
import { openSignIn, PROVIDER, type ForceReason } from './record.js';
import { forceJobId, notificationIdFor, type AgePolicy, type SignIn } from './sessions.js';
import { emptyReport, runSweep, type SweepProgress, type SweepReport } from './sweep.js';
import type { Notifications } from '@reauth/notification';
import type { Queue } from 'bullmq';

const signInSchema = z.object({
  deployment: z.string().min(1),
  userId: z.string().min(1),
  sessionId: z.string().min(1),
  lastAuthenticatedAt: z.string().min(1),
});
const triggerSchema = z.enum(['schedule', 'cli', 'manual']);

export const journeyAppsJobs = defineJobs({
  /** One sweep of one deployment (its job scheduler, or `pnpm reauth journeyapps sweep` through the queue). */
  'journeyapps.sweep': { queue: 'journeyapps-sweep', schema: z.object({ deployment: z.string().min(1), trigger: triggerSchema.default('schedule'), dryRun: z.boolean().default(false) }) },
  /** One session asked to sign in again; `notificationId` lets a dead letter fail its notification. */
  'journeyapps.force': { queue: 'journeyapps-force', schema: signInSchema.extend({ reason: z.enum(['age', 'on-demand']), notificationId: z.string().min(1) }) },
  /** The on-demand intake: every enrolled session of one user. */
  'journeyapps.user': { queue: 'journeyapps-force', schema: z.object({ deployment: z.string().min(1), userId: z.string().min(1), receivedAt: z.number() }) },
});
export type JourneyAppsJobs = typeof journeyAppsJobs;

export interface JourneyAppsServices {
  clients: ReadonlyMap<string, JourneyAppsClient>;
  store: Notifications;
  forceQueue: () => Queue;
  policy: AgePolicy;
  pageSize: number;
  notify: boolean;
  dryRun: boolean;
  onSweep?(report: SweepReport): void;
}

/** Queues force jobs; the job id is the sign-in's, so a session already queued or forced is not added again. */
export async function queueForce(queue: Queue, signIns: readonly SignIn[], reason: ForceReason): Promise<void> {
  await queue.addBulk(signIns.map((s) => {
    const data = { ...s, reason, notificationId: notificationIdFor(s) };
    return { name: 'journeyapps.force', data, opts: { jobId: forceJobId(s) } };
  }));
}

const sweepProgressSchema = z.object({ skip: z.number().int().min(0), report: z.object({ deployment: z.string() }).passthrough() });

function clientOf(services: JourneyAppsServices, deployment: string): JourneyAppsClient {
  const client = services.clients.get(deployment);
  if (!client) throw new PermanentError(`unknown JourneyApps deployment ${deployment}`, 'journeyapps-unknown-deployment');
  return client;
}

async function sweep(services: JourneyAppsServices, data: z.infer<JourneyAppsJobs['journeyapps.sweep']['schema']>, { job, log }: ProcessorContext) {
  const client = clientOf(services, data.deployment);
  const previous = sweepProgressSchema.safeParse(job.progress);
  const resume = previous.success && previous.data.report.deployment === data.deployment ? (previous.data as unknown as SweepProgress) : undefined;
  let last = resume;
  const startedAt = Date.now();
  try {
    const report = await runSweep(
      { client, store: services.store, policy: services.policy, pageSize: services.pageSize, force: (s) => queueForce(services.forceQueue(), s, 'age') },
      {
        trigger: data.trigger,
        dryRun: data.dryRun || services.dryRun,
        ...(resume ? { resume } : {}),
        onProgress: async (progress) => {
          last = progress;
          await job.updateProgress(progress as unknown as Record<string, unknown>);
        },
      },
    );
    await services.store.addReport(PROVIDER, { ...report });
    await services.store.emit('sweep.completed', PROVIDER, { report });
    services.onSweep?.(report);
    log.info({ deployment: data.deployment, forced: report.forced, examined: report.sessionsExamined, dryRun: report.dryRun }, 'sweep finished');
    return report;
  } catch (err) {
    // A wrong token must be loud: the failed sweep is a report too, beside its dead letter.
    const final = err instanceof PermanentError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (final) {
      const base = last?.report ?? emptyReport(data.deployment, { trigger: data.trigger, dryRun: data.dryRun || services.dryRun }, startedAt);
      const failed: SweepReport = { ...base, outcome: 'failed', error: (err as Error).message, finishedAt: Date.now() };
      await services.store.addReport(PROVIDER, { ...failed });
      services.onSweep?.(failed);
    }
    log.error({ deployment: data.deployment, err: (err as Error).message }, final ? 'sweep failed' : 'sweep attempt failed; it resumes from the last page');
    throw err;
  }
}

export const journeyAppsModule: JobModule<JourneyAppsJobs, JourneyAppsServices> = {
  name: 'journeyapps',
  // One sweep per deployment at a time is enough; two let a manual sweep run beside the scheduled one.
  // Forcing is bound by the deployment's rate budget, not by concurrency.
  queues: { 'journeyapps-sweep': { concurrency: 2 }, 'journeyapps-force': { concurrency: 20 } },
  jobs: journeyAppsJobs,
  handlers: (services): Handlers<JourneyAppsJobs> => ({
    'journeyapps.sweep': (data, ctx) => sweep(services, data, ctx),

    async 'journeyapps.force'(data, { job }) {
      const client = clientOf(services, data.deployment);
      if (services.dryRun) return { outcome: 'dry-run' };
      const { reason, notificationId: _id, ...signIn } = data;
      const { id } = await openSignIn(services.store, signIn, { reason, maxAgeMs: services.policy.maxAgeMs, notify: services.notify, now: Date.now() });
      const step = { queue: job.queueName, jobId: String(job.id) };
      try {
        await client.reauthenticate(data.userId, data.sessionId);
      } catch (err) {
        if (!(err instanceof GoneError)) throw err;
        await services.store.move(id, { to: 'skipped', reason: 'session-gone', event: { kind: 'skipped', detail: 'the session no longer exists', ...step } });
        return { outcome: 'gone', notificationId: id };
      }
      await services.store.step(id, { kind: 'forced', detail: 'session set to re-authenticate', ...step });
      return { outcome: 'forced', notificationId: id };
    },

    async 'journeyapps.user'({ deployment, userId }) {
      const client = clientOf(services, deployment);
      let user;
      try {
        user = await client.getUser(userId);
      } catch (err) {
        if (err instanceof GoneError) return { outcome: 'no-such-user' };
        throw err;
      }
      const signIns = user.sessions
        .filter((s) => s.state === 'ENROLLED' && s.last_authenticated_at !== null)
        .map((s) => ({ deployment, userId: user.id, sessionId: s.id, lastAuthenticatedAt: s.last_authenticated_at! }));
      if (services.dryRun) return { outcome: 'dry-run', wouldForce: signIns };
      await queueForce(services.forceQueue(), signIns, 'on-demand');
      return { outcome: 'queued', sessions: signIns.length };
    },
  }),
};
