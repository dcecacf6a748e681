/**
 * docs/api.md is true: every JSON request example it shows is sent, as written, to the real
 * server and accepted; each endpoint's "Required:" fields are refused when left out (naming the
 * field) and its "Optional:" ones may be left out; the listed allowed values are the schema's;
 * the error examples are what the server answers; and a `vip` customer's chat goes straight to
 * a person.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityHash } from '../../server/domain/identity';
import { ORDER_STATUSES, RETURN_STATUSES } from '../../server/routes/api-v1/schemas';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectVisitor } from '../helpers/ws-client';

const KEY = 'sk_demo_secret';
const DOC = readFileSync(resolve(import.meta.dirname, '../../docs/api.md'), 'utf8');

interface Example {
  method: string;
  path: string;
  body: Record<string, unknown>;
  required: string[];
  optional: string[];
}

/** Each "### `METHOD /path`" section with a ```json request example and its Required/Optional line. */
function examples(): Example[] {
  const out: Example[] = [];
  for (const m of DOC.matchAll(/^### `(PUT|POST) ([^`]+)`\n([\s\S]*?)(?=^##)/gm)) {
    const [, method, path, section] = m;
    const json = /```json\n([\s\S]*?)\n```/.exec(section!)?.[1];
    if (!json) continue;
    const fields = (label: string) => [...(new RegExp(`${label}: ([^.\\n]*)\\.`).exec(section!)?.[1] ?? '').matchAll(/`(\w+)`/g)].map((f) => f[1]!);
    out.push({ method: method!, path: path!, body: JSON.parse(json) as Record<string, unknown>, required: fields('Required'), optional: fields('Optional') });
  }
  return out;
}

let server: TestServer;
let conversationId: string;

beforeAll(async () => {
  server = await startTestServer({ bot: true });
  // A conversation for POST /conversations/{id}/messages.
  const visitor = await connectVisitor(server);
  const clientId = cid();
  const ack = visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
  visitor.socket.send({ type: 'message.send', clientId, text: 'hola' });
  conversationId = (await ack).conversationId as string;
  visitor.socket.close();
});
afterAll(async () => {
  await server.destroy();
});

const IDS: Record<string, string> = { customerId: 'cus_maria', orderId: 'ord_1001', shipmentId: 'shp_doc', returnId: 'ret_doc' };

function api(method: string, path: string, body?: unknown) {
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' ? conversationId : IDS[name]!));
  return fetch(`${server.origin}/api/v1${url}`, {
    method,
    headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

describe('docs/api.md', () => {
  const list = examples();

  it('shows a request example with its required and optional fields for each write endpoint', () => {
    expect(list.map((e) => `${e.method} ${e.path}`)).toEqual([
      'PUT /customers/{customerId}',
      'PUT /orders/{orderId}',
      'PUT /orders/{orderId}/shipments/{shipmentId}',
      'PUT /orders/{orderId}/returns/{returnId}',
      'POST /conversations/{id}/messages',
    ]);
    for (const e of list) {
      expect(e.required.length, `${e.method} ${e.path}`).toBeGreaterThan(0);
      // The example shows every field the line names.
      expect([...e.required, ...e.optional].sort(), `${e.method} ${e.path}`).toEqual(Object.keys(e.body).sort());
    }
  });

  it('every example is accepted as written, in the order the doc gives them', async () => {
    for (const e of list) {
      const res = await api(e.method, e.path, e.body);
      expect([200, 201], `${e.method} ${e.path}: ${await res.clone().text()}`).toContain(res.status);
    }
    // The order event example (under "## Order events").
    const event = JSON.parse(/## Order events[\s\S]*?```json\n([\s\S]*?)\n```/.exec(DOC)![1]!) as Record<string, unknown>;
    const res = await api('POST', '/events', event);
    expect([201, 202]).toContain(res.status);
  });

  it('leaving out a required field is refused naming it; leaving out an optional one is fine', async () => {
    for (const e of list) {
      for (const field of e.required) {
        const { [field]: _left, ...rest } = e.body;
        const res = await api(e.method, e.path, rest);
        expect(res.status, `${e.method} ${e.path} without ${field}`).toBe(422);
        expect(((await res.json()) as { field?: string }).field, `${e.method} ${e.path} without ${field}`).toBe(field);
      }
      const required = Object.fromEntries(Object.entries(e.body).filter(([k]) => e.required.includes(k)));
      const res = await api(e.method, e.path, e.method === 'POST' ? { ...required, text: `${String(required.text)} (2)` } : required);
      expect([200, 201], `${e.method} ${e.path} with only the required fields: ${await res.clone().text()}`).toContain(res.status);
    }
    const event = { type: 'order.delivered', orderId: 'ord_1001' };
    for (const field of ['type', 'orderId'] as const) {
      const { [field]: _left, ...rest } = event;
      expect(((await (await api('POST', '/events', rest)).json()) as { field?: string }).field).toBe(field);
    }
  });

  it('lists exactly the allowed order and return statuses, and a value outside them is refused', async () => {
    const listed = (heading: string) => {
      const section = DOC.slice(DOC.indexOf(heading));
      return [.../`status` is one of ([^.]*)\./.exec(section)![1]!.matchAll(/`(\w+)`/g)].map((m) => m[1]);
    };
    expect(listed('### `PUT /orders/{orderId}`')).toEqual([...ORDER_STATUSES]);
    expect(listed('### `PUT /orders/{orderId}/returns/{returnId}`')).toEqual([...RETURN_STATUSES]);
    const order = list.find((e) => e.path === '/orders/{orderId}')!;
    const res = await api('PUT', order.path, { ...order.body, status: 'lost' });
    expect(await res.json()).toMatchObject({ status: 422, code: 'validation_failed', field: 'status' });
  });

  it('every error code in the table is one the server answers with', () => {
    const source = ['index.ts', 'kit.ts'].map((f) => readFileSync(resolve(import.meta.dirname, '../../server/routes/api-v1', f), 'utf8')).join('\n')
      + readFileSync(resolve(import.meta.dirname, '../../server/app/external-bot.ts'), 'utf8');
    const table = /## Errors[\s\S]*?\| status \| code \| when \|([\s\S]*?)\n\n/.exec(DOC)![1]!;
    const codes = [...table.matchAll(/^\| \d{3} \| ([^|]+)\|/gm)].flatMap((row) => [...row[1]!.matchAll(/`(\w+)`/g)].map((c) => c[1]!));
    expect(codes.length).toBeGreaterThan(15);
    for (const code of codes) expect(source, code).toContain(`'${code}'`);
  });

  it("the validation error example is the server's answer", async () => {
    const documented = JSON.parse(/## Errors[\s\S]*?```json\n([\s\S]*?)\n```/.exec(DOC)![1]!) as Record<string, unknown>;
    const order = list.find((e) => e.path === '/orders/{orderId}')!;
    const items = order.body.items as Record<string, unknown>[];
    const res = await api('PUT', order.path, { ...order.body, items: [{ ...items[0], price: 14.5 }] });
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toEqual(documented);
  });

  it('the private_target example is what PUT /bot and POST /webhooks answer for a loopback URL', async () => {
    const documented = JSON.parse(/```json\n(\{\n  "type": "https:\/\/mostrador.dev\/problems\/private_target"[\s\S]*?)\n```/.exec(DOC)![1]!) as Record<string, unknown>;
    const bot = await api('PUT', '/bot', { url: 'http://127.0.0.1:9/bot' });
    expect(await bot.json()).toEqual(documented);
    const hook = await api('POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['message.created'] });
    expect(await hook.json()).toEqual(documented);
  });

  it('a verified customer tagged vip is handed straight to a person: the assistant does not answer', async () => {
    expect(DOC).toContain('**The `vip` tag hands chats straight to a person.**');
    const customer = list.find((e) => e.path === '/customers/{customerId}')!;
    expect(customer.body.tags).toEqual(['vip']);
    // PUT replaces: the example as written (an earlier test left the optional fields out).
    expect((await api('PUT', customer.path, customer.body)).status).toBe(200);
    const visitor = await connectVisitor(server);
    visitor.socket.send({ type: 'identify', id: 'cus_maria', hash: identityHash('cus_maria', KEY) });
    expect((await visitor.socket.nextOfType('identified')).verified).toBe(true);
    const clientId = cid();
    const ack = visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
    const handoff = visitor.socket.next((f) => f.type === 'message.created' && (f.message as { kind?: string }).kind === 'system');
    visitor.socket.send({ type: 'message.send', clientId, text: '¿Cuánto tarda el envío a Canarias?' });
    const id = (await ack).conversationId as string;
    expect((await handoff).message).toMatchObject({ payload: { event: 'handoff', reason: 'vip' } });
    const read = (await (await api('GET', `/conversations/${id}`)).json()) as { conversation: { status: string }; messages: { author: { kind: string }; text: string }[] };
    expect(read.conversation.status).toBe('queued');
    // The assistant did not try to answer the question (at most it says a person is coming).
    expect(read.messages.filter((m) => m.author.kind === 'bot' && /Canarias|días|envío/i.test(m.text))).toEqual([]);
    visitor.socket.close();
  });
});
