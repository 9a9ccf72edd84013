import { describe, expect, it } from '@jest/globals';
import { startFakeTrueLayer, type FakeTrueLayer } from './index.js';

const connection = { refreshToken: 'rt-1', redirectUri: 'https://app.example.test/callback', consentExpiresAt: Date.now() + 86_400_000 };

const reauthUri = (fake: FakeTrueLayer, signal?: AbortSignal) =>
  fetch(`${fake.url}/v1/reauthuri`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'code', refresh_token: connection.refreshToken, redirect_uri: connection.redirectUri }),
    ...(signal ? { signal } : {}),
  });

describe('fake TrueLayer latencyMs', () => {
  it('holds a reauthuri answer until latencyMs has passed', async () => {
    const fake = await startFakeTrueLayer({ latencyMs: 600_000 });
    try {
      fake.addConnection(connection);
      await expect(reauthUri(fake, AbortSignal.timeout(200))).rejects.toThrow();
      expect(fake.calls).toHaveLength(0);
    } finally {
      await fake.close();
    }
  });

  it('answers as without it once the time has passed, and leaves the bank page alone', async () => {
    const fake = await startFakeTrueLayer({ latencyMs: 5 });
    try {
      fake.addConnection(connection);
      const res = await reauthUri(fake);
      const body = (await res.json()) as { result: string; success: boolean };
      expect(res.status).toBe(200);
      expect(body.success).toBe(true);
      const bank = await fetch(body.result, { redirect: 'manual' });
      expect(bank.status).toBe(302);
      expect(bank.headers.get('location')).toMatch(/^https:\/\/app\.example\.test\/callback\?code=/);
    } finally {
      await fake.close();
    }
  });

  it('refuses a latency that is not a whole number >= 0', async () => {
    await expect(startFakeTrueLayer({ latencyMs: -1 })).rejects.toThrow(RangeError);
  });
});
