/**
 * Owns the one OpenAPI 3.1 document of every HTTP endpoint reauth serves: the ingress's (health,
 * metrics, each provider intake, the landing page) and the dashboard's (admin API, history pages,
 * this document), generated from the zod schemas that validate the requests and type the answers.
 * Bull Board (`/queues` and below) is left out: it is a third-party UI whose private API moves
 * with its version. The history pages are listed briefly (HTML, no schema).
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { eventPayloadSchema } from '@reauth/events';
import { describeIngress, errorAnswerSchema, htmlAnswer, jsonAnswer, standardWebhookHeaders } from '@reauth/ingress';
import { detailSchema, filterSchema, funnelSchema, pageSchema, type Intake } from '@reauth/notification';
import { deadLetterViewSchema } from '@reauth/queues';
import { alreadyReplayedSchema, replayedSchema, reportsQuerySchema, reportsSchema, resolvedSchema } from './api.js';

const id = { params: z.object({ id: z.string() }) };
const admin = [{ adminBasic: [] }];
/** What the dashboard answers before a route runs: Basic auth, its login limit, and the CSRF and read-only guards. */
const guarded: Record<number, ResponseConfig> = {
  401: jsonAnswer('Credentials missing or wrong', errorAnswerSchema),
  429: jsonAnswer('Too many failed logins from this client; see Retry-After', errorAnswerSchema),
};
const changing: Record<number, ResponseConfig> = { ...guarded, 403: jsonAnswer('Cross-site, or the dashboard is read-only', errorAnswerSchema) };
const backToPage = { description: "A form on the notification page: back to that page (Accept: text/html)", headers: { Location: { schema: { type: 'string' as const } } } };

function describeDashboard(registry: OpenAPIRegistry): void {
  registry.registerComponent('securitySchemes', 'adminBasic', { type: 'http', scheme: 'basic', description: 'ADMIN_USER and ADMIN_PASSWORD' });
  const get = (path: string, summary: string, responses: Record<number, ResponseConfig>, request?: Parameters<OpenAPIRegistry['registerPath']>[0]['request']) =>
    registry.registerPath({ method: 'get', path, summary, tags: [path.startsWith('/api/') ? 'admin' : 'dashboard'], security: admin, ...(request ? { request } : {}), responses: { ...responses, ...guarded } });
  const post = (path: string, summary: string, responses: Record<number, ResponseConfig>) =>
    registry.registerPath({ method: 'post', path, summary, tags: ['admin'], security: admin, request: id, responses: { ...responses, ...changing } });

  get('/openapi.json', 'This document', { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } });
  get('/', 'To the history pages', { 302: { description: 'To /notifications' } });
  get('/notifications', 'History page: the funnel and the notifications, filtered', { 200: htmlAnswer('The page') });
  get('/notifications/{id}', "History page: one notification's timeline", { 200: htmlAnswer('The page'), 404: htmlAnswer('Unknown, or older than HISTORY_DAYS') }, id);

  get(
    '/api/notifications',
    'Notifications, newest first; any query key besides provider, state, limit and cursor filters by that provider id (with provider=)',
    { 200: jsonAnswer('One page', pageSchema), 400: jsonAnswer('Not a valid filter', errorAnswerSchema) },
    { query: filterSchema },
  );
  get('/api/notifications/{id}', 'One notification with its timeline', { 200: jsonAnswer('The notification', detailSchema), 404: jsonAnswer('Unknown, or older than HISTORY_DAYS', errorAnswerSchema) }, id);
  get('/api/funnel', 'Per provider, how many notifications reached each state', { 200: jsonAnswer('The counts', funnelSchema) });
  get(
    '/api/reports/{provider}',
    "A provider's run reports, newest first (JourneyApps: one per sweep, failed ones included)",
    { 200: jsonAnswer('The reports', reportsSchema), 400: jsonAnswer('Not a valid limit', errorAnswerSchema) },
    { params: z.object({ provider: z.string() }), query: reportsQuerySchema },
  );
  get('/api/dead-letter', 'Dead-letter entries, newest first, secrets masked', { 200: jsonAnswer('The entries', z.object({ items: z.array(deadLetterViewSchema) })) });
  post('/api/notifications/{id}/resolve', 'Mark an open notification completed by hand', {
    200: jsonAnswer('Resolved', resolvedSchema),
    303: backToPage,
    404: jsonAnswer('No such notification', errorAnswerSchema),
    409: jsonAnswer('Already ended', errorAnswerSchema),
  });
  post('/api/dead-letter/{id}/replay', 'Run the failed job again at its stage, once', {
    200: jsonAnswer('Replayed', replayedSchema),
    303: backToPage,
    404: jsonAnswer('No such entry', errorAnswerSchema),
    409: jsonAnswer('Already replayed, as replayJobId', alreadyReplayedSchema),
  });
}

/** What reauth POSTs to EVENTS_URL: OpenAPI 3.1's `webhooks`, the endpoint the customer implements. */
function describeEvents(registry: OpenAPIRegistry): void {
  registry.registerWebhook({
    method: 'post',
    path: 'lifecycleEvent',
    summary: 'A lifecycle event to EVENTS_URL, signed with Standard Webhooks (webhook-id is stable across retries)',
    tags: ['events'],
    request: { headers: standardWebhookHeaders, body: { required: true, content: { 'application/json': { schema: eventPayloadSchema } } } },
    responses: { 200: { description: 'Any 2xx: delivered' }, 500: { description: 'Anything else, or no answer in EVENTS_TIMEOUT_MS: retried until EVENTS_RETRY_HORIZON' } },
  });
}

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** Built once per process: the intakes are fixed when the providers start. */
export function openApiDocument(intakes: readonly Intake[]): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  describeIngress(registry, intakes);
  describeDashboard(registry);
  describeEvents(registry);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'reauth',
      version: '1',
      description: 'The ingress (PORT) serves the webhooks, health, metrics and the landing page; the dashboard (ADMIN_PORT) the admin API, the history pages and this document. Both serve /healthz and /readyz.',
    },
  });
}
