import { createHash } from 'node:crypto';
import { IntakeRefused, bearerOf, secretCheck, type Intake } from '@reauth/notification';
import type { Queue } from 'bullmq';
import { z } from 'zod';

export const reauthenticateRequestSchema = z.object({
  user_id: z.string().trim().min(1).max(200),
  deployment: z.string().trim().min(1).max(50).optional(),
});
export type ReauthenticateRequest = z.infer<typeof reauthenticateRequestSchema>;

/**
 * `POST /webhooks/journeyapps/reauthenticate`: reference B.4's Cloud Code task as a queued, retried
 * job, for an HR system's leaver process. With several deployments the caller must say which one.
 */
export function reauthenticateIntake(options: { token: string; deployments: readonly string[]; userQueue: () => Queue }): Intake<ReauthenticateRequest> {
  const matches = secretCheck(options.token);
  const only = options.deployments.length === 1 ? options.deployments[0] : undefined;
  const schema = reauthenticateRequestSchema.refine((body) => only !== undefined || body.deployment !== undefined, {
    path: ['deployment'],
    message: `required: one of ${options.deployments.join(', ')}`,
  });
  return {
    name: 'journeyapps.reauthenticate',
    path: '/webhooks/journeyapps/reauthenticate',
    summary: 'Ask every enrolled session of one JourneyApps user to sign in again (a leaver process)',
    bearerToken: 'JOURNEYAPPS_INTAKE_TOKEN',
    refusals: { 404: 'No such deployment' },
    authenticate: (req) => matches(bearerOf(req)),
    schema,
    async accept(body, receivedAt) {
      const deployment = body.deployment ?? only!;
      if (!options.deployments.includes(deployment)) throw new IntakeRefused(404, `unknown deployment ${deployment}`);
      // Fixed by the request and its receive time, so a spooled copy replayed later is the same job.
      const id = `ja-user-${createHash('sha256').update(`${deployment}\u0000${body.user_id}\u0000${receivedAt}`).digest('hex').slice(0, 32)}`;
      await options.userQueue().add('journeyapps.user', { deployment, userId: body.user_id, receivedAt }, { jobId: id });
      return { status: 'queued', id };
    },
  };
}
