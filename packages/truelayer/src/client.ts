/** What `/v1/reauthuri` answered, classified for the link action. */
export type ReauthResult =
  | { kind: 'link'; url: string }
  /** 400/401/404: the refresh token or its grace window has lapsed (UNCONFIRMED which code TrueLayer uses). */
  | { kind: 'refused'; status: number; error?: string }
  /** 429, 5xx or a timeout, after one quick retry. */
  | { kind: 'unavailable'; detail: string };

export interface ReauthClientOptions {
  authUrl: string;
  clientId?: string;
  clientSecret?: string;
  timeoutMs: number;
  onCall?: (operation: string, outcome: 'ok' | 'error', error?: Error) => void;
}

export interface ReauthRequest {
  refreshToken: string;
  redirectUri: string;
  state?: string;
}

const REFUSED = new Set([400, 401, 404]);
const RETRY_DELAY_MS = 250;

/** The one TrueLayer call reauth makes, on the landing page's button press. */
export function createReauthClient(options: ReauthClientOptions) {
  async function once(request: ReauthRequest): Promise<ReauthResult> {
    let res: Response;
    try {
      res = await fetch(`${options.authUrl}/v1/reauthuri`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          response_type: 'code',
          refresh_token: request.refreshToken,
          redirect_uri: request.redirectUri,
          ...(request.state !== undefined ? { state: request.state } : {}),
          ...(options.clientId ? { client_id: options.clientId } : {}),
          ...(options.clientSecret ? { client_secret: options.clientSecret } : {}),
        }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (err) {
      return { kind: 'unavailable', detail: (err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message };
    }
    const body = (await res.json().catch(() => ({}))) as { result?: unknown; success?: unknown; error?: unknown };
    if (res.ok && typeof body.result === 'string' && body.success !== false) return { kind: 'link', url: body.result };
    if (REFUSED.has(res.status)) return { kind: 'refused', status: res.status, ...(typeof body.error === 'string' ? { error: body.error } : {}) };
    return { kind: 'unavailable', detail: res.ok ? 'answer without a result URL' : `HTTP ${res.status}` };
  }

  return {
    async reauthUri(request: ReauthRequest): Promise<ReauthResult> {
      let result = await once(request);
      if (result.kind === 'unavailable') {
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
        result = await once(request);
      }
      options.onCall?.('reauthuri', result.kind === 'link' ? 'ok' : 'error', result.kind === 'link' ? undefined : new Error(result.kind));
      return result;
    },
  };
}
export type ReauthClient = ReturnType<typeof createReauthClient>;
