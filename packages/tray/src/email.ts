import type { EmailContent } from '@reauth/email';
import type { Notice, NotificationRecord } from '@reauth/notification';
import { trayContext } from './record.js';

const DAY_MS = 86_400_000;

function timeLeft(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  if (days >= 2) return `${days} days`;
  const hours = Math.max(1, Math.floor(ms / 3_600_000));
  return hours >= 24 ? '1 day' : `${hours} hour${hours === 1 ? '' : 's'}`;
}

/** Tray's wording: which connection expires, which integrations use it. The layout is the core's. */
export function trayEmail(record: Pick<NotificationRecord, 'context'>, notice: Notice): EmailContent {
  const context = trayContext(record);
  const service = context.serviceName || 'connected';
  const named = context.authenticationName ? ` "${context.authenticationName}"` : '';
  const reminder = notice.send > 0;
  const left = timeLeft(notice.linkExpiresAt - notice.now);
  return {
    kind: reminder ? 'reminder' : 'notice',
    subject: reminder ? `Reminder: reconnect your ${service} account (${left} left)` : `Action needed: reconnect your ${service} account`,
    intro: [
      reminder
        ? `This is a reminder: your ${service} connection${named} will expire soon, and this link works for ${left} more.`
        : `Your ${service} connection${named} will expire in the next few days.`,
      ...(context.instances.length > 0 ? [] : ['No integration uses it at the moment, but reconnecting keeps it ready.']),
    ],
    ...(context.instances.length > 0
      ? { list: { heading: 'These integrations use it and will stop working until you reconnect:', items: context.instances.map((i) => i.name) } }
      : {}),
    action: { label: `Reconnect ${service}`, url: notice.link },
    outro: [],
  };
}
