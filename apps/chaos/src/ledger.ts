import { DEAD_LETTER_QUEUE, deadLetterId, listDeadLetters, type QueueSet } from '@reauth/queues';
import { workQueueNames } from '@reauth/worker';
import type { CapturedMail } from '@reauth/testkit';

/** What the fixture meant to happen to one notification. */
export type Intended = 'email' | 'skipped' | 'no-contact' | 'unknown-user' | 'bounce';
/** What the dead-letter reason says happened; anything else is a failure nobody intended. */
export type DeadLetterKind = Exclude<Intended, 'email' | 'skipped'> | 'unintended';

/** Read from the entry's error code, never from its English message. */
const deadLetterKinds: Record<string, DeadLetterKind> = {
  'no-contact': 'no-contact',
  user_does_not_exist: 'unknown-user',
  'smtp-rejected': 'bounce',
};

export function deadLetterKind(code: string | undefined): DeadLetterKind {
  return (code !== undefined && deadLetterKinds[code]) || 'unintended';
}

export interface Ledger {
  /** Distinct notifications the ingress acknowledged with 200 (accepted, or duplicate of one). */
  accepted: number;
  emails: number;
  uniqueEmails: number;
  /** Extra copies of a Message-ID already received. */
  duplicateEmails: number;
  /** Notification ids that received more than one email. */
  duplicatedIds: string[];
  skipped: number;
  deadLettered: number;
  deadLetterKinds: Record<DeadLetterKind, number>;
  /** Finally failed jobs with no dead-letter entry (the reconcile at worker start copies them). */
  failedNotDeadLettered: number;
  /** accepted − unique emails − dead letters − skipped. */
  lost: number;
  /** Accepted notifications with no email, no entry and no skip. */
  lostIds: string[];
  /** Notifications that ended otherwise than the fixture intended. */
  misrouted: Array<{ id: string; intended: Intended; actual: string }>;
}

const idOfMail = (mail: CapturedMail) => /^<(.+)@reauth>$/.exec(mail.messageId ?? '')?.[1];

/** Accounts for every accepted notification from what is left in Redis and in the SMTP capture. */
export async function buildLedger(queues: QueueSet, intended: ReadonlyMap<string, Intended>, mails: readonly CapturedMail[]): Promise<Ledger> {
  const mailCounts = new Map<string, number>();
  for (const mail of mails) {
    const id = idOfMail(mail) ?? `unknown:${mail.messageId ?? ''}`;
    mailCounts.set(id, (mailCounts.get(id) ?? 0) + 1);
  }
  const entries = await listDeadLetters(queues, 1_000_000);
  const dead = new Map<string, DeadLetterKind>();
  for (const entry of entries) {
    const id = (entry.data as { notificationId?: string }).notificationId ?? entry.jobId;
    dead.set(id, deadLetterKind(entry.errorCode));
  }
  const mapping = queues.get('instance-mapping');
  const skippedIds = new Set<string>();
  for (const id of intended.keys()) {
    const job = await mapping.getJob(id);
    if ((job?.returnvalue as { outcome?: string } | undefined)?.outcome === 'skipped') skippedIds.add(id);
  }
  const entryIds = new Set((await queues.get(DEAD_LETTER_QUEUE).getJobs(['waiting', 'completed', 'failed', 'delayed'], 0, -1)).map((j) => String(j.id)));
  let failedNotDeadLettered = 0;
  for (const source of workQueueNames) {
    for (const job of await queues.get(source).getFailed(0, -1)) {
      if (!entryIds.has(deadLetterId(source, String(job.id)))) failedNotDeadLettered += 1;
    }
  }

  const kinds: Record<DeadLetterKind, number> = { 'no-contact': 0, 'unknown-user': 0, bounce: 0, unintended: 0 };
  for (const kind of dead.values()) kinds[kind] += 1;
  const lostIds: string[] = [];
  const misrouted: Ledger['misrouted'] = [];
  for (const [id, wanted] of intended) {
    const actual = mailCounts.has(id) ? 'email' : dead.get(id) ?? (skippedIds.has(id) ? 'skipped' : undefined);
    if (actual === undefined) lostIds.push(id);
    else if (actual !== wanted) misrouted.push({ id, intended: wanted, actual });
  }
  const uniqueEmails = mailCounts.size;
  return {
    accepted: intended.size,
    emails: mails.length,
    uniqueEmails,
    duplicateEmails: mails.length - uniqueEmails,
    duplicatedIds: [...mailCounts].filter(([, n]) => n > 1).map(([id]) => id),
    skipped: skippedIds.size,
    deadLettered: dead.size,
    deadLetterKinds: kinds,
    failedNotDeadLettered,
    lost: intended.size - uniqueEmails - dead.size - skippedIds.size,
    lostIds,
    misrouted,
  };
}
