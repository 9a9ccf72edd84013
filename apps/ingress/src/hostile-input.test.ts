import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startRedisServer, type RedisServer } from '@reauth/testkit';
import type { RedisClient } from '@reauth/redis';
import { startTrayIngress, type TrayIngress } from './tray-ingress.fixture.js';

const token = `hook-${randomBytes(16).toString('hex')}`;
const path = `/webhooks/tray/expired-auth?token=${token}`;
const valid = { authentication_name: 'CRM', service_name: 'salesforce', user_id: 'u-1', authId: 'a-1', external_user_id: 'e-1' };

let redis: RedisServer;
let tray: TrayIngress;
let inspect: RedisClient;
let port: number;
let keysBefore: string[];

beforeAll(async () => {
  redis = await startRedisServer();
  tray = await startTrayIngress(redis, token);
  ({ inspect, port } = tray);
  keysBefore = (await inspect.keys('*')).sort();
});

afterAll(async () => {
  await tray.close();
  await redis.stop();
});

interface RawAnswer {
  status: number | undefined;
  head: string;
  /** The server closed the connection (with or without an answer). */
  closed: boolean;
}

/**
 * Speaks HTTP by hand, so malformed requests arrive exactly as written. `send` writes the request
 * (all at once, or slowly); the answer is whatever the server says before closing, or by `waitMs`.
 */
function raw(send: string | Buffer | ((socket: Socket) => Promise<void>), waitMs = 5_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      const statusLine = /^HTTP\/1\.1 (\d{3})/.exec(received);
      resolve({ status: statusLine ? Number(statusLine[1]) : undefined, head: received.split('\r\n\r\n')[0] ?? '', closed });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', () => done(true));
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      if (typeof send === 'function') send(socket).catch(() => undefined);
      else socket.write(send);
    });
  });
}

function post(body: string | Buffer, headers: string[] = ['Content-Type: application/json']): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const head = [`POST ${path} HTTP/1.1`, 'Host: reauth', 'Connection: close', ...headers, `Content-Length: ${bytes.length}`, '', ''].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nested = (depth: number, inner: string) => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

