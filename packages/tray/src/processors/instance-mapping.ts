import type { Handler } from '@reauth/queues';
import { UserTokenRejectedError } from '../errors.js';
import type { AffectedInstance, TrayNotifyJob, trayJobSchema } from '../payload.js';
import type { SolutionInstanceNode } from '../documents.js';
import type { TrayServices } from '../services.js';
import { recordStep } from './steps.js';

/** An instance is affected iff one of its auth slots holds the expiring auth (reference §6). */
export function affectedInstances(instances: SolutionInstanceNode[], authId: string): AffectedInstance[] {
  return instances.flatMap((node) =>
    node.authValues.filter((v) => v.authId === authId).map((v) => ({ id: node.id, name: node.name, externalId: v.externalId })),
  );
}

export const instanceMappingHandler =
  (services: TrayServices): Handler<typeof trayJobSchema> =>
  async (data, ctx) => {
    const userId = data.auth.user_id;
    const tray = services.tray();
    const tokens = services.tokens();
    let instances: SolutionInstanceNode[];
    try {
      instances = await tray.listSolutionInstances((await tokens.get(userId)).token);
    } catch (err) {
      if (!(err instanceof UserTokenRejectedError)) throw err;
      // The cached token was revoked or expired early: mint once and try again.
      instances = await tray.listSolutionInstances(await tokens.refresh(userId));
    }
    const affected = affectedInstances(instances, data.auth.authId);
    await recordStep(services, data, ctx, { kind: 'instances-mapped', detail: `${affected.length} of ${instances.length} instances use this auth` });
    if (affected.length === 0 && !services.settings.notifyUnusedAuths) {
      services.hooks?.onEmail?.('skipped');
      await recordStep(services, data, ctx, { kind: 'email-skipped', detail: 'no instance uses this auth' });
      return { outcome: 'skipped', reason: 'auth-unused', scanned: instances.length };
    }
    const next: TrayNotifyJob = { ...data, instances: affected };
    await services.enqueue('tray.notify', next, { jobId: data.notificationId });
    return { outcome: 'mapped', affected: affected.length, scanned: instances.length };
  };
