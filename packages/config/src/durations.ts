import { z } from 'zod';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90s`, `15m`, `3h`, `6d`; with `signed`, also `-14d` / `+1d`. */
export function parseDuration(text: string, signed = false): number | undefined {
  const match = (signed ? /^([+-]?)(\d+)([smhd])$/ : /^()(\d+)([smhd])$/).exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[2]) * UNIT_MS[match[3] as keyof typeof UNIT_MS];
  return match[1] === '-' ? -ms : ms;
}

/** An env list of durations such as `3d,6d` (ascending), as milliseconds. */
export const durationList = (signed = false) =>
  z.string().transform((raw, ctx) => {
    const parts = raw.split(',').map((p) => p.trim()).filter(Boolean);
    const out: number[] = [];
    for (const part of parts) {
      const ms = parseDuration(part, signed);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not a duration like ${signed ? '-14d or +1d' : '3d'} (units s, m, h, d)` });
        return z.NEVER;
      }
      out.push(ms);
    }
    if (out.some((ms, i) => i > 0 && ms <= (out[i - 1] as number))) {
      ctx.addIssue({ code: 'custom', message: 'offsets must be in ascending order' });
      return z.NEVER;
    }
    return out;
  });

export const duration = z.string().transform((raw, ctx) => {
  const ms = parseDuration(raw);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${raw}" is not a duration like 24h (units s, m, h, d)` });
    return z.NEVER;
  }
  return ms;
});

export interface SendingHours {
  /** First allowed hour, 0-23. */
  from: number;
  /** First hour no longer allowed, 1-24. */
  to: number;
}

/** `REMINDER_HOURS=09-18`: reminders go out from 09:00 until 18:00 in the contact's time zone. */
export const sendingHoursSchema = z.string().transform((raw, ctx): SendingHours => {
  const match = /^(\d{1,2})-(\d{1,2})$/.exec(raw.trim());
  const from = Number(match?.[1]);
  const to = Number(match?.[2]);
  if (!match || from > 23 || to > 24 || to <= from) {
    ctx.addIssue({ code: 'custom', message: 'expected HH-HH with the first hour before the second, e.g. 09-18' });
    return z.NEVER;
  }
  return { from, to };
});
