import type { LinkClaims, LinkSigner } from '@reauth/links';
import type { AffectedInstance, TrayJob } from './payload.js';

export type LinkMode = 'edit-auth' | 'instance-slot';

export interface ReauthLink {
  label: string;
  url: string;
}

export interface ReauthLinks {
  /** Links for the email: one for the auth, or one per affected instance slot. */
  forNotification(job: TrayJob, instances: AffectedInstance[]): ReauthLink[];
  /** Checks a clicked link's signature and expiry; throws LinkError. */
  verify(token: string): LinkClaims;
  /** Where a verified link goes once a fresh authorization code is minted. */
  dialogUrl(claims: LinkClaims, code: string): string;
}

export interface ReauthLinkOptions {
  signer: LinkSigner;
  publicUrl: string;
  dialogBaseUrl: string;
  embeddedId: string;
  mode: LinkMode;
}

const seg = encodeURIComponent;

export function createReauthLinks(options: ReauthLinkOptions): ReauthLinks {
  const publicBase = options.publicUrl.replace(/\/+$/, '');
  const dialogBase = options.dialogBaseUrl.replace(/\/+$/, '');
  const link = (claims: LinkClaims) => `${publicBase}/reauth/${options.signer.sign(claims)}`;

  return {
    forNotification(job, instances) {
      const base = { authId: job.auth.authId, userId: job.auth.user_id, notificationId: job.notificationId };
      if (options.mode === 'instance-slot' && instances.length > 0) {
        return instances.map((i) => ({
          label: i.name,
          url: link({ ...base, solutionInstanceId: i.id, externalAuthId: i.externalId }),
        }));
      }
      return [{ label: job.auth.authentication_name || job.auth.service_name, url: link(base) }];
    },
    verify: (token) => options.signer.verify(token),
    dialogUrl(claims, code) {
      // Edit by authId is what Tray's sample app does (CONFIRMED there); the slot form is the
      // documented auth-only *create* dialog bound to an instance (reference §4).
      const path =
        claims.solutionInstanceId && claims.externalAuthId
          ? `/external/auth/create/${seg(options.embeddedId)}/${seg(claims.solutionInstanceId)}/${seg(claims.externalAuthId)}`
          : `/external/auth/edit/${seg(options.embeddedId)}/${seg(claims.authId)}`;
      return `${dialogBase}${path}?code=${seg(code)}`;
    },
  };
}
