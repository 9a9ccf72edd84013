import { afterAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import express from 'express';
import { createLogger } from '@reauth/logger';
import { requestLog } from './request-log.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(chunk.toString());
    done();
  },
});
const app = express();
app.use(requestLog(createLogger({ level: 'info', name: 'test' }, sink)));
app.get('/quiet', (req, res) => {
  req.log.debug('below the level');
  res.json({ ok: true });
});
app.post('/loud', (req, res) => {
  req.log.info({ outcome: 'accepted' }, 'handled');
  res.json({ ok: true });
});
let server: Server;
const url = new Promise<string>((resolve) => {
  server = app.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('request logging', () => {
  it("tags a written line with the request's id, method and URL (secrets masked), and echoes the id", async () => {
    const res = await fetch(`${await url}/loud?token=secret-webhook-token-123`, { method: 'POST', headers: { 'x-request-id': 'caller-id-1' } });
    expect(res.headers.get('x-request-id')).toBe('caller-id-1');
    const line = JSON.parse(lines.at(-1) ?? '{}');
    expect(line).toMatchObject({ msg: 'handled', outcome: 'accepted', req: { id: 'caller-id-1', method: 'POST', url: '/loud?token=[REDACTED]' } });
  });

  it('replaces a request id it would not want in its logs, and writes nothing for a quiet request', async () => {
    const before = lines.length;
    const res = await fetch(`${await url}/quiet`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.length).toBe(before);
  });
});
