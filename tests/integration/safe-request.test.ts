/** safeRequest: one guarded request for webhooks, the merchant's bot (POST) and shop imports (GET). */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockedTargetError, safeRequest } from '../../server/integrations/safe-request';

let server: Server;
let base: string;
const seen: { method: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, headers: req.headers, body });
      res.writeHead(req.url === '/redirect' ? 302 : 200, { 'Content-Type': 'application/json', 'X-Page': '2', ...(req.url === '/redirect' ? { Location: '/elsewhere' } : {}) });
      res.end(req.url === '/big' ? 'x'.repeat(5000) : '{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('safeRequest', () => {
  it('POSTs JSON with its length and the caller’s headers; answers status, headers and body', async () => {
    const res = await safeRequest('POST', `${base}/hook`, { 'Mostrador-Event': 'message.created' }, { body: '{"a":"ñ"}', timeoutMs: 2000, allowPrivate: true });
    expect(res).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(res.headers['x-page']).toBe('2');
    const got = seen.at(-1)!;
    expect(got).toMatchObject({ method: 'POST', body: '{"a":"ñ"}' });
    expect(got.headers).toMatchObject({ 'content-type': 'application/json', 'content-length': '10', 'mostrador-event': 'message.created', 'user-agent': 'Mostrador-Webhooks/1' });
  });

  it('GETs with Accept JSON and no body', async () => {
    const res = await safeRequest('GET', `${base}/page`, { Authorization: 'Bearer t' }, { timeoutMs: 2000, allowPrivate: true, maxBodyBytes: 1024, overLimit: 'fail' });
    expect(res.body).toBe('{"ok":true}');
    expect(seen.at(-1)).toMatchObject({ method: 'GET', body: '', headers: { accept: 'application/json', authorization: 'Bearer t', 'user-agent': 'Mostrador-Import/1' } });
  });

  it('keeps the start of a long answer for logs, or refuses it when the caller needs it whole', async () => {
    const cut = await safeRequest('POST', `${base}/big`, {}, { body: '{}', timeoutMs: 2000, allowPrivate: true, maxBodyBytes: 100 });
    expect(cut.body).toBe('x'.repeat(100));
    await expect(safeRequest('GET', `${base}/big`, {}, { timeoutMs: 2000, allowPrivate: true, maxBodyBytes: 100, overLimit: 'fail' })).rejects.toThrow(/larger than 100 bytes/);
  });

  it('never follows a redirect, and refuses loopback targets unless allowed', async () => {
    const res = await safeRequest('GET', `${base}/redirect`, {}, { timeoutMs: 2000, allowPrivate: true });
    expect(res.status).toBe(302);
    await expect(safeRequest('POST', `${base}/hook`, {}, { body: '{}', timeoutMs: 2000, allowPrivate: false })).rejects.toBeInstanceOf(BlockedTargetError);
    await expect(safeRequest('GET', `http://localhost:${new URL(base).port}/page`, {}, { timeoutMs: 2000, allowPrivate: false })).rejects.toBeInstanceOf(BlockedTargetError);
  });
});
