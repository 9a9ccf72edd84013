import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postSigned, startFakeTrueLayer, webhookSecret, type FakeTrueLayer } from '@reauth/testkit';

/**
 * The demo's TrueLayer side: the simulated auth server and bank, and a stand-in for the
 * customer's backend, which posts consents signed with Standard Webhooks and, on the bank's
 * redirect, posts the renewed consent (as the README's handler does after exchanging the code).
 */
export interface TrueLayerSample {
  env: Record<string, string>;
  /** Posts the sample consent to the ingress; answers the ingress's JSON. */
  postConsent(ingressUrl: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTrueLayerSample(): Promise<TrueLayerSample> {
  const secret = webhookSecret();
  const fake: FakeTrueLayer = await startFakeTrueLayer();
  const refreshToken = `rt-${randomBytes(16).toString('hex')}`;
  let ingress = '';
  const day = 86_400_000;
  const consent = (expiresAt: number) => ({
    external_user_id: 'grace-hopper',
    credentials_id: 'cred-demo-1',
    refresh_token: refreshToken,
    redirect_uri: `${backendUrl}/truelayer/callback`,
    consent_expires_at: new Date(expiresAt).toISOString(),
    provider: { provider_id: 'ob-lloyds', display_name: 'Lloyds Bank' },
    state: 'cred-demo-1',
    contact: { email: 'grace@example.com', name: 'Grace Hopper' },
  });
  const post = async (body: unknown) => {
    const res = await postSigned(`${ingress}/webhooks/truelayer/consents`, secret, body);
    return `${res.status} ${await res.text()}`;
  };

  const backend = createServer((req, res) => {
    // A real handler exchanges `code` at /connect/token first; the renewal post is what reauth needs.
    const url = new URL(req.url ?? '/', 'http://backend');
    if (url.pathname !== '/truelayer/callback' || !url.searchParams.get('code')) return void res.writeHead(404).end();
    void post(consent(Date.now() + 90 * day)).then((answer) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`Lloyds Bank is reconnected. reauth answered the renewal: ${answer}\n`));
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  // Consent ends in 3 days: the -14d and -7d notices are past, so the -7d one goes out at once.
  const expiresAt = Date.now() + 3 * day;
  fake.addConnection({ refreshToken, redirectUri: `${backendUrl}/truelayer/callback`, consentExpiresAt: expiresAt });

  return {
    env: { TRUELAYER_INTAKE_SECRET: secret, TRUELAYER_AUTH_URL: fake.url, TRUELAYER_FALLBACK_URL: `${backendUrl}/connect?user={external_user_id}` },
    postConsent(ingressUrl) {
      ingress = ingressUrl;
      return post(consent(expiresAt));
    },
    async close() {
      await new Promise((resolve) => backend.close(resolve));
      await fake.close();
    },
  };
}
