/**
 * The ingress's part of the API description: health and metrics, one operation per provider
 * intake (built from the intake list, so a provider added later is described without a line
 * here), and the landing page. The dashboard assembles the whole document and serves it.
 */
import type { OpenAPIRegistry, ResponseConfig, ZodMediaTypeObject } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { Intake } from '@reauth/notification';
import { acceptedAnswerSchema, errorAnswerSchema, spooledAnswerSchema } from './answers.js';
import { buttonFormSchema, dialogEventSchema, redirectAnswerSchema, refusedAnswerSchema, retryAnswerSchema } from './landing.js';
import { MAX_BODY_BYTES } from './webhook.js';

/**
 * Responses describe what is sent: a schema's output side (coerced numbers, parsed JSON).
 * zod-to-openapi describes a schema's input side, which is right for requests only.
 */
function sent(schema: z.ZodType): ZodMediaTypeObject['schema'] {
  const { $schema: _dialect, ...described } = z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12' });
  return described as ZodMediaTypeObject['schema'];
}

export const jsonAnswer = (description: string, schema: z.ZodType): ResponseConfig => ({ description, content: { 'application/json': { schema: sent(schema) } } });
export const htmlAnswer = (description: string): ResponseConfig => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
const redirect = (description: string): ResponseConfig => ({ description, headers: { Location: { schema: { type: 'string' } } } });
/** A route that answers JSON to a script and a page to a browser (the landing page's button). */
const eitherAnswer = (description: string, schema: z.ZodType): ResponseConfig => ({ description, content: { ...jsonAnswer(description, schema).content, ...htmlAnswer(description).content } });

/** Express's `:name` segments, as OpenAPI writes them. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');
const pathParams = (path: string) => {
  const names = [...path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
  return names.length > 0 ? { params: z.object(Object.fromEntries(names.map((name) => [name, z.string()]))) } : {};
};

export const standardWebhookHeaders = z.object({
  'webhook-id': z.string().meta({ description: 'Unique per message; a repeat is answered as a duplicate' }),
  'webhook-timestamp': z.string().meta({ description: 'Unix seconds; more than five minutes off is refused' }),
  'webhook-signature': z.string().meta({ description: 'Standard Webhooks signature over id, timestamp and the exact body' }),
});

/** A security scheme for an intake's own Bearer token, named after its variable. */
function bearerScheme(registry: OpenAPIRegistry, variable: string): string {
  const name = variable.toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
  registry.registerComponent('securitySchemes', name, { type: 'http', scheme: 'bearer', description: variable });
  return name;
}

function describeIntake(registry: OpenAPIRegistry, intake: Intake): void {
  const signed = intake.verify !== undefined;
  registry.registerPath({
    method: 'post',
    path: openApiPath(intake.path),
    operationId: intake.name,
    summary: intake.summary,
    tags: ['webhooks'],
    // A signed intake proves itself with its headers; the others carry the webhook token or their own.
    ...(signed ? {} : { security: intake.bearerToken ? [{ [bearerScheme(registry, intake.bearerToken)]: [] }] : [{ webhookToken: [] }, { webhookTokenQuery: [] }] }),
    request: {
      ...pathParams(intake.path),
      ...(signed ? { headers: standardWebhookHeaders } : {}),
      body: { required: true, content: { 'application/json': { schema: intake.body ?? intake.schema } } },
    },
    responses: {
      200: jsonAnswer('Stored, or recognised as one already stored', acceptedAnswerSchema),
      202: jsonAnswer('Redis could not take it in time: kept on disk and stored from there', spooledAnswerSchema),
      400: jsonAnswer('Not JSON, not UTF-8, or not what the intake takes (`issues` lists each problem)', errorAnswerSchema),
      401: jsonAnswer(signed ? 'Signature headers missing, or a bad signature or timestamp' : 'Webhook token missing or wrong', errorAnswerSchema),
      413: jsonAnswer(`Body over ${MAX_BODY_BYTES} bytes`, errorAnswerSchema),
      415: jsonAnswer('Not application/json in UTF-8', errorAnswerSchema),
      ...Object.fromEntries(Object.entries(intake.refusals ?? {}).map(([status, why]) => [status, jsonAnswer(why, errorAnswerSchema)])),
      503: jsonAnswer('Shutting down, or neither Redis nor the spool could take it: retry later', errorAnswerSchema),
    },
  });
}

