/**
 * @reauth/queues owns the job system's shape: queue and job names, per-queue job and worker
 * options, the connection to BullMQ, the processor contract with its startup completeness check,
 * permanent vs transient errors, and the dead-letter queue.
 */
export * from './names.js';
export * from './errors.js';
export * from './queue-config.js';
export * from './connection.js';
export * from './processor.js';
export * from './dead-letter.js';
