import { createHash } from 'node:crypto';
import type { JourneyAppsSession, JourneyAppsUser } from './api.js';

export const DAY_MS = 86_400_000;

/** What a sweep does with one session. */
export type Verdict = 'force' | 'warn' | 'young' | 'not-enrolled' | 'user-locked';

export interface AgePolicy {
  maxAgeMs: number;
  /** Heads-up window before the limit; only with JOURNEYAPPS_NOTIFY. */
  warnBeforeMs?: number;
}

/** Reference B.3: only an ENROLLED session of an unlocked user can be asked to sign in again. */
export function verdict(user: JourneyAppsUser, session: JourneyAppsSession, now: number, policy: AgePolicy): Verdict {
  if (user.locked) return 'user-locked';
  if (session.state !== 'ENROLLED' || session.last_authenticated_at === null) return 'not-enrolled';
  const age = now - Date.parse(session.last_authenticated_at);
  if (age >= policy.maxAgeMs) return 'force';
  if (policy.warnBeforeMs !== undefined && age >= policy.maxAgeMs - policy.warnBeforeMs) return 'warn';
  return 'young';
}

/** One sign-in of one session: the unit that is forced, warned about and tracked to completion. */
export interface SignIn {
  deployment: string;
  userId: string;
  sessionId: string;
  lastAuthenticatedAt: string;
}

const digest = (parts: readonly string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

/**
 * Fixed by the sign-in, so a rerun of a sweep, an overlapping sweep or the on-demand path all land
 * on the same force job and the same notification; a session that has signed in since is a new one.
 */
export const signInKey = (s: SignIn) => digest([s.deployment, s.userId, s.sessionId, s.lastAuthenticatedAt]);
export const forceJobId = (s: SignIn) => `ja-force-${signInKey(s)}`;
export const notificationIdFor = (s: SignIn) => `journeyapps-${signInKey(s)}`;
/** The session across its sign-ins: at most one notification about it is open. */
export const subjectKeyOf = (s: Pick<SignIn, 'deployment' | 'userId' | 'sessionId'>) => digest([s.deployment, s.userId, s.sessionId]);
