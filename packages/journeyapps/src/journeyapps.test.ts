import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { IntakeRefused } from '@reauth/notification';
import { reauthenticateIntake } from './intake.js';
import { DAY_MS, forceJobId, verdict } from './sessions.js';
import { DeploymentsError, journeyAppsSettingsSchema, resolveDeployments } from './settings.js';

const now = Date.parse('2026-12-03T00:00:00Z');
const ago = (days: number) => new Date(now - days * DAY_MS).toISOString();
const user = (over: Partial<{ locked: boolean }> = {}) => ({ id: 'u', locked: false, sessions: [], ...over });
const session = (state: string, days: number) => ({ id: 's', state, last_authenticated_at: ago(days) });

describe('verdict', () => {
  const policy = { maxAgeMs: 30 * DAY_MS, warnBeforeMs: 3 * DAY_MS };
  it('forces an enrolled session at or past the limit, warns inside the window, and skips the rest', () => {
    expect(verdict(user(), session('ENROLLED', 30), now, policy)).toBe('force');
    expect(verdict(user(), session('ENROLLED', 28), now, policy)).toBe('warn');
    expect(verdict(user(), session('ENROLLED', 28), now, { maxAgeMs: policy.maxAgeMs })).toBe('young');
    expect(verdict(user(), session('ENROLLED', 26.9), now, policy)).toBe('young');
    expect(verdict(user({ locked: true }), session('ENROLLED', 90), now, policy)).toBe('user-locked');
    for (const state of ['LOCKED', 'RESET', 'NEVER_ENROLLED']) expect(verdict(user(), session(state, 90), now, policy)).toBe('not-enrolled');
  });

  it('gives a session a new force job id only when it has signed in again', () => {
    const signIn = { deployment: 'd', userId: 'u', sessionId: 's', lastAuthenticatedAt: ago(31) };
    expect(forceJobId(signIn)).toBe(forceJobId({ ...signIn }));
    expect(forceJobId(signIn)).not.toBe(forceJobId({ ...signIn, lastAuthenticatedAt: ago(1) }));
    expect(forceJobId(signIn)).not.toBe(forceJobId({ ...signIn, deployment: 'e' }));
  });
});

describe('deployments', () => {
  const file = (content: unknown) => {
    const path = join(mkdtempSync(join(tmpdir(), 'ja-')), 'deployments.json');
    writeFileSync(path, JSON.stringify(content));
    return path;
  };
  const settings = (env: Record<string, string>) => journeyAppsSettingsSchema.parse(env);

  it('reads several deployments, each with the token its env variable holds', () => {
    const env = { JOURNEYAPPS_DEPLOYMENTS_FILE: file([{ name: 'eu', api_url: 'https://a.example/api/v4/1/', token_env: 'JA_EU' }, { name: 'us', api_url: 'https://b.example/api/v4/2', token_env: 'JA_US' }]), JA_EU: 'one', JA_US: 'two' };
    expect(resolveDeployments(settings(env), env)).toEqual([
      { name: 'eu', apiUrl: 'https://a.example/api/v4/1', token: 'one' },
      { name: 'us', apiUrl: 'https://b.example/api/v4/2', token: 'two' },
    ]);
  });

  it('lists every problem of a bad file at once', () => {
    const env = { JOURNEYAPPS_DEPLOYMENTS_FILE: file([{ name: 'eu', api_url: 'ftp://x', token_env: 'JA_EU' }, { name: 'bad name', api_url: 'https://b.example', token_env: 'JA_US' }]) };
    const error = (() => {
      try {
        resolveDeployments(settings(env), env);
      } catch (err) {
        return err as DeploymentsError;
      }
      throw new Error('expected a DeploymentsError');
    })();
    expect(error).toBeInstanceOf(DeploymentsError);
    expect(error.problems).toHaveLength(2);
  });

  it('refuses a file and a single deployment together, and a single deployment without its token', () => {
    expect(journeyAppsSettingsSchema.safeParse({ JOURNEYAPPS_DEPLOYMENTS_FILE: '/x', JOURNEYAPPS_API_TOKEN: 't' }).success).toBe(false);
    const missing = journeyAppsSettingsSchema.safeParse({ JOURNEYAPPS_API_TOKEN: 't' });
    expect(missing.success ? [] : missing.error.issues.map((i) => i.path.join('.'))).toEqual(['JOURNEYAPPS_API_URL']);
  });
});

describe('on-demand intake', () => {
  const added: unknown[] = [];
  const queue = { add: async (...args: unknown[]) => void added.push(args) } as never;

  it('needs the deployment when there are several, and refuses an unknown one with 404', async () => {
    const intake = reauthenticateIntake({ token: 't'.repeat(16), deployments: ['eu', 'us'], userQueue: () => queue });
    expect(intake.schema.safeParse({ user_id: 'u' }).success).toBe(false);
    const body = intake.schema.parse({ user_id: 'u', deployment: 'asia' });
    await expect(intake.accept(body, 1)).rejects.toMatchObject({ status: 404 });
    await expect(intake.accept(body, 1)).rejects.toBeInstanceOf(IntakeRefused);
    const result = await intake.accept(intake.schema.parse({ user_id: 'u', deployment: 'eu' }), 1);
    expect(result).toMatchObject({ status: 'queued' });
    // A replay with the same receive time is the same job.
    expect((await intake.accept(intake.schema.parse({ user_id: 'u', deployment: 'eu' }), 1)).id).toBe(result.id);
  });

  it('checks the Bearer token', () => {
    const intake = reauthenticateIntake({ token: 'secret-token-0123456789', deployments: ['default'], userQueue: () => queue });
    const req = (authorization?: string) => ({ header: (n: string) => (n === 'authorization' ? authorization : undefined), query: {} });
    expect(intake.authenticate(req('Bearer secret-token-0123456789'))).toBe(true);
    expect(intake.authenticate(req('Bearer secret-token-012345678'))).toBe(false);
    expect(intake.authenticate(req())).toBe(false);
  });
});