describe('hostile input at the webhook: a 4xx every time, the server stays up, nothing reaches Redis', () => {
  afterEach(async () => {
    expect((await inspect.keys('*')).sort()).toEqual(keysBefore);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it.each([
    ['truncated JSON', post('{"authId":'), 400],
    ['a trailing comma', post(`${JSON.stringify(valid).slice(0, -1)},}`), 400],
    ['a bare string', post('"hello"'), 400],
    ['null', post('null'), 400],
    ['an array', post(JSON.stringify([valid])), 400],
    ['numbers for ids', post(JSON.stringify({ ...valid, authId: 123, user_id: 4 })), 400],
    ['objects and arrays for strings', post(JSON.stringify({ ...valid, external_user_id: {}, service_name: ['salesforce'] })), 400],
    ['an empty service name', post(JSON.stringify({ ...valid, service_name: '' })), 400],
    ['ids with spaces and control characters', post(JSON.stringify({ ...valid, authId: 'a b\r\nX-Injected: 1' })), 400],
    ['an id of 10,000 characters', post(JSON.stringify({ ...valid, user_id: 'u'.repeat(10_000) })), 400],
    ['30,000 levels of nesting', post(nested(30_000, '1')), 400],
    ['deep nesting where an id belongs', post(JSON.stringify({ ...valid, authId: 'PLACEHOLDER' }).replace('"PLACEHOLDER"', nested(20_000, '"a"'))), 400],
    ['every field only under __proto__', post(`{"__proto__": ${JSON.stringify(valid)}}`), 400],
    ['every field under constructor.prototype', post(JSON.stringify({ constructor: { prototype: valid } })), 400],
  ])('%s', async (_name, request, status) => {
    expect((await raw(request)).status).toBe(status);
    // A payload that tried to pollute prototypes must not have changed them.
    expect(({} as Record<string, unknown>).authId).toBeUndefined();
  });

  it.each([
    ['invalid UTF-8 bytes in an id', post(Buffer.concat([Buffer.from('{"authId":"a'), Buffer.from([0xc3, 0x28]), Buffer.from(`",${JSON.stringify(valid).slice(1).replace('"authId":"a-1",', '')}`)])), 400],
    ['invalid UTF-8 in free text', post(Buffer.concat([Buffer.from(`{"authentication_name":"`), Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from(`",${JSON.stringify(valid).slice(1).replace('"authentication_name":"CRM",', '')}`)])), 400],
    ['a UTF-7 charset', post(JSON.stringify(valid), ['Content-Type: application/json; charset=utf-7']), 415],
    ['a latin1 charset', post(JSON.stringify(valid), ['Content-Type: application/json; charset=latin1']), 415],
    ['a text/plain Content-Type', post(JSON.stringify(valid), ['Content-Type: text/plain']), 415],
    ['two Content-Types, text/plain first', post(JSON.stringify(valid), ['Content-Type: text/plain', 'Content-Type: application/json']), 415],
    ['an unknown Content-Encoding', post(JSON.stringify(valid), ['Content-Type: application/json', 'Content-Encoding: compress']), 415],
    ['gzip that is not gzip', post('not gzip at all', ['Content-Type: application/json', 'Content-Encoding: gzip']), 400],
  ])('%s', async (_name, request, status) => {
    expect((await raw(request)).status).toBe(status);
  });

  it.each([
    ['two different Content-Lengths', `POST ${path} HTTP/1.1\r\nHost: r\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}`],
    ['Content-Length with chunked Transfer-Encoding', `POST ${path} HTTP/1.1\r\nHost: r\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`],
    ['a bare CR inside a header value', `POST ${path} HTTP/1.1\r\nHost: r\r\nX-Request-Id: a\rSet-Cookie: x=1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`],
    ['a bare LF inside a header value', `POST ${path} HTTP/1.1\r\nHost: r\r\nX-Request-Id: a\nSet-Cookie: x=1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`],
    ['a folded header line', `POST ${path} HTTP/1.1\r\nHost: r\r\nContent-Type: application/json\r\n continued\r\nContent-Length: 2\r\n\r\n{}`],
    ['a NUL in a header value', `POST ${path} HTTP/1.1\r\nHost: r\r\nX-A: a\u0000b\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`],
    ['a space before the colon', `POST ${path} HTTP/1.1\r\nHost: r\r\nContent-Length : 2\r\nContent-Type: application/json\r\n\r\n{}`],
  ])('%s: refused by the HTTP parser', async (_name, request) => {
    const answer = await raw(Buffer.from(request, 'latin1'));
    expect(answer.status).toBe(400);
    expect(answer.head).not.toMatch(/set-cookie/i);
  });

  it('32 KB of headers: 431', async () => {
    expect((await raw(post(JSON.stringify(valid), ['Content-Type: application/json', `X-Big: ${'a'.repeat(32 * 1024)}`]))).status).toBe(431);
  });

  it('a request id with markup and CRLF look-alikes is not echoed back', async () => {
    const answer = await raw(post('{}', ['Content-Type: application/json', 'X-Request-Id: <script>%0d%0aSet-Cookie:x']));
    expect(answer.status).toBe(400);
    expect(answer.head).toMatch(/^x-request-id: [0-9a-f-]{36}$/im);
    expect(answer.head).not.toContain('script');
  });

  it.each([
    ['no token', `/webhooks/tray/expired-auth`, []],
    ['the token twice (an array, not a string)', `/webhooks/tray/expired-auth?token=x&token=${token}`, []],
    ['a wrong bearer with the right query token (the header wins)', path, ['Authorization: Bearer wrong-token-wrong-token']],
    ['the token with a suffix', `/webhooks/tray/expired-auth?token=${token}x`, []],
  ])('%s: 401', async (_name, target, headers) => {
    const body = JSON.stringify(valid);
    const request = [`POST ${target} HTTP/1.1`, 'Host: r', 'Connection: close', 'Content-Type: application/json', ...headers, `Content-Length: ${body.length}`, '', body].join('\r\n');
    expect((await raw(request)).status).toBe(401);
  });

  // body-parser reads an oversized body off the socket (discarding it) before answering, which
  // keeps the connection usable; a client that never finishes sending is cut at requestTimeout.
  it('10 MB with Content-Length: 413, nothing buffered', async () => {
    const answer = await raw(async (socket) => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: r\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`);
      socket.write(Buffer.alloc(10 * 1024 * 1024, 'a'));
    }, 15_000);
    expect(answer.status).toBe(413);
  });

  it('10 MB chunked: 413, nothing buffered', async () => {
    const chunk = `${(64 * 1024).toString(16)}\r\n${'a'.repeat(64 * 1024)}\r\n`;
    const answer = await raw(async (socket) => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: r\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
      socket.write(chunk.repeat(160));
      socket.write('0\r\n\r\n');
    }, 15_000);
    expect(answer.status).toBe(413);
  });

  it('10 MB of JSON gzipped into a few KB: 413, the limit counts inflated bytes', async () => {
    const bomb = gzipSync(`{"pad":"${'a'.repeat(10 * 1024 * 1024)}"}`);
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect((await raw(post(bomb, ['Content-Type: application/json', 'Content-Encoding: gzip']))).status).toBe(413);
  });

  it('slow-loris clients are cut off (headers after 5 s, bodies after 10 s) while others are served', async () => {
    const trickleHeaders = raw(async (socket) => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: r\r\n`);
      while (!socket.destroyed) {
        socket.write('X-Slow: 1\r\n');
        await sleep(500);
      }
    }, 20_000);
    const trickleBody = raw(async (socket) => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: r\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
      while (!socket.destroyed) {
        socket.write(' ');
        await sleep(500);
      }
    }, 20_000);
    const idle = Array.from({ length: 20 }, () => raw(async () => undefined, 20_000));
    await sleep(1_000);
    // While they hang on, an ordinary request is answered.
    expect((await raw(post('{"authId":'))).status).toBe(400);

    const [headers, body, ...idles] = await Promise.all([trickleHeaders, trickleBody, ...idle]);
    expect(headers).toMatchObject({ closed: true, status: 408 });
    expect(body).toMatchObject({ closed: true, status: 408 });
    expect(idles.every((a) => a.closed)).toBe(true);
  }, 30_000);
});

