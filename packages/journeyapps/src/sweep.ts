import type { Notifications } from '@reauth/notification';
import { RateLimitedError, TransientError } from '@reauth/queues';
import type { JourneyAppsClient, UsersPage } from './api.js';
import { openSignIn, signInOf, PROVIDER } from './record.js';
import { subjectKeyOf, verdict, type AgePolicy, type SignIn } from './sessions.js';

/** What one sweep of one deployment saw and did: the dashboard, the history API, /metrics and the CLI show it. */
export interface SweepReport {
  deployment: string;
  trigger: 'schedule' | 'cli' | 'manual';
  dryRun: boolean;
  startedAt: number;
  finishedAt?: number;
  outcome?: 'completed' | 'failed';
  error?: string;
  pages: number;
  usersScanned: number;
  sessionsExamined: number;
  /** Sessions past the age limit, handed to a force job (or, in a dry run, that would be). */
  forced: number;
  /** Heads-up emails queued for sessions about to pass the limit. */
  warned: number;
  /** Forced sessions seen enrolled again with a newer sign-in. */
  completed: number;
  skipped: { young: number; notEnrolled: number; userLocked: number };
  /** Upstream calls that failed and were retried. */
  failures: number;
  /** 429 answers waited out (they spend no attempt). */
  rateLimited: number;
  /** A dry run's list of what it would force, capped at WOULD_FORCE_LIMIT. */
  wouldForce?: SignIn[];
}

/** Where a sweep that stopped (a crash, or retries spent) picks up again. */
export interface SweepProgress {
  skip: number;
  report: SweepReport;
}

export const WOULD_FORCE_LIMIT = 1_000;
const PAGE_RETRIES = 4;
const PAGE_RETRY_BASE_MS = 500;

export interface SweepDeps {
  client: JourneyAppsClient;
  store: Notifications;
  /** Its warn window is set only with JOURNEYAPPS_NOTIFY: a heads-up needs an email to go out. */
  policy: AgePolicy;
  pageSize: number;
  /** Queues the force jobs of one page (deduplicated by job id). */
  force(signIns: SignIn[]): Promise<void>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SweepRun {
  trigger: SweepReport['trigger'];
  dryRun: boolean;
  resume?: SweepProgress;
  /** After every page: a crashed sweep resumes from the last one recorded. */
  onProgress?(progress: SweepProgress): Promise<void>;
}

export function emptyReport(deployment: string, run: Pick<SweepRun, 'trigger' | 'dryRun'>, now: number): SweepReport {
  return {
    deployment, trigger: run.trigger, dryRun: run.dryRun, startedAt: now,
    pages: 0, usersScanned: 0, sessionsExamined: 0, forced: 0, warned: 0, completed: 0,
    skipped: { young: 0, notEnrolled: 0, userLocked: 0 }, failures: 0, rateLimited: 0,
    ...(run.dryRun ? { wouldForce: [] } : {}),
  };
}

/**
 * Pages `GET /users` to the end, one page in memory at a time. Each page's sessions are sorted into
 * force / warn / skip, its open notifications are checked for completion in one batch, and its force
 * jobs are queued before the next page is read. 429s are waited out in place; other transient
 * failures are retried a few times, then thrown so the job retries from the last recorded page.
 */
export async function runSweep(deps: SweepDeps, run: SweepRun): Promise<SweepReport> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const report = run.resume?.report ?? emptyReport(deps.client.deployment, run, now());
  let skip = run.resume?.skip ?? 0;

  async function page(): Promise<UsersPage> {
    for (let failed = 0; ; ) {
      try {
        return await deps.client.listUsers(skip, deps.pageSize);
      } catch (err) {
        if (err instanceof RateLimitedError) {
          report.rateLimited += 1;
          await sleep(err.retryAfterMs);
          continue;
        }
        if (!(err instanceof TransientError)) throw err;
        report.failures += 1;
        if ((failed += 1) > PAGE_RETRIES) throw err;
        await sleep(PAGE_RETRY_BASE_MS * 2 ** (failed - 1));
      }
    }
  }

  for (;;) {
    const { objects, count, more } = await page();
    const at = now();
    const toForce: SignIn[] = [];
    const toWarn: SignIn[] = [];
    const enrolled: SignIn[] = [];
    for (const user of objects) {
      report.usersScanned += 1;
      for (const session of user.sessions) {
        report.sessionsExamined += 1;
        const v = verdict(user, session, at, deps.policy);
        if (v === 'user-locked') report.skipped.userLocked += 1;
        else if (v === 'not-enrolled') report.skipped.notEnrolled += 1;
        else {
          const signIn = { deployment: deps.client.deployment, userId: user.id, sessionId: session.id, lastAuthenticatedAt: session.last_authenticated_at! };
          enrolled.push(signIn);
          if (v === 'young') report.skipped.young += 1;
          else if (v === 'force') toForce.push(signIn);
          else toWarn.push(signIn);
        }
      }
    }
    report.forced += toForce.length;
    if (run.dryRun) {
      report.wouldForce!.push(...toForce.slice(0, WOULD_FORCE_LIMIT - report.wouldForce!.length));
      report.warned += toWarn.length;
    } else {
      report.completed += await completeSignedIn(deps.store, enrolled);
      for (const signIn of toWarn) {
        if ((await openSignIn(deps.store, signIn, { reason: 'age', maxAgeMs: deps.policy.maxAgeMs, notify: true, now: at })).created) report.warned += 1;
      }
      if (toForce.length > 0) await deps.force(toForce);
    }
    report.pages += 1;
    skip += count;
    if (!more || count === 0) break;
    await run.onProgress?.({ skip, report });
  }
  report.finishedAt = now();
  report.outcome = 'completed';
  return report;
}

/**
 * A session whose open notification is about an older sign-in has signed in again since it was
 * forced (or warned): that notification is done.
 */
async function completeSignedIn(store: Notifications, enrolled: SignIn[]): Promise<number> {
  const open = await store.openForMany(PROVIDER, enrolled.map(subjectKeyOf));
  let completed = 0;
  for (const [i, record] of open.entries()) {
    if (!record) continue;
    const latest = enrolled[i]!.lastAuthenticatedAt;
    if (Date.parse(latest) <= Date.parse(signInOf(record).lastAuthenticatedAt)) continue;
    const moved = await store.move(record.id, { to: 'completed', reason: 'signed in again', event: { kind: 'completed', detail: `signed in ${latest}` } });
    if (moved && moved.after === 'completed' && moved.before !== 'completed') completed += 1;
  }
  return completed;
}