const statusAnswer = z.object({ status: z.string() });
const token = { params: z.object({ token: z.string().meta({ description: 'The signed link from the email' }) }) };
/** What every landing-page route answers before it gets to its own work. */
const linkAnswers = {
  400: htmlAnswer('The link is not valid'),
  410: htmlAnswer('The link expired, was replaced, or its notification ended'),
  503: htmlAnswer("The link's provider is off; the link still works later"),
};

export function describeIngress(registry: OpenAPIRegistry, intakes: readonly Intake[]): void {
  registry.registerComponent('securitySchemes', 'webhookToken', { type: 'http', scheme: 'bearer', description: 'WEBHOOK_TOKEN' });
  registry.registerComponent('securitySchemes', 'webhookTokenQuery', { type: 'apiKey', in: 'query', name: 'token', description: 'WEBHOOK_TOKEN, for senders that take only a URL' });
  registry.registerComponent('securitySchemes', 'metricsToken', { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' });

  registry.registerPath({
    method: 'get',
    path: '/healthz',
    summary: 'The process is up (both apps, and METRICS_PORT)',
    tags: ['health'],
    responses: { 200: jsonAnswer('Up', statusAnswer) },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'The process can do its work now (both apps, and METRICS_PORT)',
    tags: ['health'],
    responses: { 200: jsonAnswer('`ready`', statusAnswer), 503: jsonAnswer('Why not: draining, starting or redis-unreachable', statusAnswer) },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (the ingress with METRICS_TOKEN set, and METRICS_PORT)',
    tags: ['health'],
    security: [{ metricsToken: [] }],
    responses: {
      200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
      401: jsonAnswer('No or a wrong METRICS_TOKEN', errorAnswerSchema),
    },
  });

  for (const intake of intakes) describeIntake(registry, intake);

  registry.registerPath({
    method: 'get',
    path: '/reauth/{token}',
    summary: 'The landing page: what needs reconnecting, and the button. Mints nothing (mail scanners fetch it too)',
    tags: ['landing'],
    request: token,
    responses: { 200: htmlAnswer('The page, or that the account was already reconnected'), ...linkAnswers },
  });
  registry.registerPath({
    method: 'post',
    path: '/reauth/{token}',
    summary: "The button: runs the provider's link action",
    tags: ['landing'],
    request: { ...token, body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: buttonFormSchema } } } },
    responses: {
      200: jsonAnswer("Where the page opens the provider's dialog (asked with Accept: application/json)", redirectAnswerSchema),
      302: redirect("On to the provider's dialog or the bank"),
      400: linkAnswers[400],
      403: htmlAnswer('Not posted by the landing page itself'),
      410: eitherAnswer('The credential cannot be reconnected here, or the link ended', refusedAnswerSchema),
      503: eitherAnswer('The provider is unavailable now; the link still works', retryAnswerSchema),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/reauth/{token}/events',
    summary: "What the provider's dialog told the page: finished, closed, or failed",
    tags: ['landing'],
    request: { ...token, body: { required: true, content: { 'application/json': { schema: dialogEventSchema } } } },
    responses: {
      204: { description: 'Recorded' },
      400: eitherAnswer('Not a known event, or the link is not valid', errorAnswerSchema),
      403: htmlAnswer('Not posted by the landing page itself'),
      410: linkAnswers[410],
      503: linkAnswers[503],
    },
  });
}
