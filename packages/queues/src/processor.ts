import type { Job } from 'bullmq';
import type { z } from 'zod';
import type { Logger } from '@reauth/logger';
import { PermanentError } from './errors.js';
import type { Enqueue, JobCatalog, QueueDef } from './names.js';
import type { QueueSet } from './connection.js';

export interface ProcessorContext {
  job: Job;
  log: Logger;
}

export type Handler<S extends z.ZodType> = (data: z.infer<S>, ctx: ProcessorContext) => Promise<unknown>;

/** One handler per job of the catalog: a missing one is a compile error. */
export type Handlers<C extends JobCatalog> = { [K in keyof C]: Handler<C[K]['schema']> };

/** A module's jobs, the queues they run on, and (given the process's services) their handlers. */
export interface JobModule<C extends JobCatalog = JobCatalog, D = never> {
  name: string;
  queues: Record<string, QueueDef>;
  jobs: C;
  handlers(deps: D): Handlers<C>;
}

/** Typed producer for one catalog: the job name decides the queue and the payload type. */
export function enqueuer<C extends JobCatalog>(catalog: C, queues: QueueSet): Enqueue<C> {
  return async (name, data, options) => {
    const job = await queues.get(catalog[name]!.queue).add(name, data, options);
    return { id: job.id };
  };
}

/** A handler whose payload type is known only to its module; `never` accepts every handler. */
type AnyHandler = (data: never, ctx: ProcessorContext) => Promise<unknown>;

export interface RegisteredJob {
  name: string;
  queue: string;
  schema: z.ZodType;
  handle: AnyHandler;
}

/** Validates the payload first: a job that does not match its schema can never succeed. */
export async function runJob(job: RegisteredJob, ctx: ProcessorContext): Promise<unknown> {
  const parsed = job.schema.safeParse(ctx.job.data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new PermanentError(`invalid ${job.name} payload: ${issues}`, 'invalid-payload');
  }
  // The schema of this very job has just accepted the data: it is the handler's payload type.
  return job.handle(parsed.data as never, ctx);
}

export class ProcessorRegistryError extends Error {
  constructor(readonly problems: string[]) {
    super(`job processors are incomplete:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface ModuleHandlers {
  module: string;
  queues: Record<string, QueueDef>;
  jobs: JobCatalog;
  handlers: Partial<Record<string, AnyHandler>>;
}

/**
 * Every job name of every module must have exactly one handler, on a known queue, or the process
 * refuses to start: a job without a handler would sit in its queue until it stalls out, silently.
 * All problems are reported at once.
 */
export function buildRegistry(modules: readonly ModuleHandlers[]): ReadonlyMap<string, RegisteredJob> {
  const registry = new Map<string, RegisteredJob>();
  const owner = new Map<string, string>();
  const problems: string[] = [];
  const queues = new Set(modules.flatMap((m) => Object.keys(m.queues)));
  for (const m of modules) {
    for (const [name, def] of Object.entries(m.jobs)) {
      if (owner.has(name)) {
        problems.push(`${name} is defined by both ${owner.get(name)} and ${m.module}`);
        continue;
      }
      owner.set(name, m.module);
      const handle = m.handlers[name];
      if (!handle) problems.push(`${name} (queue ${def.queue}, ${m.module}) has no processor`);
      else if (!queues.has(def.queue)) problems.push(`${name} runs on queue ${def.queue}, which no module declares`);
      else registry.set(name, { name, queue: def.queue, schema: def.schema, handle });
    }
    for (const name of Object.keys(m.handlers)) {
      if (!(name in m.jobs)) problems.push(`${m.module} has a processor for ${name}, which is not in its job catalog`);
    }
  }
  if (problems.length > 0) throw new ProcessorRegistryError(problems);
  return registry;
}

/** A module bound to this process's services, as the registry takes it. */
export function bindModule<C extends JobCatalog, D>(module: JobModule<C, D>, deps: D): ModuleHandlers {
  return { module: module.name, queues: module.queues, jobs: module.jobs, handlers: module.handlers(deps) };
}
