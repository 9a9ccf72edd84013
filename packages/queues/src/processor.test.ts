import { describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { z } from 'zod';
import { PermanentError } from './errors.js';
import { defineJobs } from './names.js';
import { ProcessorRegistryError, buildRegistry, runJob, type ModuleHandlers, type ProcessorContext } from './processor.js';

const schema = z.object({ n: z.number() });
const double = async (data: { n: number }) => data.n * 2;
const jobs = defineJobs({ 'a.one': { queue: 'q1', schema }, 'a.two': { queue: 'q2', schema } });
const moduleA: ModuleHandlers = { module: 'a', queues: { q1: { concurrency: 1 }, q2: { concurrency: 1 } }, jobs, handlers: { 'a.one': double, 'a.two': double } };

function problems(modules: ModuleHandlers[]): string[] {
  try {
    buildRegistry(modules);
  } catch (err) {
    if (err instanceof ProcessorRegistryError) return err.problems;
    throw err;
  }
  return [];
}

describe('processor registry', () => {
  it('accepts exactly one processor per job name', () => {
    expect([...buildRegistry([moduleA]).keys()]).toEqual(['a.one', 'a.two']);
  });

  it('refuses to start with a missing, a doubled, a stray or an unqueued processor, naming each problem', () => {
    const { 'a.two': _dropped, ...oneHandler } = moduleA.handlers;
    const other: ModuleHandlers = {
      module: 'b',
      queues: {},
      jobs: defineJobs({ 'a.one': { queue: 'q1', schema }, 'b.lost': { queue: 'nowhere', schema } }),
      handlers: { 'a.one': double, 'b.lost': double, 'b.stray': double },
    };
    expect(problems([{ ...moduleA, handlers: oneHandler }, other])).toEqual([
      'a.two (queue q2, a) has no processor',
      'a.one is defined by both a and b',
      'b.lost runs on queue nowhere, which no module declares',
      'b has a processor for b.stray, which is not in its job catalog',
    ]);
  });

  it('validates the payload before processing; a bad payload is permanent', async () => {
    const job = buildRegistry([moduleA]).get('a.one')!;
    const ctx = (data: unknown) => ({ job: { data } as Job }) as ProcessorContext;
    expect(await runJob(job, ctx({ n: 21 }))).toBe(42);
    await expect(runJob(job, ctx({ n: 'x' }))).rejects.toBeInstanceOf(PermanentError);
  });
});
