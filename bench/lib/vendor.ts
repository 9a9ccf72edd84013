import { createRequire } from 'node:module';
import type * as BullMQ from '../../packages/queues/node_modules/bullmq/dist/esm/index.js';
import type expressTypes from '../../apps/ingress/node_modules/@types/express/index.js';

/**
 * The baselines must run the very libraries reauth runs (same versions, same module instances).
 * The root package depends on none of them, so they are borrowed from the workspace package that
 * does; express is CommonJS without bundled types, hence the require and the @types import.
 * bullmq has no `exports` map, so reauth's `import 'bullmq'` loads its CommonJS build: the
 * baselines require that same build (the types come from the ESM build's declarations).
 */
const require = createRequire(import.meta.url);
const bullmq = require('../../packages/queues/node_modules/bullmq') as typeof BullMQ;
export const Queue: typeof BullMQ.Queue = bullmq.Queue;
export const Worker: typeof BullMQ.Worker = bullmq.Worker;
export type { Job } from '../../packages/queues/node_modules/bullmq/dist/esm/index.js';
export { default as nodemailer } from '../../packages/email/node_modules/nodemailer/dist/esm/nodemailer.js';
export { Webhook } from '../../packages/truelayer/node_modules/standardwebhooks/dist/index.js';
export const express = require('../../apps/ingress/node_modules/express') as typeof expressTypes;
