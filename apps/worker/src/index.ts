/**
 * @reauth/worker runs the pipeline's worker roles (token-lookup, instance-mapping, notify): one
 * BullMQ Worker per queue, dispatching each job to its registered processor, dead-lettering jobs
 * that fail for good, and pausing a whole queue when an upstream says to slow down.
 */
export { startWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from './runtime.js';
export { registeredModules, workQueueNames, type ProcessorServices } from './registry.js';
