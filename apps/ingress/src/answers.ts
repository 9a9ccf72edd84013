import { z } from 'zod';

/**
 * The JSON bodies the ingress answers with, as schemas: the handlers type what they send with
 * them and the API description is generated from them. The dashboard answers its errors alike.
 */
export const issueSchema = z.object({ path: z.string(), message: z.string() });

export const errorAnswerSchema = z.object({
  error: z.string(),
  /** What failed validation, one entry per problem (400 only). */
  issues: z.array(issueSchema).optional(),
});
export type ErrorAnswer = z.infer<typeof errorAnswerSchema>;

/** `status` is the intake's own (accepted, duplicate, renewed, …); `id` the notification it landed on. */
export const acceptedAnswerSchema = z.object({ status: z.string(), id: z.string() });

/** Redis could not take the notice in time; it is on the ingress's disk and will be stored from there. */
export const spooledAnswerSchema = z.object({ status: z.literal('spooled') });
export type SpooledAnswer = z.infer<typeof spooledAnswerSchema>;
