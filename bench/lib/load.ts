import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { Webhook } from './vendor.js';
import type { TrayExpiredAuth } from './workspace.js';

export const WEBHOOK_PATH = '/webhooks/tray/expired-auth';
export const CONSENTS_PATH = '/webhooks/truelayer/consents';

/** What every autocannon run reports. */
export interface RunSummary {
  /** autocannon's mean of per-second request counts. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  errors: number;
  timeouts: number;
  durationS: number;
}

export interface LoadResult extends RunSummary {
  non2xx: number;
  status5xx: number;
  /** 200 answers whose body says `accepted` (not `duplicate`). */
  accepted: number;
}

/**
 * Where request bodies come from: Tray payloads with fresh authIds every time, a list cycled
 * through, or a JSON file of one; or TrueLayer consents for fresh credentials, each signed under
 * `secret` the way a customer's backend signs them (to `CONSENTS_PATH`).
 */
export type Bodies = { kind: 'fresh' } | { kind: 'list'; auths: TrayExpiredAuth[] } | { kind: 'file'; path: string } | { kind: 'consents'; secret: string };

/** Plain data, so it can travel to the load-generator process. */
export interface LoadOptions {
  url: string;
  /** Appended to the path (the webhook token travels as `?token=`). */
  query?: string;
  connections?: number;
  durationS?: number;
  /** Send exactly this many requests instead of running for a duration. */
  amount?: number;
  bodies: Bodies;
}

/** Tray's payload with a fresh authId each time, so no request takes the duplicate shortcut. */
export function freshAuth(i: number): TrayExpiredAuth {
  return {
    authentication_name: `Bench Salesforce ${i}`,
    service_name: 'salesforce',
    user_id: '8c0227d7-0181-4b4b-9955-354a63edcae2',
    authId: randomUUID(),
    external_user_id: '8cddbba1-0de6-4723-a8e3-6a2a3cdd0ef9',
  };
}

/** A consent for a connection never seen before, so every request opens a notification. */
export function freshConsent(i: number) {
  return {
    external_user_id: '8cddbba1-0de6-4723-a8e3-6a2a3cdd0ef9',
    credentials_id: randomUUID(),
    refresh_token: `bench-refresh-${randomUUID()}`,
    redirect_uri: 'https://app.bench.test/truelayer/callback',
    consent_expires_at: new Date(Date.now() + 8 * 86_400_000).toISOString(),
    provider: { provider_id: 'uk-ob-bench', display_name: `Bench Bank ${i % 10}` },
    contact: { email: `user${i}@bench.test` },
  };
}

interface Prepared {
  body: string;
  headers: Record<string, string>;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function bodySource(bodies: Bodies): (i: number) => Prepared {
  if (bodies.kind === 'consents') {
    const signer = new Webhook(bodies.secret);
    // Signing is the sender's cost, paid alike for reauth and its peer.
    return (i) => {
      const body = JSON.stringify(freshConsent(i));
      const id = `msg_${randomUUID()}`;
      const at = new Date();
      return { body, headers: { ...JSON_HEADERS, 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signer.sign(id, at, body) } };
    };
  }
  const auth = trayAuths(bodies);
  return (i) => ({ body: JSON.stringify(auth(i)), headers: JSON_HEADERS });
}

function trayAuths(bodies: Exclude<Bodies, { kind: 'consents' }>): (i: number) => TrayExpiredAuth {
  if (bodies.kind === 'fresh') return freshAuth;
  const auths = bodies.kind === 'list' ? bodies.auths : (JSON.parse(readFileSync(bodies.path, 'utf8')) as TrayExpiredAuth[]);
  // autocannon may prepare a request or two beyond `amount`: those repeat an auth, i.e. are duplicates.
  return (i) => auths[i % auths.length] as TrayExpiredAuth;
}

/** POSTs webhooks with autocannon (50 connections unless told) and summarises the run. */
export async function postWebhooks(options: LoadOptions): Promise<LoadResult> {
  const body = bodySource(options.bodies);
  let sent = 0;
  let accepted = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections ?? 50,
    ...(options.amount ? { amount: options.amount } : { duration: options.durationS ?? 10 }),
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: `${options.bodies.kind === 'consents' ? CONSENTS_PATH : WEBHOOK_PATH}${options.query ?? ''}`,
        setupRequest: (request) => ({ ...request, ...body(sent++) }),
        onResponse: (status, responseBody) => {
          if (status === 200 && responseBody.includes('"accepted"')) accepted += 1;
        },
      },
    ],
  });
  return { ...summarise(result), non2xx: result.non2xx, status5xx: result['5xx'], accepted };
}

function summarise(result: autocannon.Result): RunSummary {
  return {
    rps: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
  };
}

/** One press of a landing page's button: the link's path and the form key its page carries. */
export interface Click {
  path: string;
  formKey: string;
}

export interface ClickOptions {
  url: string;
  /** Pressed in order, one each, by `connections` clients at once. */
  clicks: Click[];
  connections: number;
  /** Where every answer must send the browser: a 302 whose Location starts with this. */
  location: string;
}

export interface ClickResult extends RunSummary {
  /** 302s to `location`. */
  redirected: number;
  /** Answers that were not such a 302, plus requests that got no answer. */
  notRedirected: number;
  /** Answers by status code. */
  statuses: Record<string, number>;
}

/** Presses each button once with autocannon, as a browser without JavaScript posts the form. */
export async function pressButtons(options: ClickOptions): Promise<ClickResult> {
  const { clicks } = options;
  let sent = 0;
  let redirected = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    amount: clicks.length,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        // A browser marks its form post same-origin; the landing page refuses a cross-site one.
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
        setupRequest: (request) => {
          // autocannon may prepare a request or two beyond `amount`: those press a button again.
          const click = clicks[sent++ % clicks.length] as Click;
          return { ...request, path: click.path, body: new URLSearchParams({ k: click.formKey }).toString() };
        },
        onResponse: (status, _body, _context, headers) => {
          const location = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'location')?.[1];
          if (status === 302 && String(location).startsWith(options.location)) redirected += 1;
        },
      },
    ],
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]));
  return { ...summarise(result), redirected, notRedirected: result.requests.total - redirected + result.errors, statuses };
}
