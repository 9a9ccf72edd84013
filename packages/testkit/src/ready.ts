/**
 * Polls `url` (a `/readyz`, or `/healthz` for a process that cannot be ready) until it answers
 * 200. Tests wait on this, never on a log line or a sleep: a line says a step ran, not that the
 * process can do its work. `signal` stops the polling early (the process exited).
 */
export async function waitForReady(url: string, timeoutMs = 30_000, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    signal?.throwIfAborted();
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      const body = await res.text();
      if (res.status === 200) return;
      last = `${res.status} ${body}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready within ${timeoutMs} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
