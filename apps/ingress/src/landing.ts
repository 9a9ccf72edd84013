import { randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { LinkError, type LinkSigner, type VerifiedLink } from '@reauth/links';
import type { Brand } from '@reauth/email';
import type { Logger } from '@reauth/logger';
import { isOpen, type NotificationRecord, type Notifications, type ProviderRuntime } from '@reauth/notification';
import type { ErrorAnswer } from './answers.js';
import { LANDING_CSP, landingPage, messagePage } from './pages.js';

export interface LandingOptions {
  signer: LinkSigner;
  store: Notifications;
  providers: ReadonlyMap<string, ProviderRuntime>;
  log: Logger;
  /** BRAND_* and SUPPORT_URL, the same the emails show. */
  brand: Brand;
  /** Every click's outcome, for metrics. */
  onOutcome?: (outcome: string, provider?: string) => void;
}

/** Every POST carries the page's form key: only the page itself can press the button or report. */
export const formKeySchema = z.object({ k: z.string() });
/** The button; `choice` when the provider offers one button per choice. */
export const buttonFormSchema = formKeySchema.extend({ choice: z.string().optional() });
/** What the page reports from the provider's dialog. */
export const dialogEventSchema = formKeySchema.extend({ type: z.enum(['finish', 'close', 'error']), detail: z.string().optional() });

/** The button's JSON answers (the page's script asks for JSON; a plain form post gets a redirect or a page). */
export const redirectAnswerSchema = z.object({ url: z.string(), popupOrigin: z.string().optional() });
export const retryAnswerSchema = z.object({ message: z.string() });
export const refusedAnswerSchema = z.object({ message: z.string(), fallbackUrl: z.string().optional() });

type Found = { link: VerifiedLink; record: NotificationRecord; provider: ProviderRuntime };

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** A browser marks a cross-site form post; curl and old browsers send nothing, which is allowed. */
function crossSite(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = req.get('origin');
  return origin !== undefined && origin !== 'null' && origin !== `${req.protocol}://${req.get('host')}`;
}

const endedPages: Record<string, [number, string, string]> = {
  completed: [200, 'Already reconnected', 'This account has been reconnected. There is nothing more to do.'],
  superseded: [410, 'This link has been replaced', 'A newer email about this account was sent. Please use the link in that one.'],
  lapsed: [410, 'This link has expired', 'Re-authentication links are valid for a limited time. Please sign in to the app to reconnect your account, or contact support.'],
  failed: [410, 'This account can no longer be reconnected here', 'Please sign in to the app to reconnect it, or contact support.'],
  skipped: [410, 'Nothing to reconnect', 'No integration uses this account any more.'],
};

/**
 * `GET /reauth/{token}` shows what needs reconnecting and mints nothing: mail scanners fetch
 * every link in an email, and their fetch must spend no provider code or budget and must not
 * count as opened. The button POSTs back; that runs the provider's link action and marks the
 * notification opened. The page reports the dialog's events to `/reauth/{token}/events`.
 */
export function landingRouter(options: LandingOptions): Router {
  const router = express.Router();
  const { store, signer, log } = options;
  const outcome = (name: string, provider?: string) => options.onOutcome?.(name, provider);
  const page = (res: Response, status: number, html: string) => res.status(status).type('html').send(html);
  const message = (title: string, body: string, link?: { label: string; url: string }) => messagePage(options.brand, title, body, link);

  /** Verifies the link and loads its open notification; answers the page itself otherwise. */
  async function find(req: Request, res: Response): Promise<Found | undefined> {
    res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer');
    let link: VerifiedLink;
    try {
      link = signer.verify(String(req.params.token));
    } catch (err) {
      if (!(err instanceof LinkError)) throw err;
      outcome(`rejected-${err.failure}`);
      if (err.failure === 'expired') page(res, 410, message(...(endedPages.lapsed!.slice(1) as [string, string])));
      else page(res, 400, message('This link is not valid', 'The link may have been copied incompletely. Please use the link from your email again, or contact support.'));
      return undefined;
    }
    const provider = options.providers.get(link.provider);
    let record = await store.get(link.notificationId);
    if (!record && provider?.adoptLegacyLink && (await provider.adoptLegacyLink(link))) record = await store.get(link.notificationId);
    if (!record) {
      outcome('unknown-notification', link.provider);
      page(res, 410, message(...(endedPages.lapsed!.slice(1) as [string, string])));
      return undefined;
    }
    if (!isOpen(record.state)) {
      outcome(`ended-${record.state}`, record.provider);
      const [status, title, body] = endedPages[record.state] ?? endedPages.failed!;
      page(res, status, message(title, body));
      return undefined;
    }
    if (!provider) {
      outcome('provider-off', link.provider);
      page(res, 503, message('Please try again later', 'This service is not available right now. Your link is still valid.'));
      return undefined;
    }
    return { link, record, provider };
  }

  function formOk(req: Request, res: Response): boolean {
    const key = formKeySchema.safeParse(req.body).data?.k ?? '';
    if (!crossSite(req) && same(key, signer.formKey(String(req.params.token)))) return true;
    outcome('rejected-form');
    page(res, 403, message('Please use the button on the page', 'This request did not come from the reconnect page. Please open the link from your email again.'));
    return false;
  }

  const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';

  router.get('/reauth/:token', async (req, res) => {
    const found = await find(req, res);
    if (!found) return;
    const nonce = randomBytes(16).toString('base64');
    const html = landingPage({ landing: found.provider.landing(found.record, found.link), action: `/reauth/${encodeURIComponent(String(req.params.token))}`, formKey: signer.formKey(String(req.params.token)), nonce, brand: options.brand });
    res.set('Content-Security-Policy', LANDING_CSP(nonce, options.brand)).type('html').send(html);
    outcome('viewed', found.record.provider);
  });

  const form = express.urlencoded({ extended: false, limit: '4kb' });
  router.post('/reauth/:token', form, async (req, res) => {
    if (!formOk(req, res)) return;
    const found = await find(req, res);
    if (!found) return;
    const { record, provider } = found;
    const choice = buttonFormSchema.safeParse(req.body).data?.choice;
    const result = await provider.act(record, choice, found.link);
    if (result.kind === 'redirect') {
      await store.move(record.id, { to: 'opened', event: { kind: 'opened', detail: 'the reconnect button was pressed' } });
      outcome('redirected', record.provider);
      log.info({ notificationId: record.id }, 're-auth link opened; sending the user on to the provider');
      if (wantsJson(req)) res.json({ url: result.url, ...(result.popupOrigin ? { popupOrigin: result.popupOrigin } : {}) } satisfies z.infer<typeof redirectAnswerSchema>);
      else res.redirect(302, result.url);
      return;
    }
    if (result.kind === 'retry') {
      outcome('provider-unavailable', record.provider);
      await store.step(record.id, { kind: 'link-failed', detail: 'the provider was unavailable' }).catch(() => undefined);
      if (wantsJson(req)) res.status(503).json({ message: result.message } satisfies z.infer<typeof retryAnswerSchema>);
      else page(res, 503, message('Please try again in a minute', result.message));
      return;
    }
    outcome('refused', record.provider);
    await store.move(record.id, { to: 'failed', reason: result.reason, event: { kind: 'failed', detail: result.reason } });
    const fallback = result.fallbackUrl ? { label: 'Set up the connection again', url: result.fallbackUrl } : undefined;
    if (wantsJson(req)) res.status(410).json({ message: result.message, ...(fallback ? { fallbackUrl: fallback.url } : {}) } satisfies z.infer<typeof refusedAnswerSchema>);
    else page(res, 410, message('This connection must be set up again', result.message, fallback));
  });

  router.post('/reauth/:token/events', express.json({ limit: '4kb' }), async (req, res) => {
    if (!formOk(req, res)) return;
    const found = await find(req, res);
    if (!found) return;
    const id = found.record.id;
    const event = dialogEventSchema.safeParse(req.body);
    if (!event.success) {
      res.status(400).json({ error: 'type must be finish, close or error, and detail text' } satisfies ErrorAnswer);
      return;
    }
    const { type, detail } = event.data;
    if (type === 'finish') {
      await store.move(id, { to: 'completed', reason: 'finished in the dialog', event: { kind: 'completed', detail: 'the dialog reported finish' } });
      outcome('completed', found.record.provider);
    } else if (type === 'close') {
      await store.step(id, { kind: 'popup-closed', detail: 'the dialog was closed before finishing' });
    } else {
      await store.step(id, { kind: 'popup-error', detail: (detail ?? '').slice(0, 200) });
    }
    res.status(204).end();
  });
  return router;
}
