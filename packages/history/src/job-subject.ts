import { z } from 'zod';
import type { NotificationSubject } from './model.js';

// The fields of a Tray stage job that say which notification it serves (@reauth/tray's job data;
// that package depends on this one, so the shape is read here loosely rather than imported).
const stageJob = z.object({
  notificationId: z.string(),
  receivedAt: z.number().optional(),
  auth: z.object({
    authId: z.string(),
    user_id: z.string(),
    external_user_id: z.string().optional(),
    service_name: z.string().optional(),
    authentication_name: z.string().optional(),
  }),
});

/**
 * Which notification a job's data belongs to: a stage job's own data, or the original data inside
 * a dead-letter entry. Undefined for anything else.
 */
export function notificationOfJob(data: unknown): { id: string; subject: NotificationSubject } | undefined {
  const direct = stageJob.safeParse(data);
  const parsed = direct.success ? direct : stageJob.safeParse((data as { data?: unknown } | null)?.data);
  if (!parsed.success) return undefined;
  const { notificationId, receivedAt, auth } = parsed.data;
  return {
    id: notificationId,
    subject: {
      authId: auth.authId,
      userId: auth.user_id,
      ...(auth.external_user_id ? { externalUserId: auth.external_user_id } : {}),
      ...(auth.service_name ? { serviceName: auth.service_name } : {}),
      ...(auth.authentication_name ? { authenticationName: auth.authentication_name } : {}),
      ...(receivedAt !== undefined ? { receivedAt } : {}),
    },
  };
}