describe('hostile input at the link endpoint', () => {
  it.each([
    ['garbage', '/reauth/garbage', 400],
    ['a forged token', `/reauth/${Buffer.from('{"v":1,"a":"x","u":"y","n":"z","e":9999999999}').toString('base64url')}.AAAA`, 400],
    ['a 100 KB token', `/reauth/${'a'.repeat(100 * 1024)}.b`, 431],
    ['path traversal', '/reauth/..%2f..%2fetc%2fpasswd', 400],
  ])('%s: a 4xx page, nothing reaches Redis', async (_name, target, status) => {
    expect((await raw(`GET ${target} HTTP/1.1\r\nHost: r\r\nConnection: close\r\n\r\n`)).status).toBe(status);
    expect((await inspect.keys('*')).sort()).toEqual(keysBefore);
  });
});

describe('what the webhook keeps of a valid payload', () => {
  it('drops unknown keys, __proto__ and constructor included, and pollutes nothing', async () => {
    const body = `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"extra":[[[1]]],${JSON.stringify(valid).slice(1)}`;
    const answer = await raw(post(body));
    expect(answer.status).toBe(200);
    const [job] = await tray.queues.get('token-lookup').getJobs(['waiting']);
    expect(Object.keys((job?.data as { auth: object }).auth).sort()).toEqual(Object.keys(valid).sort());
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
