import { describe, expect, it } from '@jest/globals';
import { createVault } from './index.js';

describe('vault', () => {
  const secret = 'x'.repeat(40);
  it('opens what it sealed, never shows the plain text, and differs per seal', () => {
    const vault = createVault(secret, 'test-v1');
    const a = vault.seal('refresh-token-123');
    expect(a).not.toContain('refresh-token-123');
    expect(Buffer.from(a, 'base64').toString('utf8')).not.toContain('refresh-token-123');
    expect(vault.seal('refresh-token-123')).not.toBe(a);
    expect(vault.open(a)).toBe('refresh-token-123');
  });
  it('refuses another purpose, another secret, tampering and garbage', () => {
    const sealed = createVault(secret, 'test-v1').seal('plain');
    expect(createVault(secret, 'other-v1').open(sealed)).toBeUndefined();
    expect(createVault('y'.repeat(40), 'test-v1').open(sealed)).toBeUndefined();
    const raw = Buffer.from(sealed, 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(createVault(secret, 'test-v1').open(raw.toString('base64'))).toBeUndefined();
    expect(createVault(secret, 'test-v1').open('short')).toBeUndefined();
  });
});
