/**
 * @reauth/journeyapps is the JourneyApps provider: a scheduled sweep of each backend deployment's
 * app users that asks every enrolled session older than JOURNEYAPPS_MAX_SESSION_AGE_DAYS to sign in
 * again (Backend API, reference part B), the on-demand intake for one user, the optional heads-up
 * email, and completion tracking (a later sweep sees the session signed in again). Its client draws
 * from one Redis rate budget per deployment. Records, emails, reminders, dead letters and the
 * dashboard are the core's (@reauth/notification).
 */
export * from './api.js';
export * from './sessions.js';
export * from './settings.js';
export * from './record.js';
export * from './sweep.js';
export * from './jobs.js';
export * from './intake.js';
export * from './provider.js';
