import { bindModule, type ModuleHandlers } from '@reauth/queues';
import { trayModule, type TrayServices } from '@reauth/tray';

export interface ProcessorServices {
  tray: TrayServices;
}

/** The work queues of every registered module; each is also a worker role. */
export const workQueueNames: readonly string[] = [...new Set([trayModule].flatMap((m) => Object.keys(m.queues)))];

/** The one place job modules are registered; buildRegistry checks every job has one processor. */
export function registeredModules(services: ProcessorServices): ModuleHandlers[] {
  return [bindModule(trayModule, services.tray)];
}
