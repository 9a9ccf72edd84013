import { describe, expect, it } from '@jest/globals';
import { traySettingsSchema, trayUrls } from './settings.js';

const base = { TRAY_MASTER_TOKEN: 'm', TRAY_EMBEDDED_ID: 'acme', LINK_SECRET: 'k'.repeat(32) };

describe('Tray settings', () => {
  it('picks regional Tray hosts unless overridden', () => {
    const urls = (env: object) => trayUrls(traySettingsSchema.parse({ ...base, ...env }));
    expect(urls({ TRAY_REGION: 'eu' })).toEqual({ graphql: 'https://eu1.tray.io/graphql', dialog: 'https://embedded.eu1.tray.io' });
    expect(urls({ TRAY_REGION: 'apac' })).toEqual({ graphql: 'https://ap1.tray.io/graphql', dialog: 'https://embedded.ap1.tray.io' });
    expect(urls({})).toEqual({ graphql: 'https://tray.io/graphql', dialog: 'https://embedded.tray.io' });
    expect(urls({ TRAY_REGION: 'eu', TRAY_DIALOG_URL: 'https://auth.acme.test' }).dialog).toBe('https://auth.acme.test');
  });

  it('parses reminder offsets in s, m, h and d, ascending', () => {
    expect(traySettingsSchema.parse(base).TRAY_REMINDERS).toEqual([3 * 86_400_000, 6 * 86_400_000]);
    expect(traySettingsSchema.parse({ ...base, TRAY_REMINDERS: '2s, 90m' }).TRAY_REMINDERS).toEqual([2_000, 5_400_000]);
    expect(traySettingsSchema.parse({ ...base, TRAY_REMINDERS: '' }).TRAY_REMINDERS).toEqual([]);
    expect(traySettingsSchema.safeParse({ ...base, TRAY_REMINDERS: '3x' }).success).toBe(false);
    expect(traySettingsSchema.safeParse({ ...base, TRAY_REMINDERS: '6d,3d' }).success).toBe(false);
  });
});
