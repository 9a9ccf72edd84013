export interface Delivery {
  status: 'accepted' | 'duplicate';
  /** The notification id the ingress answered with. */
  id: string;
  /** POSTs it took, the successful one included. */
  tries: number;
}

export class WebhookRejectedError extends Error {
  constructor(readonly status: number, body: string) {
    super(`webhook rejected with ${status}: ${body.slice(0, 200)}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Delivers one webhook the way Tray does: 503s, timeouts and refused connections mean "retry
 * later", so a notification answered 503 during an outage is still delivered once the ingress is
 * back. Any other 4xx is a bug in the caller's payload and throws.
 */
export async function deliverWebhook(url: string, body: unknown, options: { deadlineMs?: number } = {}): Promise<Delivery> {
  const deadline = Date.now() + (options.deadlineMs ?? 120_000);
  let wait = 50;
  for (let tries = 1; ; tries += 1) {
    let problem: string;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5_000),
      });
      const text = await res.text();
      if (res.status === 200) {
        const answer = JSON.parse(text) as { status: Delivery['status']; id: string };
        return { status: answer.status, id: answer.id, tries };
      }
      if (res.status < 500 && res.status !== 408 && res.status !== 429) throw new WebhookRejectedError(res.status, text);
      problem = `HTTP ${res.status}`;
    } catch (err) {
      if (err instanceof WebhookRejectedError) throw err;
      problem = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`webhook not accepted after ${tries} tries (last: ${problem})`);
    await sleep(wait);
    wait = Math.min(wait * 2, 1_000);
  }
}
