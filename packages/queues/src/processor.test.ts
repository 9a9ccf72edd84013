import { describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { z } from 'zod';
import { PermanentError } from './errors.js';
import { jobNames } from './names.js';
import { ProcessorRegistryError, buildRegistry, defineProcessor, runProcessor, type Processor, type ProcessorContext } from './processor.js';

const processorFor = (jobName: (typeof jobNames)[number]): Processor =>
  defineProcessor({ jobName, schema: z.object({ n: z.number() }), process: async (data) => data.n * 2 }) as Processor;

describe('processor registry', () => {
  it('accepts exactly one processor per job name', () => {
    expect(buildRegistry(jobNames.map(processorFor)).size).toBe(jobNames.length);
  });

  it('refuses to start with a missing or a doubled processor, naming each problem', () => {
    const [first, ...rest] = jobNames;
    let error: unknown;
    try {
      buildRegistry([...rest.map(processorFor), processorFor(rest[0]!)]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ProcessorRegistryError);
    expect((error as ProcessorRegistryError).problems).toEqual([
      `${rest[0]} has more than one processor`,
      expect.stringContaining(`${first} (queue `),
    ]);
  });

  it('validates the payload before processing; a bad payload is permanent', async () => {
    const processor = processorFor(jobNames[0]!);
    const ctx = (data: unknown) => ({ job: { data } as Job }) as ProcessorContext;
    expect(await runProcessor(processor, ctx({ n: 21 }))).toBe(42);
    await expect(runProcessor(processor, ctx({ n: 'x' }))).rejects.toBeInstanceOf(PermanentError);
  });
});
