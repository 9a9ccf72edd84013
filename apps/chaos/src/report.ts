import type { ChaosReport } from './chaos.js';

const row = (label: string, value: number | string, note = '') => `  ${label.padEnd(44)}${String(value).padStart(7)}${note ? `   ${note}` : ''}`;

/** The table `pnpm chaos` prints and docs/reliability.md quotes. */
export function formatReport(r: ChaosReport): string {
  const { ledger: l, options: o } = r;
  const killsByRole = Object.entries(r.kills.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k.role]: (acc[k.role] ?? 0) + 1 }), {}))
    .map(([role, n]) => `${role} ${n}`)
    .join(', ');
  return [
    `reauth chaos run: ${o.webhooks} notifications, ${o.workersPerRole} worker process(es) per role, ${(r.durationMs / 1000).toFixed(0)} s`,
    row('webhook deliveries (duplicates included)', r.deliveries, `answered "duplicate": ${r.answeredDuplicate}; needed a retry (503/refused): ${r.retriedDeliveries}`),
    row('accepted (distinct notifications)', l.accepted, r.inconsistentIds ? `${r.inconsistentIds} auths got two different ids!` : ''),
    row('emails sent (unique Message-IDs)', l.uniqueEmails),
    row('duplicate emails', l.duplicateEmails, `tied to a notify SIGKILL: ${r.explainedDuplicates}; unexplained: ${r.unexplainedDuplicates}`),
    row('skipped by design (auth used by no instance)', l.skipped),
    row('in dead-letter queue', l.deadLettered),
    row('  no-contact (no address in the directory)', l.deadLetterKinds['no-contact']),
    row('  user_does_not_exist (unknown Tray user)', l.deadLetterKinds['unknown-user']),
    row('  smtp 550 (recipient rejected)', l.deadLetterKinds.bounce),
    row('  unintended', l.deadLetterKinds.unintended),
    row('failed jobs missing from the dead-letter queue', l.failedNotDeadLettered),
    row('ended otherwise than intended', l.misrouted.length),
    row('lost', l.lost, '= accepted - unique emails - dead-lettered - skipped'),
    '',
    `  disruptions: ${r.kills.length} worker processes SIGKILLed and restarted (${killsByRole}); Redis restarted once (down ${(r.redisDownMs / 1000).toFixed(1)} s); ingress restarted ${r.ingressRestarts}x`,
    `  upstream faults: Tray 5xx ${r.trayServerErrors}, Tray "Rate limit exceeded" ${r.trayRateLimited}, SMTP refusals ${r.smtpRefusals} (451 on 20% of first attempts, 550 to the bounce address)`,
    `  final SIGTERM: ${r.cleanExits[0]}/${r.cleanExits[1]} processes exited 0`,
    ...r.duplicates.slice(0, 10).map(
      (d) =>
        `  duplicate ${d.id}: copies at +${d.copies.map((c) => c.at).join(', +')} ms from ${d.copies.map((c) => c.sender).join(', ')}; ${d.killedSender === undefined ? 'NOT tied to a notify SIGKILL' : `first sender pid ${d.killedSender} was SIGKILLed`}`,
    ),
    ...(l.lostIds.length ? [`  lost ids: ${l.lostIds.slice(0, 10).join(', ')}`] : []),
    ...(l.misrouted.length ? [`  misrouted: ${l.misrouted.slice(0, 10).map((m) => `${m.id} ${m.intended}->${m.actual}`).join(', ')}`] : []),
  ].join('\n');
}
