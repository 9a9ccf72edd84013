/**
 * @reauth/links owns the re-auth links that emails carry: a payload signed with HMAC-SHA256 under a
 * key derived from LINK_SECRET, with an expiry. A link proves who may re-authenticate what; it
 * never carries a Tray code or token (those expire in minutes and are minted on click).
 */
export { createLinkSigner, LinkError, type LinkClaims, type LinkSigner, type LinkFailure } from './signer.js';
