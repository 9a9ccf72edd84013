export type TrayRegion = 'us' | 'eu' | 'apac';

/** Regional hosts as Tray's own sample app configures them (reference §1). */
export const trayEndpoints: Record<TrayRegion, { graphql: string; dialog: string }> = {
  us: { graphql: 'https://tray.io/graphql', dialog: 'https://embedded.tray.io' },
  eu: { graphql: 'https://eu1.tray.io/graphql', dialog: 'https://embedded.eu1.tray.io' },
  apac: { graphql: 'https://ap1.tray.io/graphql', dialog: 'https://embedded.ap1.tray.io' },
};
