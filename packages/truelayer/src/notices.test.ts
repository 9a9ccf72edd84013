import { describe, expect, it } from '@jest/globals';
import { firstNotice } from './notices.js';

const DAY = 86_400_000;
const offsets = [-14 * DAY, -7 * DAY, -1 * DAY, DAY, 14 * DAY];

describe('the first notice of a consent', () => {
  const expiry = 100 * DAY;
  it('is the first offset when posted in time', () => {
    expect(firstNotice(offsets, expiry, expiry - 30 * DAY)).toEqual({ send: 0, due: expiry - 14 * DAY });
  });
  it('is only the latest notice already past, at once, when posted late', () => {
    const now = expiry - 3 * DAY;
    expect(firstNotice(offsets, expiry, now)).toEqual({ send: 1, due: now });
    expect(firstNotice(offsets, expiry, expiry + 2 * DAY)).toEqual({ send: 3, due: expiry + 2 * DAY });
  });
  it('is the last notice once every offset has passed', () => {
    expect(firstNotice(offsets, expiry, expiry + 20 * DAY).send).toBe(4);
  });
});
