/**
 * @reauth/worker runs the worker roles: one BullMQ Worker per queue, dispatching each job to its
 * registered processor (the core's and every provider's, checked complete at startup),
 * dead-lettering jobs that fail for good, and pausing a whole queue when an upstream says to slow
 * down. It also holds the providers list, the one place a provider is registered.
 */
export { startWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from './runtime.js';
export { providers, providerSwitches, workQueueNames } from './registry.js';
