import { describe, expect, it } from '@jest/globals';
import { nextSendingTime } from './quiet-hours.js';

const hours = { from: 9, to: 18 };
const utc = (iso: string) => Date.parse(iso);

describe('quiet hours', () => {
  it('keeps a time inside the hours, and moves one outside to the next allowed hour', () => {
    expect(nextSendingTime(utc('2026-03-02T10:15:30Z'), hours, 'UTC')).toBe(utc('2026-03-02T10:15:30Z'));
    expect(nextSendingTime(utc('2026-03-02T06:40:00Z'), hours, 'UTC')).toBe(utc('2026-03-02T09:00:00Z'));
    expect(nextSendingTime(utc('2026-03-02T18:00:00Z'), hours, 'UTC')).toBe(utc('2026-03-03T09:00:00Z'));
    expect(nextSendingTime(utc('2026-03-02T23:59:59Z'), hours, 'UTC')).toBe(utc('2026-03-03T09:00:00Z'));
  });

  it('counts the hours in the contact’s time zone, across a DST change', () => {
    // 13:00 UTC is 08:00 in New York (EST): wait until 09:00 there, 14:00 UTC.
    expect(nextSendingTime(utc('2026-03-02T13:00:00Z'), hours, 'America/New_York')).toBe(utc('2026-03-02T14:00:00Z'));
    // 8 March 2026: clocks go forward at 02:00; at 07:30 UTC it is 03:30 EDT, and 09:00 EDT is 13:00 UTC.
    expect(nextSendingTime(utc('2026-03-08T07:30:00Z'), hours, 'America/New_York')).toBe(utc('2026-03-08T13:00:00Z'));
    expect(nextSendingTime(utc('2026-03-02T08:30:00Z'), hours, 'Asia/Kolkata')).toBe(utc('2026-03-02T08:30:00Z'));
  });
});
