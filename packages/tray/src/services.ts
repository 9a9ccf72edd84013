import type { ContactLookup } from '@reauth/contacts';
import type { Mailer } from '@reauth/email';
import type { TrayClient } from './client.js';
import type { ReauthLinks } from './links.js';
import type { SentMarkers } from './sent-markers.js';
import type { UserTokens } from './token-cache.js';

/**
 * What the Tray processors use. Each service is a getter so a process builds only what its roles
 * touch: a token-lookup-only process never needs SMTP settings.
 */
export interface TrayServices {
  tray(): TrayClient;
  tokens(): UserTokens;
  mailer(): Mailer;
  contacts(): ContactLookup;
  links(): ReauthLinks;
  sent(): SentMarkers;
  settings: { notifyUnusedAuths: boolean; linkTtlDays: number };
}
