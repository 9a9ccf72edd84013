import { describe, expect, it } from '@jest/globals';
import { createLinkSigner } from '@reauth/links';
import { createReauthLinks } from './links.js';
import { affectedInstances } from './processors/instance-mapping.js';
import type { TrayJob } from './payload.js';

const job: TrayJob = {
  notificationId: 'n-1',
  receivedAt: 0,
  auth: { authentication_name: 'Sales', service_name: 'salesforce', user_id: 'u-1', authId: 'a-1', external_user_id: 'e-1' },
};
const signer = createLinkSigner('s'.repeat(40), 14);
const links = (mode: 'edit-auth' | 'instance-slot', dialogBaseUrl = 'https://embedded.eu1.tray.io') =>
  createReauthLinks({ signer, publicUrl: 'https://reauth.acme.test/', dialogBaseUrl, embeddedId: 'acme', mode });
const tokenOf = (url: string) => url.replace('https://reauth.acme.test/reauth/', '');

describe('re-auth links', () => {
  const instances = [
    { id: 'si-1', name: 'Sync', externalId: 'external_sf' },
    { id: 'si-2', name: 'Report', externalId: 'external_sf_2' },
  ];

  it('edit-auth: one link that opens the edit dialog for the auth, in the configured region', () => {
    const [link, ...rest] = links('edit-auth').forNotification(job, instances);
    expect(rest).toHaveLength(0);
    expect(link?.url.startsWith('https://reauth.acme.test/reauth/')).toBe(true);
    const claims = signer.verify(tokenOf(link!.url));
    expect(links('edit-auth').dialogUrl(claims, 'c0de')).toBe('https://embedded.eu1.tray.io/external/auth/edit/acme/a-1?code=c0de');
  });

  it('instance-slot: one link per affected instance, each to the create dialog bound to its slot', () => {
    const made = links('instance-slot', 'https://embedded.ap1.tray.io').forNotification(job, instances);
    expect(made.map((l) => l.label)).toEqual(['Sync', 'Report']);
    const urls = made.map((l) => links('instance-slot', 'https://embedded.ap1.tray.io').dialogUrl(signer.verify(tokenOf(l.url)), 'k'));
    expect(urls).toEqual([
      'https://embedded.ap1.tray.io/external/auth/create/acme/si-1/external_sf?code=k',
      'https://embedded.ap1.tray.io/external/auth/create/acme/si-2/external_sf_2?code=k',
    ]);
  });

  it('escapes path segments taken from Tray data', () => {
    const claims = { authId: 'a/../b?x', userId: 'u', notificationId: 'n' };
    expect(links('edit-auth').dialogUrl(claims, 'a&b')).toBe('https://embedded.eu1.tray.io/external/auth/edit/acme/a%2F..%2Fb%3Fx?code=a%26b');
  });
});

describe('affected instances', () => {
  it('keeps every slot that holds the auth, including two slots of one instance', () => {
    const found = affectedInstances(
      [
        { id: 'x', name: 'X', enabled: true, authValues: [{ externalId: 's1', authId: 'a-1' }, { externalId: 's2', authId: 'a-1' }] },
        { id: 'y', name: 'Y', enabled: false, authValues: [{ externalId: 's1', authId: 'a-2' }] },
        { id: 'z', name: 'Z', enabled: true, authValues: [] },
      ],
      'a-1',
    );
    expect(found).toEqual([
      { id: 'x', name: 'X', externalId: 's1' },
      { id: 'x', name: 'X', externalId: 's2' },
    ]);
  });
});
