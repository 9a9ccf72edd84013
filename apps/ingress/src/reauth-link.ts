import express, { type Router } from 'express';
import { LinkError, type LinkClaims } from '@reauth/links';
import { PermanentError } from '@reauth/queues';
import type { ReauthLinks, TrayClient } from '@reauth/tray';
import { messagePage } from './pages.js';

export interface ReauthLinkOptions {
  links: ReauthLinks;
  tray: Pick<TrayClient, 'generateAuthorizationCode'>;
  onOutcome?: (outcome: string, claims?: LinkClaims) => void;
}

/**
 * The email's link lands here. Tray's codes live 5 minutes and work once, so one is minted now,
 * on the click, and the browser is sent straight on to Tray's dialog.
 */
export function reauthLinkRouter(options: ReauthLinkOptions): Router {
  const router = express.Router();
  router.get('/reauth/:token', async (req, res) => {
    res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer');
    let claims;
    try {
      claims = options.links.verify(req.params.token);
    } catch (err) {
      if (!(err instanceof LinkError)) throw err;
      options.onOutcome?.(`rejected-${err.failure}`);
      const expired = err.failure === 'expired';
      return res
        .status(expired ? 410 : 400)
        .type('html')
        .send(
          expired
            ? messagePage('This link has expired', 'Re-authentication links are valid for a limited time. Please sign in to the app to reconnect your account, or contact support for a new link.')
            : messagePage('This link is not valid', 'The link may have been copied incompletely. Please use the link from your email again, or contact support.'),
        );
    }
    try {
      const code = await options.tray.generateAuthorizationCode(claims.userId);
      req.log.info({ notificationId: claims.notificationId }, 're-auth link opened; redirecting to Tray');
      res.redirect(302, options.links.dialogUrl(claims, code));
      options.onOutcome?.('redirected', claims);
    } catch (err) {
      const gone = err instanceof PermanentError;
      options.onOutcome?.(gone ? 'tray-rejected' : 'tray-unavailable', claims);
      req.log.error({ notificationId: claims.notificationId, err: (err as Error).message }, 'could not mint an authorization code');
      res
        .status(gone ? 410 : 503)
        .type('html')
        .send(
          gone
            ? messagePage('This account can no longer be reconnected here', 'Please sign in to the app to reconnect it, or contact support.')
            : messagePage('Please try again in a minute', 'We could not reach the integration service just now. Your link is still valid.'),
        );
    }
  });
  return router;
}
