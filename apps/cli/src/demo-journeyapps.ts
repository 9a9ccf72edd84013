import { mixedUsers, startFakeJourneyApps, type FakeJourneyApps } from '@reauth/testkit';

/**
 * The demo's JourneyApps side: a simulated Backend API with 30 app users of mixed states and ages
 * (nine of their sessions are older than 30 days), for one sweep.
 */
export interface JourneyAppsSample {
  env: Record<string, string>;
  fake: FakeJourneyApps;
  close(): Promise<void>;
}

export async function startJourneyAppsSample(): Promise<JourneyAppsSample> {
  const token = 'demo-journeyapps-token';
  const fake = await startFakeJourneyApps({ token });
  fake.addUsers(mixedUsers(30));
  return {
    env: { JOURNEYAPPS_API_URL: fake.url, JOURNEYAPPS_API_TOKEN: token, JOURNEYAPPS_PAGE_SIZE: '10' },
    fake,
    close: () => fake.close(),
  };
}
