import { Webhook } from 'standardwebhooks';
import { TransientError } from '@reauth/queues';
import type { EventPayload } from './payload.js';

export interface Endpoint {
  url: string;
  /** EVENTS_SECRET, `whsec_…`. */
  secret: string;
  timeoutMs: number;
}

/**
 * POSTs one event signed with Standard Webhooks. `eventId` is the `webhook-id`: the same on every
 * retry and replay, so the receiver can tell a retry from a new event. Any 2xx is delivered.
 */
export function createSender(endpoint: Endpoint) {
  const webhook = new Webhook(endpoint.secret);
  return async function deliver(eventId: string, event: EventPayload): Promise<void> {
    const body = JSON.stringify(event);
    const at = new Date();
    let res: Response;
    try {
      res = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': eventId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': webhook.sign(eventId, at, body),
        },
        body,
        signal: AbortSignal.timeout(endpoint.timeoutMs),
      });
    } catch (err) {
      throw new TransientError(`events endpoint ${(err as Error).name === 'TimeoutError' ? 'timed out' : `unreachable: ${(err as Error).message}`}`, 'events-unreachable');
    }
    await res.body?.cancel();
    if (res.status < 200 || res.status > 299) throw new TransientError(`events endpoint answered HTTP ${res.status}`, 'events-refused');
  };
}

/**
 * The wait before try `tries + 1`, from the retry schedule (the last wait repeats), or undefined
 * when that try would fall past the horizon counted from when the event was queued.
 */
export function nextWait(delays: readonly number[], tries: number, queuedAt: number, horizonMs: number, now: number): number | undefined {
  const wait = delays[Math.min(tries - 1, delays.length - 1)] ?? 0;
  return now + wait > queuedAt + horizonMs ? undefined : wait;
}
