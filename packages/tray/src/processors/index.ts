import type { Processor } from '@reauth/queues';
import type { TrayServices } from '../services.js';
import { instanceMappingProcessor } from './instance-mapping.js';
import { notifyProcessor } from './notify.js';
import { tokenLookupProcessor } from './token-lookup.js';

export { affectedInstances } from './instance-mapping.js';

export function trayProcessors(services: TrayServices): Processor[] {
  return [tokenLookupProcessor(services), instanceMappingProcessor(services), notifyProcessor(services)] as Processor[];
}
