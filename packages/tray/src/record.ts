import { z } from 'zod';
import type { NotificationRecord, OpenInput } from '@reauth/notification';
import { affectedInstanceSchema, type AffectedInstance, type TrayJob } from './payload.js';

/** What Tray keeps in a notification's context: nothing secret, only what the email and the page show. */
export const trayContextSchema = z.object({
  serviceName: z.string().default(''),
  authenticationName: z.string().default(''),
  instances: z.array(affectedInstanceSchema).default([]),
});
export type TrayContext = z.infer<typeof trayContextSchema>;

export const trayContext = (record: Pick<NotificationRecord, 'context'>): TrayContext => trayContextSchema.parse(record.context);

export interface TrayIds {
  authId: string;
  userId: string;
}

/** The ids a Tray notification is filed under (and the dashboard filters by). */
export function trayIds(record: NotificationRecord): TrayIds | undefined {
  const { authId, userId } = record.ids;
  return authId && userId ? { authId, userId } : undefined;
}

/** The record of a Tray stage job's notification; a newer notice for the same authId supersedes an open one. */
export function trayRecord(job: TrayJob, linkTtlDays: number, instances: AffectedInstance[] = []): OpenInput {
  const { auth } = job;
  return {
    id: job.notificationId,
    provider: 'tray',
    subjectKey: auth.authId,
    ids: { authId: auth.authId, userId: auth.user_id, externalUserId: auth.external_user_id },
    contactKey: auth.external_user_id,
    context: { serviceName: auth.service_name, authenticationName: auth.authentication_name, instances },
    expiresAt: job.receivedAt + linkTtlDays * 86_400_000,
  };
}
