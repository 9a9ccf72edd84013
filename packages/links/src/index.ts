/**
 * @reauth/links owns the re-auth links that emails carry: `{provider, notificationId, expiry}`
 * signed with HMAC-SHA256 under a key derived from LINK_SECRET. A link proves which notification
 * may be acted on; what the action needs is read from the notification's record at click time.
 * Version-1 links (Tray claims inside) keep verifying until they expire.
 */
export { createLinkSigner, LinkError, type LinkClaims, type LegacyTrayClaims, type LinkSigner, type LinkFailure, type SignedLink, type VerifiedLink } from './signer.js';
