/**
 * The panel's chat model (widget/app/state/chat.ts) against the real server over a real socket:
 * its outbox sends one message at a time, so a send refused for now (rate limit) is never
 * overtaken by a later one. Before this, the sends were pipelined, and on a loaded machine a
 * later message reached the server after the budget refilled while the refused one waited for
 * its retry: the shopper's messages were stored out of order (seen in a full CI run).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { createChat } from '../../widget/app/state/chat';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
const sent: string[] = [];
const received: { type: string; clientId?: string; ref?: string }[] = [];
/** Every wire event in order: `send:<clientId>` and `answer:<clientId>` (ack or error). */
const wire: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ env: { VISITOR_MESSAGES_PER_SEC: '1', VISITOR_MESSAGE_BURST: '2' } });
  const origin = server.origin;
  // The browser's WebSocket, as the panel uses it, from the `ws` package with the shop's Origin.
  class BrowserLikeSocket extends NodeWebSocket {
    constructor(url: string) {
      super(url, { headers: { Origin: origin } });
      this.addEventListener('message', (e) => {
        const frame = JSON.parse(String(e.data)) as { type: string; clientId?: string; ref?: string };
        received.push(frame);
        if (frame.type === 'ack') wire.push(`answer:${frame.clientId}`);
        if (frame.type === 'error' && frame.ref) wire.push(`answer:${frame.ref}`);
      });
    }
    override send(data: string): void {
      const frame = JSON.parse(data) as { type: string; clientId?: string };
      if (frame.type === 'message.send') {
        sent.push(frame.clientId!);
        wire.push(`send:${frame.clientId}`);
      }
      super.send(data);
    }
  }
  (globalThis as { WebSocket?: unknown }).WebSocket = BrowserLikeSocket;
  // The socket listens for the browser's online/offline events on the global scope.
  const events = new EventTarget();
  Object.assign(globalThis, { addEventListener: events.addEventListener.bind(events), removeEventListener: events.removeEventListener.bind(events) });
});
afterAll(async () => {
  for (const key of ['WebSocket', 'addEventListener', 'removeEventListener']) delete (globalThis as Record<string, unknown>)[key];
  await server?.destroy();
});

describe('the panel’s outbox under a rate limit', () => {
  it('keeps one send on the wire at a time and stores every message once, in order', async () => {
    const values = new Map<string, string>();
    const storage = {
      getItem: (k: string) => values.get(k) ?? null,
      setItem: (k: string, v: string) => void values.set(k, v),
      removeItem: (k: string) => void values.delete(k),
    } as unknown as Storage;
    const port = new URL(server.origin).port;
    const chat = createChat({
      siteKey: 'pk_demo',
      socketUrl: `ws://127.0.0.1:${port}/ws/visitor?site=pk_demo`,
      locale: 'es',
      storage,
      brand: { siteName: 'Tienda', color: '#000000', greeting: { es: 'Hola' }, logoUrl: null },
    });
    chat.start();
    await expect.poll(() => chat.status.value, { timeout: 10_000 }).toBe('open');
    const texts = ['one', 'two', 'three', 'four', 'five'].map((n) => `Outbox order ${n}`);
    for (const text of texts) chat.send(text);

    const stored = () => {
      const db = new Database(join(server.dataDir, 'mostrador.db'), { readonly: true });
      try {
        return (db.prepare("SELECT text FROM messages WHERE author_kind = 'visitor' AND text LIKE 'Outbox order %' ORDER BY seq").all() as { text: string }[]).map((r) => r.text);
      } finally {
        db.close();
      }
    };
    await expect.poll(stored, { timeout: 20_000 }).toEqual(texts);
    // The limit was really hit, so the order above was earned, not luck.
    expect(received.some((f) => f.type === 'error' && (f as { code?: string }).code === 'rate_limited')).toBe(true);
    // Never two sends without an answer in between.
    let open = 0;
    for (const event of wire) {
      open += event.startsWith('send:') ? 1 : -1;
      expect(open).toBeLessThanOrEqual(1);
    }
    expect(chat.items.value.filter((i) => i.state === 'failed')).toEqual([]);
    chat.shutdown();
  });
});
