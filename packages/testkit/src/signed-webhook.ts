import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * What a customer's backend does to post to a Standard Webhooks intake (TrueLayer consents):
 * sign the exact body under the `whsec_` secret with a fresh or given `webhook-id` and time.
 */
export async function postSigned(url: string, secret: string, body: unknown, options: { id?: string; at?: Date; signature?: string } = {}): Promise<Response> {
  const payload = JSON.stringify(body);
  const id = options.id ?? `msg_${randomBytes(8).toString('hex')}`;
  const at = options.at ?? new Date();
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': options.signature ?? new Webhook(secret).sign(id, at, payload),
    },
    body: payload,
  });
}

/** A fresh `whsec_` secret. */
export const webhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
