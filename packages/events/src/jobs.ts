import { z } from 'zod';
import type { Queue } from 'bullmq';
import { DeferredError, PermanentError, TransientError, defineJobs, type Handlers, type JobModule, type Schedule } from '@reauth/queues';
import type { RedisClient } from '@reauth/redis';
import { createSender, nextWait, type Endpoint } from './delivery.js';
import { eventPayloadSchema, payloadOf } from './payload.js';

export const eventJobs = defineJobs({
  /** Once a second cluster-wide: moves the outbox's entries into delivery jobs. */
  'events.dispatch': { queue: 'events', schema: z.object({}).passthrough() },
  /** One event to the customer's endpoint; `tries` counts failed deliveries so far. */
  'events.deliver': { queue: 'events', schema: z.object({ eventId: z.string().min(1), event: eventPayloadSchema, tries: z.number().int().min(0).default(0) }) },
});
export type EventJobs = typeof eventJobs;

export interface EventSettings extends Endpoint {
  retryDelays: readonly number[];
  horizonMs: number;
}

export interface EventServices {
  redis: RedisClient;
  /** The store's outbox stream. */
  outbox: string;
  queue: () => Queue;
  /** Undefined when EVENTS_URL is not set: there is then nothing to dispatch. */
  settings: EventSettings | undefined;
  onCall?: (operation: string, outcome: 'ok' | 'error', error?: Error) => void;
}

const BATCH = 500;

export const dispatchSchedule: Schedule = {
  queue: 'events',
  id: 'events.dispatch',
  repeat: { every: 1_000 },
  job: { name: 'events.dispatch', data: {}, opts: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } } },
};

export const eventsModule: JobModule<EventJobs, EventServices> = {
  name: 'events',
  // Deliveries wait on the customer's endpoint; the dispatch tick is one job a second.
  queues: { events: { concurrency: 20 } },
  jobs: eventJobs,
  handlers: (services): Handlers<EventJobs> => {
    const settings = () => {
      if (!services.settings) throw new PermanentError('events are off in this process (EVENTS_URL is not set)', 'events-off');
      return services.settings;
    };
    let sender: ReturnType<typeof createSender> | undefined;
    return {
      /**
       * Entry → job under the entry's own id, then the entry is deleted. A tick that dies in between
       * queues the same entries again next time, and the job ids make that a no-op.
       */
      async 'events.dispatch'() {
        settings();
        let queued = 0;
        for (;;) {
          const entries = await services.redis.xrange(services.outbox, '-', '+', 'COUNT', BATCH);
          if (entries.length === 0) return { queued };
          await services.queue().addBulk(
            entries.map(([entryId, flat]) => {
              const eventId = `msg_${entryId.replace('-', '_')}`;
              return { name: 'events.deliver', data: { eventId, event: payloadOf(entryId, flat), tries: 0 }, opts: { jobId: eventId, attempts: 1 } };
            }),
          );
          await services.redis.xdel(services.outbox, ...entries.map(([entryId]) => entryId));
          queued += entries.length;
          if (entries.length < BATCH) return { queued };
        }
      },

      async 'events.deliver'({ eventId, event, tries }, { job }) {
        const s = settings();
        sender ??= createSender(s);
        try {
          await sender(eventId, event);
          services.onCall?.(event.type, 'ok');
          return { delivered: eventId, tries: tries + 1 };
        } catch (err) {
          if (!(err instanceof TransientError)) throw err;
          services.onCall?.(event.type, 'error', err);
          // The schedule, not BullMQ's attempts, paces the retries: each is a deferral until the horizon.
          const wait = nextWait(s.retryDelays, tries + 1, job.timestamp, s.horizonMs, Date.now());
          if (wait === undefined) throw new PermanentError(`${err.message}; not delivered within EVENTS_RETRY_HORIZON after ${tries + 1} tries`, 'events-undelivered');
          await job.updateData({ eventId, event, tries: tries + 1 });
          throw new DeferredError(wait, err.message);
        }
      },
    };
  },
};
