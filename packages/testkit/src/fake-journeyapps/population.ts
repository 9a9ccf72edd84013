/**
 * A mixed population of app users for sweep tests and the P7 benchmark: every tenth user of each
 * kind, so the expected sweep outcome of any count is known exactly (see `expectedSweep`).
 */
import { isoSeconds, type FakeJourneyAppsSession, type FakeJourneyAppsUser } from './state.js';

const DAY_MS = 86_400_000;

/** What each user index (mod 10) holds, relative to a 30-day limit with a 3-day warn window. */
const KINDS = [
  'locked-user', // user locked, its session enrolled and old: skipped (user locked)
  'locked-session', // session LOCKED, old: skipped (not enrolled)
  'never-enrolled', // NEVER_ENROLLED: skipped (not enrolled)
  'two-sessions', // one old enrolled session (forced) and one young (skipped young)
  'young', // enrolled 5 days ago
  'young', // enrolled 12 days ago
  'warn', // enrolled 28.5 days ago: inside a 3-day warn window, not yet forced
  'old', // enrolled 31 days ago: forced
  'old', // enrolled 400 days ago: forced
  'reset', // session RESET, old: skipped (not enrolled)
] as const;

export const userIdOf = (i: number) => `user-${String(i).padStart(7, '0')}`;

function session(id: string, state: FakeJourneyAppsSession['state'], authenticatedAt: number): FakeJourneyAppsSession {
  const at = isoSeconds(authenticatedAt);
  return { id, state, last_authenticated_at: at, created_at: at, signed_out_at: state === 'ENROLLED' ? null : at, last_connected_at: at };
}

export function* mixedUsers(count: number, now = Date.now()): Generator<FakeJourneyAppsUser> {
  const ago = (days: number) => now - days * DAY_MS;
  for (let i = 0; i < count; i += 1) {
    const id = userIdOf(i);
    const kind = KINDS[i % 10]!;
    const s = (n: number) => `${id}-s${n}`;
    const sessions =
      kind === 'locked-user' ? [session(s(0), 'ENROLLED', ago(45))]
      : kind === 'locked-session' ? [session(s(0), 'LOCKED', ago(45))]
      : kind === 'never-enrolled' ? [session(s(0), 'NEVER_ENROLLED', ago(45))]
      : kind === 'two-sessions' ? [session(s(0), 'ENROLLED', ago(60)), session(s(1), 'ENROLLED', ago(2))]
      : kind === 'young' ? [session(s(0), 'ENROLLED', ago(i % 10 === 4 ? 5 : 12))]
      : kind === 'warn' ? [session(s(0), 'ENROLLED', ago(28.5))]
      : kind === 'old' ? [session(s(0), 'ENROLLED', ago(i % 10 === 7 ? 31 : 400))]
      : [session(s(0), 'RESET', ago(45))];
    yield { id, last_connected_at: isoSeconds(now), enrolled: kind !== 'never-enrolled', locked: kind === 'locked-user', sessions };
  }
}

/** The sessions a 30-day sweep must force in `mixedUsers(count)`, as `userId/sessionId`. */
export function sessionsToForce(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const kind = KINDS[i % 10];
    if (kind === 'two-sessions' || kind === 'old') out.push(`${userIdOf(i)}/${userIdOf(i)}-s0`);
  }
  return out;
}

/** The first sweep's report over `mixedUsers(count)` (count a multiple of 10) at 30 days, with or without a 3-day warn window. */
export function expectedSweep(count: number, warnWindow: boolean) {
  const tens = count / 10;
  return {
    usersScanned: count,
    sessionsExamined: 11 * tens,
    forced: 3 * tens,
    warned: warnWindow ? tens : 0,
    skipped: { young: (warnWindow ? 3 : 4) * tens, notEnrolled: 3 * tens, userLocked: tens },
  };
}
