import type { SendingHours } from '@reauth/config';

function hourIn(at: number, timeZone: string): { hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { hour: get('hour'), minute: get('minute') };
}

/**
 * `at` itself when it falls inside the sending hours in `timeZone`, else the start of the next
 * allowed hour there. Found by stepping to the next whole hour, so DST shifts need no special case.
 */
export function nextSendingTime(at: number, hours: SendingHours, timeZone: string): number {
  let t = at;
  for (let i = 0; i < 48; i += 1) {
    const { hour, minute } = hourIn(t, timeZone);
    if (hour >= hours.from && hour < hours.to) return t;
    t += (60 - minute) * 60_000 - (t % 60_000);
  }
  return t;
}
