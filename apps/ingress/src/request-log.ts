import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { lazyChild, redactUrl, type Logger } from '@reauth/logger';

declare module 'http' {
  interface IncomingMessage {
    /** The request's logger: its lines carry `req: { id, method, url }` (URL secrets masked). */
    log: Logger;
  }
}

const acceptedId = /^[\w-]{1,64}$/;

/**
 * A request id (the caller's `x-request-id` when it is sane, else a UUID), echoed in the answer,
 * and a per-request child logger built only when the request writes a line: most requests of a
 * quiet level write none. There is no access-log line: the webhook handler writes one line per
 * webhook itself (with its outcome), and a second per request would double log volume.
 */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && acceptedId.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    const { method, url } = req;
    // Masking the URL is a regex pass: left to the first line the request writes, if any.
    req.log = lazyChild(log, () => ({ req: { id, method, url: redactUrl(url) } }));
    next();
  };
}
