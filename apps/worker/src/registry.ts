import { eventsModule } from '@reauth/events';
import { notificationModule, type Provider } from '@reauth/notification';
import { trayProvider } from '@reauth/tray';
import { trueLayerProvider } from '@reauth/truelayer';
import { journeyAppsProvider } from '@reauth/journeyapps';

/** Every provider reauth knows: adding one is one line here (see docs/providers.md). */
export const providers: readonly Provider[] = [trayProvider, trueLayerProvider, journeyAppsProvider];

/** The work queues of the core (notifications, events) and of every provider; each is also a worker role. */
export const workQueueNames: readonly string[] = [...new Set([notificationModule, eventsModule, ...providers.map((p) => p.module)].flatMap((m) => Object.keys(m.queues)))];

/** What parseConfig needs to tell which providers are on and what each still lacks. */
export const providerSwitches = providers.map((p) => p.switch);
