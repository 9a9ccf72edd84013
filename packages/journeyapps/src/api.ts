import { PermanentError, RateLimitedError, TransientError } from '@reauth/queues';
import type { RateBudget } from '@reauth/rate-budget';
import { z } from 'zod';
import type { Deployment } from './settings.js';

/** The parts of reference B.3's session that decide what to do with it; the rest is ignored. */
export const sessionSchema = z.object({
  id: z.string().min(1),
  state: z.string(),
  last_authenticated_at: z.iso.datetime({ offset: true }).nullable(),
});
export const userSchema = z.object({
  id: z.string().min(1),
  locked: z.boolean(),
  sessions: z.array(sessionSchema).default([]),
});
export const pageSchema = z.object({
  total: z.number().int().min(0),
  count: z.number().int().min(0),
  more: z.boolean(),
  objects: z.array(userSchema),
});
export type JourneyAppsSession = z.infer<typeof sessionSchema>;
export type JourneyAppsUser = z.infer<typeof userSchema>;
export type UsersPage = z.infer<typeof pageSchema>;

/** B.5: JourneyApps asks for at least a second's pause after a 429; Retry-After is UNCONFIRMED but honoured. */
const MIN_RATE_LIMIT_WAIT_MS = 1_000;

/** The session or user went away between the listing and the call: nothing to do. */
export class GoneError extends PermanentError {
  constructor(what: string) {
    super(`JourneyApps: ${what} no longer exists`, 'journeyapps-gone');
    this.name = 'GoneError';
  }
}

function retryAfterMs(res: Response): number {
  const seconds = Number(res.headers.get('retry-after'));
  return Math.max(MIN_RATE_LIMIT_WAIT_MS, Number.isFinite(seconds) ? seconds * 1000 : 0);
}

/**
 * B.5's error kinds, by status first (the type field is only more detail). Messages carry the
 * type and detail JourneyApps returned, never the request's headers.
 */
async function classify(res: Response, deployment: string, operation: string): Promise<Error> {
  const body = (await res.json().catch(() => ({}))) as { type?: unknown; detail?: unknown };
  const detail = [body.type, body.detail].filter((p) => typeof p === 'string').join(': ').slice(0, 300) || `HTTP ${res.status}`;
  if (res.status === 429) return new RateLimitedError(retryAfterMs(res), `JourneyApps ${deployment}`);
  if (res.status === 401 || res.status === 403) {
    return new PermanentError(`JourneyApps ${deployment} refused the API token on ${operation} (HTTP ${res.status} ${detail}); check the deployment's token and JOURNEYAPPS_AUTH_SCHEME`, 'journeyapps-token');
  }
  if (res.status === 404) return new GoneError(operation);
  if (res.status >= 500) return new TransientError(`JourneyApps ${deployment} ${operation} failed: ${detail}`, 'journeyapps-unavailable');
  return new PermanentError(`JourneyApps ${deployment} ${operation} rejected: HTTP ${res.status} ${detail}`, 'journeyapps-rejected');
}

export interface ClientOptions {
  deployment: Deployment;
  authScheme: 'named-token' | 'token';
  timeoutMs: number;
  budget: RateBudget;
  onCall?: (operation: string, outcome: 'ok' | 'error', error?: Error) => void;
}

/** The three Backend API calls reauth makes (B.2), each drawn from the deployment's budget. */
export function createJourneyAppsClient(options: ClientOptions) {
  const { deployment } = options;
  const authorization = options.authScheme === 'token' ? `Token ${deployment.token}` : `Bearer O:${deployment.token}`;

  async function call<T>(operation: string, method: 'GET' | 'POST', path: string, schema?: z.ZodType<T>): Promise<T | undefined> {
    await options.budget.take();
    try {
      let res: Response;
      try {
        res = await fetch(`${deployment.apiUrl}${path}`, {
          method,
          headers: { authorization, accept: 'application/json' },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (err) {
        const what = (err as Error).name === 'TimeoutError' ? 'timed out' : `failed: ${(err as Error).message}`;
        throw new TransientError(`JourneyApps ${deployment.name} ${operation} ${what}`, 'journeyapps-unreachable');
      }
      if (!res.ok) throw await classify(res, deployment.name, operation);
      if (!schema) {
        await res.body?.cancel();
        options.onCall?.(operation, 'ok');
        return undefined;
      }
      const parsed = schema.safeParse(await res.json().catch(() => undefined));
      if (!parsed.success) throw new TransientError(`JourneyApps ${deployment.name} ${operation}: unexpected answer (${parsed.error.issues[0]?.message ?? 'not JSON'})`, 'journeyapps-bad-answer');
      options.onCall?.(operation, 'ok');
      return parsed.data;
    } catch (err) {
      options.onCall?.(operation, 'error', err as Error);
      throw err;
    }
  }

  const segment = encodeURIComponent;
  return {
    deployment: deployment.name,
    listUsers: async (skip: number, limit: number) => (await call('list-users', 'GET', `/users?limit=${limit}&skip=${skip}`, pageSchema))!,
    getUser: async (userId: string) => (await call('get-user', 'GET', `/users/${segment(userId)}`, userSchema))!,
    /** Any 2xx is success (B.4: 204 is inferred, not documented). */
    reauthenticate: async (userId: string, sessionId: string) => {
      await call('re-authenticate', 'POST', `/users/${segment(userId)}/sessions/${segment(sessionId)}/re-authenticate`);
    },
  };
}
export type JourneyAppsClient = ReturnType<typeof createJourneyAppsClient>;
