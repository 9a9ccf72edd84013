export {
  startFakeJourneyApps,
  type FakeJourneyApps,
  type FakeJourneyAppsOptions,
  type FakeJourneyAppsReauthentication,
} from './server.js';
export type { FakeJourneyAppsSession, FakeJourneyAppsSessionState, FakeJourneyAppsUser } from './state.js';
export type { JourneyAppsErrorBody } from './errors.js';
export { expectedSweep, mixedUsers, sessionsToForce, userIdOf } from './population.js';
