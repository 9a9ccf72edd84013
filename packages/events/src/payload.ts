import { z } from 'zod';

/**
 * What the customer's endpoint receives, as Standard Webhooks lays it out: `type`, `timestamp` and
 * `data`. A notification's events carry its provider, id, per-notification sequence number, state,
 * reason and the provider's own ids (Tray `authId`, `userId`, `externalUserId`; TrueLayer
 * `credentialsId`, `externalUserId`; JourneyApps `user_id`, `session_id`), never a secret.
 */
export const notificationEventSchema = z.object({
  type: z.string(),
  timestamp: z.string(),
  data: z.object({
    provider: z.string(),
    notificationId: z.string(),
    sequence: z.number().int().min(1),
    state: z.string(),
    reason: z.string().optional(),
    ids: z.record(z.string(), z.string()),
    at: z.string(),
    detail: z.string().optional(),
  }),
});
/** Events that are not a notification's: `sweep.completed` carries its provider and the sweep's report. */
export const runEventSchema = z.object({ type: z.string(), timestamp: z.string(), data: z.object({ provider: z.string() }).catchall(z.unknown()) });
export const eventPayloadSchema = z.union([notificationEventSchema, runEventSchema]);
export type EventPayload = z.infer<typeof eventPayloadSchema>;

const iso = (ms: number) => new Date(ms).toISOString();

/** One outbox entry (a flat field list, as XRANGE returns it) as the payload to send. */
export function payloadOf(entryId: string, flat: readonly string[]): EventPayload {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
  const written = Number(entryId.split('-')[0]);
  if (f.data !== undefined) return { type: f.type ?? '', timestamp: iso(written), data: { provider: f.provider ?? '', ...(JSON.parse(f.data) as Record<string, unknown>) } };
  const step = JSON.parse(f.event ?? '{}') as { at?: number; detail?: string };
  return {
    type: f.type ?? '',
    timestamp: iso(written),
    data: {
      provider: f.provider ?? '',
      notificationId: f.id ?? '',
      sequence: Number(f.seq),
      state: f.state ?? '',
      ...(f.reason ? { reason: f.reason } : {}),
      ids: JSON.parse(f.ids ?? '{}') as Record<string, string>,
      at: iso(step.at ?? written),
      ...(step.detail ? { detail: step.detail } : {}),
    },
  };
}
