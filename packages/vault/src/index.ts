/**
 * @reauth/vault owns sealing secrets at rest: AES-256-GCM under a key derived (HKDF) per purpose,
 * so a Redis dump, the dashboard or a log never shows a Tray user token or a TrueLayer refresh
 * token in clear, and a key for one purpose cannot open what another sealed.
 */
export { createVault, type Vault } from './vault.js';
