import type { EmailContent } from '@reauth/email';
import type { Notice, NotificationRecord } from '@reauth/notification';
import { trueLayerContext } from './record.js';

const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/**
 * TrueLayer's wording: which bank, and when access ends or ended. `link` is the landing page, or
 * the customer's own connect page for a bank that reauthuri does not serve.
 */
export function trueLayerEmail(record: Pick<NotificationRecord, 'context'>, notice: Notice, link = notice.link): EmailContent {
  const { bank, consentExpiresAt } = trueLayerContext(record);
  const ended = notice.now >= consentExpiresAt;
  const when = day.format(consentExpiresAt);
  return {
    kind: notice.send > 0 ? 'reminder' : 'notice',
    subject: ended ? `Your ${bank} connection has expired: reconnect it` : `Reconnect ${bank} before ${when}`,
    intro: [
      ended
        ? `Your bank's permission to share your ${bank} account data ended on ${when}. Until you reconnect, we cannot see your latest transactions.`
        : `Your bank asks you to renew your permission to share your ${bank} account data every 90 days. It ends on ${when}.`,
      'Reconnecting takes a minute at your bank, and nothing else changes.',
    ],
    action: { label: `Reconnect ${bank}`, url: link },
    outro: [],
  };
}
