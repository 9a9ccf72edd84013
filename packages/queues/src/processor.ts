import type { Job } from 'bullmq';
import type { z } from 'zod';
import type { Logger } from '@reauth/logger';
import { PermanentError } from './errors.js';
import { jobNames, jobQueues, type JobName } from './names.js';
import type { QueueSet } from './connection.js';

export interface ProcessorContext {
  job: Job;
  log: Logger;
  queues: QueueSet;
}

/** One processor per job name; it receives data already validated by its schema. */
export interface Processor<S extends z.ZodType = z.ZodType> {
  jobName: JobName;
  schema: S;
  process(data: z.infer<S>, ctx: ProcessorContext): Promise<unknown>;
}

export function defineProcessor<S extends z.ZodType>(processor: Processor<S>): Processor<S> {
  return processor;
}

/** Validates the payload first: a job that does not match its schema can never succeed. */
export async function runProcessor(processor: Processor, ctx: ProcessorContext): Promise<unknown> {
  const parsed = processor.schema.safeParse(ctx.job.data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new PermanentError(`invalid ${processor.jobName} payload: ${issues}`, 'invalid-payload');
  }
  return processor.process(parsed.data, ctx);
}

export class ProcessorRegistryError extends Error {
  constructor(readonly problems: string[]) {
    super(`job processors are incomplete:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Every known job name must have exactly one processor, or the process refuses to start:
 * a job without a handler would sit in its queue until it stalls out, silently.
 */
export function buildRegistry(processors: readonly Processor[]): ReadonlyMap<JobName, Processor> {
  const registry = new Map<JobName, Processor>();
  const problems: string[] = [];
  for (const processor of processors) {
    if (registry.has(processor.jobName)) problems.push(`${processor.jobName} has more than one processor`);
    registry.set(processor.jobName, processor);
  }
  for (const name of jobNames) {
    if (!registry.has(name)) problems.push(`${name} (queue ${jobQueues[name]}) has no processor`);
  }
  if (problems.length > 0) throw new ProcessorRegistryError(problems);
  return registry;
}
