import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { Problem, problemOnError } from '../../server/http';
import { StoreUnavailableError } from '../../server/store/errors';
import { ApiError } from '../../server/routes/api-v1/kit';

/** The app's one error path: a thrown Problem (or ApiError), an HTTPException, a store refusal, a bug. */
function app() {
  const logged: string[] = [];
  const log = { warn: (_o: unknown, msg: string) => void logged.push(`warn ${msg}`), error: (_o: unknown, msg: string) => void logged.push(`error ${msg}`) };
  const a = new Hono();
  a.onError(problemOnError(log as unknown as Parameters<typeof problemOnError>[0]));
  const sub = new Hono();
  sub.get('/api', () => {
    throw new ApiError(422, 'validation_failed', 'The body is not valid', { field: 'email', detail: 'email: must be an email address' });
  });
  a.route('/v1', sub);
  a.get('/problem', (c) => {
    c.header('Retry-After', '3');
    throw new Problem(429, 'too many requests', { code: 'rate_limited' });
  });
  a.get('/http', () => {
    throw new HTTPException(403, { message: 'no' });
  });
  a.get('/store', () => {
    throw new StoreUnavailableError(new Error('SQLITE_FULL'));
  });
  a.get('/bug', () => {
    throw new Error('secret detail');
  });
  return { a, logged };
}

async function answer(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return res.json();
}

describe('REST errors take one path', () => {
  it('a sub-app’s thrown ApiError is answered with its code, type and field', async () => {
    const { a } = app();
    const res = await a.request('/v1/api');
    expect(res.status).toBe(422);
    expect(await answer(res)).toEqual({ type: 'https://mostrador.dev/problems/validation_failed', title: 'The body is not valid', status: 422, code: 'validation_failed', field: 'email', detail: 'email: must be an email address' });
  });

  it('a Problem keeps headers set before it was thrown; an HTTPException is a problem without code', async () => {
    const { a } = app();
    const res = await a.request('/problem');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await answer(res)).toMatchObject({ type: 'https://mostrador.dev/problems/rate_limited', code: 'rate_limited', status: 429 });
    const http = await a.request('/http');
    expect(http.status).toBe(403);
    expect(await answer(http)).toEqual({ type: 'about:blank', title: 'no', status: 403 });
  });

  it('a store refusal is a 503 worth retrying; a bug is a 500 that says nothing of it, logged', async () => {
    const { a, logged } = app();
    const store = await a.request('/store');
    expect(store.status).toBe(503);
    expect(store.headers.get('retry-after')).toBe('5');
    expect(await answer(store)).toMatchObject({ code: 'store_unavailable' });
    const bug = await a.request('/bug');
    expect(bug.status).toBe(500);
    const body = await answer(bug);
    expect(body).toEqual({ type: 'https://mostrador.dev/problems/internal', title: 'internal error', status: 500, code: 'internal' });
    expect(JSON.stringify(body)).not.toContain('secret detail');
    expect(logged).toEqual(['warn store unavailable', 'error request failed']);
  });
});
