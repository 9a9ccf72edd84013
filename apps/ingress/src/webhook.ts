import { isUtf8 } from 'node:buffer';
import express, { type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '@reauth/logger';
import { IntakeRefused, type Intake } from '@reauth/notification';
import type { QueueSet } from '@reauth/queues';
import { whenReady } from '@reauth/redis';
import type { ErrorAnswer, SpooledAnswer } from './answers.js';
import { SpoolFullError } from './journal.js';
import { withTimeout, type Spool } from './spool.js';

export interface WebhookOptions {
  queues: QueueSet;
  intake: Intake;
  log: Logger;
  /** How long to wait for Redis before spooling or answering 503 (the sender then retries or we lose nothing). */
  enqueueTimeoutMs?: number;
  /** Where a notice goes when Redis cannot take it in time; without it the answer is 503. */
  spool?: Spool;
  /** The answer's status (`accepted`, `renewed`, …), `spooled` or `unavailable`; or `rejected` with the reason. */
  onOutcome?: (outcome: string, reason?: string) => void;
  /** True once the process stops taking new work: the answer is then 503 with `Connection: close`. */
  draining?: () => boolean;
}

export const MAX_BODY_BYTES = 64 * 1024;

/** The bytes a signature covers: re-serialising the parsed JSON would not reproduce them. */
const rawBodies = new WeakMap<object, Buffer>();

/**
 * JSON between systems is UTF-8 (RFC 8259). body-parser would decode other `utf-*` charsets
 * (UTF-7 included) and turn invalid bytes into U+FFFD, accepting text that is not what was sent.
 */
function requireUtf8(_req: object, _res: unknown, body: Buffer, encoding: string): void {
  const fail = (status: number, message: string) => Object.assign(new Error(message), { status, type: 'encoding.invalid' });
  if (encoding.toLowerCase() !== 'utf-8') throw fail(415, 'charset must be utf-8');
  if (!isUtf8(body)) throw fail(400, 'body is not valid UTF-8');
}

function keepRawBody(req: object, res: unknown, body: Buffer, encoding: string): void {
  requireUtf8(req, res, body, encoding);
  rawBodies.set(req, body);
}

export const ENQUEUE_TIMEOUT_MS = 1_000;

/** The answer of a draining process, to a webhook or any other request: the caller retries elsewhere. */
export function answerDraining(res: Response): void {
  res.set('Connection', 'close').status(503).json({ error: 'shutting down, retry later' } satisfies ErrorAnswer);
}
const UNAVAILABLE: ErrorAnswer = { error: 'temporarily unavailable, retry later' };

const view = (req: Request) => ({ header: (name: string) => req.get(name), query: req.query as Record<string, unknown> });

/**
 * One provider intake's handlers for `POST intake.path`: draining, token or signature, 415/413, zod
 * (400 with the issues), then store (or spool) and answer. They are mounted on the app itself, not
 * in a router of their own: a nested router costs every webhook a second walk of its layers.
 */
export function webhookHandlers(options: WebhookOptions): [...RequestHandler[], ErrorRequestHandler] {
  const { intake } = options;
  const timeoutMs = options.enqueueTimeoutMs ?? ENQUEUE_TIMEOUT_MS;
  const reject = (res: Response, status: number, reason: string, body: ErrorAnswer) => {
    options.onOutcome?.('rejected', reason);
    res.status(status).json(body);
  };
  const unavailable = (res: Response) => {
    options.onOutcome?.('unavailable');
    res.status(503).json(UNAVAILABLE);
  };

  return [
    (req, res, next) => {
      if (options.draining?.()) {
        options.onOutcome?.('rejected', 'draining');
        return answerDraining(res);
      }
      if (!intake.authenticate(view(req))) return reject(res, 401, 'unauthorized', { error: intake.verify ? 'missing webhook signature headers' : 'missing or wrong webhook token' });
      if (!req.is('application/json')) return reject(res, 415, 'unsupported-media-type', { error: 'Content-Type must be application/json' });
      next();
    },
    // Only a signed intake needs its raw bytes kept past parsing.
    express.json({ limit: MAX_BODY_BYTES, strict: true, type: () => true, verify: intake.verify ? keepRawBody : requireUtf8 }),
    async (req: Request, res: Response) => {
      if (intake.verify && !intake.verify(rawBodies.get(req) ?? Buffer.alloc(0), view(req))) return reject(res, 401, 'unauthorized', { error: 'bad webhook signature or timestamp' });
      const input = intake.input ? intake.input(req.body, { ...view(req), params: req.params as Record<string, string> }) : req.body;
      const parsed = intake.schema.safeParse(input);
      if (!parsed.success) {
        return reject(res, 400, 'invalid', {
          error: 'invalid payload',
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        });
      }
      // Fixed before the first attempt: a spooled copy of a notice whose enqueue timed out but
      // landed replays onto the same notification id.
      const receivedAt = Date.now();
      const { connection } = options.queues;
      try {
        // BullMQ would wait for ever on a connection that is not ready; wait only as long as allowed.
        const enqueue = async () => {
          if (!(await whenReady(connection, timeoutMs))) throw new Error(`Redis connection is ${connection.status}`);
          return intake.accept(parsed.data, receivedAt);
        };
        const result = await withTimeout(enqueue(), timeoutMs);
        options.onOutcome?.(result.status);
        req.log.info({ notificationId: result.id, status: result.status, intake: intake.name }, 'webhook accepted');
        res.status(200).json(result);
      } catch (err) {
        if (err instanceof IntakeRefused) return reject(res, err.status, 'refused', { error: err.message });
        req.log.error({ err: (err as Error).message }, 'could not enqueue webhook');
        if (!options.spool) return unavailable(res);
        try {
          await options.spool.append(intake, parsed.data, receivedAt);
          options.onOutcome?.('spooled');
          res.status(202).json({ status: 'spooled' } satisfies SpooledAnswer);
        } catch (spoolErr) {
          req.log.error({ err: (spoolErr as Error).message }, 'could not spool webhook');
          if (spoolErr instanceof SpoolFullError) reject(res, 503, 'spool-full', UNAVAILABLE);
          else unavailable(res);
        }
      }
    },
    // body-parser errors: oversize, malformed JSON, bad encodings.
    (err: Error & { type?: string; status?: number }, _req: Request, res: Response, next: NextFunction) => {
      if (err.type === 'entity.too.large') return reject(res, 413, 'too-large', { error: `body over ${MAX_BODY_BYTES} bytes` });
      if (err.type === 'entity.parse.failed') return reject(res, 400, 'malformed-json', { error: 'body is not valid JSON' });
      if (err.status && err.status >= 400 && err.status < 500) return reject(res, err.status, 'bad-request', { error: err.message });
      next(err);
    },
  ];
}
