import { z } from 'zod';

// Tray ids are UUIDs today; the exact format is not documented, so accept any printable id
// without whitespace rather than reject a real notification.
const id = z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'printable characters without spaces');
const text = z.string().max(500);

/**
 * Tray's expired-auth notification, as documented (reference §5): mixed naming, `authId` camelCase.
 * Unknown fields are dropped, not rejected, so a field Tray adds later does not lose notifications.
 */
export const trayExpiredAuthSchema = z.object({
  authentication_name: text,
  service_name: text.min(1),
  user_id: id,
  authId: id,
  external_user_id: z.string().min(1).max(500),
});
export type TrayExpiredAuth = z.infer<typeof trayExpiredAuthSchema>;

/** Data of every Tray stage job. Tokens never appear here: BullMQ stores job data in clear. */
export const trayJobSchema = z.object({
  notificationId: z.string().min(1),
  receivedAt: z.number().int(),
  auth: trayExpiredAuthSchema,
});
export type TrayJob = z.infer<typeof trayJobSchema>;

export const affectedInstanceSchema = z.object({ id: z.string(), name: z.string(), externalId: z.string() });
export type AffectedInstance = z.infer<typeof affectedInstanceSchema>;

export const trayNotifyJobSchema = trayJobSchema.extend({ instances: z.array(affectedInstanceSchema) });
export type TrayNotifyJob = z.infer<typeof trayNotifyJobSchema>;
