import type { Processor } from '@reauth/queues';
import { trayProcessors, type TrayServices } from '@reauth/tray';

export interface ProcessorServices {
  tray: TrayServices;
}

/** The one place processors are registered; buildRegistry checks it covers every job name. */
export function allProcessors(services: ProcessorServices): Processor[] {
  return [...trayProcessors(services.tray)];
}
