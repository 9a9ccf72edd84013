import { describe, expect, it } from '@jest/globals';
import { createVault } from '@reauth/vault';
import { consentPostSchema, refreshTokenOf } from './consent.js';

const vault = createVault('k'.repeat(32), 'test');
const post = {
  webhook_id: 'msg_1',
  external_user_id: 'u1',
  credentials_id: 'c1',
  refresh_token: 'rt-very-secret',
  redirect_uri: 'https://app.example.test/cb',
  consent_expires_at: '2027-01-01T00:00:00Z',
  provider: { provider_id: 'ob-lloyds', display_name: 'Lloyds' },
};

describe('the consent post as the intake passes it on', () => {
  const schema = consentPostSchema(vault);
  it('holds the refresh token sealed, and a second parse (a spool replay) keeps it', () => {
    const once = schema.parse(post);
    expect(JSON.stringify(once)).not.toContain('rt-very-secret');
    const twice = schema.parse(once);
    expect(twice.refresh_token).toBe(once.refresh_token);
    expect(refreshTokenOf(vault, twice)).toBe('rt-very-secret');
  });
  it('refuses a forged sealed value with a reason', () => {
    const result = schema.safeParse({ ...post, refresh_token: 'sealed:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['refresh_token'], message: 'not a refresh token' });
  });
});
