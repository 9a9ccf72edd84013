/**
 * @reauth/testkit owns the real-but-local stand-ins that tests, the demo and the chaos run use:
 * a `redis-server` on a random loopback port, a fake Tray GraphQL API (validating every document
 * against an SDL written from the reference) with its auth dialog, a fake JourneyApps Backend API
 * (app users and sessions), an SMTP capture on smtp-server, and a fake customer contact directory.
 */
export { startRedisServer, type RedisServer } from '@reauth/redis';
export * from './fake-tray/index.js';
export * from './fake-journeyapps/index.js';
export * from './fake-truelayer/index.js';
export { startSmtpCapture, type CapturedMail, type SmtpCapture, type SmtpCaptureOptions, type SmtpFailureCode } from './smtp-capture.js';
export { startContactsServer, type Contact, type ContactsServer, type ContactsServerOptions } from './contacts-server.js';
export { pressButton, readFormKey } from './landing-client.js';
export { waitForReady } from './ready.js';
export { postSigned, webhookSecret } from './signed-webhook.js';
export { startLocalWorld, type LocalWorld, type LocalWorldOptions } from './world.js';
export { eventually } from './eventually.js';
export { launchChromium } from './browser.js';
