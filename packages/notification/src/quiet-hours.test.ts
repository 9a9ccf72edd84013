import { describe, expect, it } from '@jest/globals';
import { nextSendingTime } from './quiet-hours.js';

const hours = { from: 9, to: 18 };
const utc = (iso: string) => Date.parse(iso);

describe('quiet hours', () => {
  it('keeps a time inside the hours, and moves one outside to the next allowed hour', () => {
    expect(nextSendingTime(utc('2026-03-02T10:15:30Z'), hours, 'UTC')).toBe(utc('2026-03-02T10:15:30Z'));
    expect(nextSendingTime(utc('2026-03-02T09:00:00Z'), hours, 'UTC')).toBe(utc('2026-03-02T09:00:00Z'));
    expect(nextSendingTime(utc('2026-03-02T06:40:12Z'), hours, 'UTC')).toBe(utc('2026-03-02T09:00:00Z'));
    expect(nextSendingTime(utc('2026-03-02T18:00:00Z'), hours, 'UTC')).toBe(utc('2026-03-03T09:00:00Z'));
    expect(nextSendingTime(utc('2026-03-02T23:59:59Z'), hours, 'UTC')).toBe(utc('2026-03-03T09:00:00Z'));
  });

  it('counts the hours in the contact’s time zone', () => {
    // 13:00 UTC is 08:00 in New York (EST): wait until 09:00 there, 14:00 UTC.
    expect(nextSendingTime(utc('2026-03-02T13:00:00Z'), hours, 'America/New_York')).toBe(utc('2026-03-02T14:00:00Z'));
    // 23:30 UTC is 18:30 there: the next morning.
    expect(nextSendingTime(utc('2026-03-02T23:30:00Z'), hours, 'America/New_York')).toBe(utc('2026-03-03T14:00:00Z'));
    // 08:30 UTC is 14:00 in Kolkata: inside, unchanged.
    expect(nextSendingTime(utc('2026-03-02T08:30:00Z'), hours, 'Asia/Kolkata')).toBe(utc('2026-03-02T08:30:00Z'));
    // 02:00 UTC is 07:30 in Kolkata (UTC+5:30): 09:00 there is 03:30 UTC.
    expect(nextSendingTime(utc('2026-03-02T02:00:00Z'), hours, 'Asia/Kolkata')).toBe(utc('2026-03-02T03:30:00Z'));
  });

  it('lands on the allowed hour across a DST change', () => {
    // 8 March 2026, clocks go forward at 02:00: at 07:30 UTC it is 03:30 EDT, and 09:00 EDT is 13:00 UTC.
    expect(nextSendingTime(utc('2026-03-08T07:30:00Z'), hours, 'America/New_York')).toBe(utc('2026-03-08T13:00:00Z'));
    // The evening before, 18:30 EST: the next 09:00 is already EDT, so 13:00 UTC, not 14:00.
    expect(nextSendingTime(utc('2026-03-07T23:30:00Z'), hours, 'America/New_York')).toBe(utc('2026-03-08T13:00:00Z'));
    // 1 November 2026, clocks go back at 02:00 EDT: 05:30 UTC is 01:30 EDT, 06:30 UTC is 01:30 EST
    // again; both wait for 09:00 EST, 14:00 UTC.
    expect(nextSendingTime(utc('2026-11-01T05:30:00Z'), hours, 'America/New_York')).toBe(utc('2026-11-01T14:00:00Z'));
    expect(nextSendingTime(utc('2026-11-01T06:30:00Z'), hours, 'America/New_York')).toBe(utc('2026-11-01T14:00:00Z'));
  });
});
