import type { ContactLookup } from '@reauth/contacts';
import type { NotificationEventInput } from '@reauth/history';
import type { Mailer } from '@reauth/email';
import type { Enqueue } from '@reauth/queues';
import type { TrayClient } from './client.js';
import type { TrayJobs } from './jobs.js';
import type { ReauthLinks } from './links.js';
import type { TrayJob } from './payload.js';
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
  /** Hands a notification to its next stage. */
  enqueue: Enqueue<TrayJobs>;
  settings: { notifyUnusedAuths: boolean; linkTtlDays: number };
  /** What the process records about each notification; absent, nothing is recorded. */
  hooks?: PipelineHooks;
}

export interface PipelineHooks {
  /** One step of the notification's timeline. Awaited, so steps land in order; its failure never fails a job. */
  onStep?(job: TrayJob, step: NotificationEventInput): Promise<void>;
  onEmail?(outcome: 'sent' | 'failed' | 'skipped'): void;
}
