/**
 * docs/webhooks.md documents every event's `data` as it is sent: each documented example has the
 * same fields (same nesting) as a real delivery, and every event the API accepts is documented.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENTS } from '../../server/store/types';
import { startReceiver } from '../helpers/receiver';
import { startSmtp, type TestSmtp } from '../helpers/smtp';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';

const SECRET = 'sk_demo_secret';
const DOC = readFileSync(resolve(import.meta.dirname, '../../docs/webhooks.md'), 'utf8');

/** The JSON example under "### `event`" in the doc. */
function documented(event: string): unknown {
  const m = new RegExp('### `' + event.replace('.', '\\.') + '`\\n+```json\\n([\\s\\S]*?)\\n```').exec(DOC);
  if (!m) return undefined;
  return JSON.parse(m[1]!);
}

/** Every key path in a value ("conversation.id", "handoff.tried[].intent"); null and scalars are leaves. */
function paths(x: unknown, prefix = ''): string[] {
  if (Array.isArray(x)) return x.length ? paths(x[0], `${prefix}[]`) : [`${prefix}[]`];
  if (x !== null && typeof x === 'object') {
    return Object.entries(x).flatMap(([k, v]) => {
      const p = prefix ? `${prefix}.${k}` : k;
      // `by` is an agent or null (routing): the documented object stands for both.
      return v === null ? [p] : paths(v, p);
    });
  }
  return [prefix];
}

let server: TestServer;
/** A mail server that refuses every recipient: an agent's e-mail fails for good (`email.failed`). */
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startSmtp();
  smtp.refuse = { code: 550, message: '5.1.1 No such user here' };
  server = await startTestServer({ bot: true, env: { ALLOW_PRIVATE_NETWORK_TARGETS: '1', WEBHOOK_INTERVAL_MS: '100', SMTP_URL: smtp.url, MAIL_INTERVAL_MS: '50' } });
});
afterAll(async () => {
  await server.destroy();
  await smtp.close();
});

describe('docs/webhooks.md', () => {
  it('documents the data of every event the API accepts, and says none is "not sent"', () => {
    for (const event of WEBHOOK_EVENTS) expect(documented(event), event).toBeTypeOf('object');
    expect(DOC).not.toMatch(/accepted now|not (yet )?sent|once the conversation engine/i);
  });

  it('shows each event exactly as it is delivered: handoff, assigned and resolved included', async () => {
    const receiver = await startReceiver();
    try {
      const res = await fetch(`${server.origin}/api/v1/webhooks`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ url: receiver.url, events: [...WEBHOOK_EVENTS] }),
      });
      expect(res.status).toBe(201);
      const ana = await connectAgent(server, await signIn(server, 'ana@example.com'));

      // The bot hands the shopper to people, Ana takes the chat and resolves it.
      const visitor = await connectVisitor(server);
      const first = cid();
      visitor.socket.send({ type: 'message.send', clientId: first, text: '¿Dónde está mi pedido?' });
      const conversationId = (await visitor.socket.next((f) => f.type === 'ack' && f.clientId === first)).conversationId as string;
      // The bot asks for the order details: what it tried goes into the packet.
      await visitor.socket.next((f) => f.type === 'message.created' && ((f.message as Frame).author as Frame).kind === 'bot');
      visitor.socket.send({ type: 'message.send', clientId: cid(), text: 'Quiero hablar con una persona' });
      await ana.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as Frame).id === conversationId && (f.conversation as Frame).status === 'queued');
      // Ana answers by e-mail on purpose; the shopper's mail server refuses the address.
      const answerByEmail = async () => {
        visitor.socket.send({ type: 'profile', email: 'nadie@example.com' });
        await visitor.socket.nextOfType('profile.saved');
        const byEmail = cid('mail');
        ana.socket.send({ type: 'message.send', clientId: byEmail, conversationId, text: 'Te lo cuento por correo', byEmail: true });
        const sent = await ana.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === byEmail || f.ref === byEmail));
        expect(sent).toMatchObject({ type: 'ack' });
      };
      for (const action of ['take', 'resolve']) {
        const ref = cid('act');
        const reply = ana.socket.next((f) => (f.type === 'ack' || f.type === 'error') && (f.clientId === ref || f.ref === ref));
        ana.socket.send({ type: 'conversation.action', clientId: ref, conversationId, action });
        expect(await reply).toMatchObject({ type: 'ack' });
        if (action === 'take') await answerByEmail();
      }
      // The shopper answers "¿Qué tal te hemos atendido?".
      const rate = cid();
      visitor.socket.send({ type: 'conversation.rate', clientId: rate, conversationId, score: 4, comment: 'Muy amables' });
      await visitor.socket.next((f) => f.type === 'ack' && f.clientId === rate);

      const types = () => new Set(receiver.received.map((r) => (JSON.parse(r.body) as { type: string }).type));
      await expect.poll(() => WEBHOOK_EVENTS.every((e) => types().has(e)), { timeout: 10_000 }).toBe(true);
      const bodies = receiver.received.map((r) => JSON.parse(r.body) as { type: string; data: unknown });
      // A message author's `id` and `name` are there only when known: compared as a subset.
      const isAuthor = (p: string) => p.startsWith('message.author.');
      for (const event of WEBHOOK_EVENTS) {
        const doc = paths(documented(event));
        for (const body of bodies.filter((b) => b.type === event)) {
          const sent = paths(body.data);
          expect(sent.filter((p) => !isAuthor(p)).sort(), event).toEqual(doc.filter((p) => !isAuthor(p)).sort());
          expect(doc, event).toEqual(expect.arrayContaining(sent.filter(isAuthor)));
        }
      }
      // The values the doc promises: the handoff's time in ISO 8601 (or null), who took and who resolved.
      const data = (type: string) => bodies.find((b) => b.type === type)!.data as Record<string, Record<string, unknown> | null>;
      const anaRef = { id: (ana.welcome.agent as Frame).id, name: 'Ana' };
      const backAt = data('conversation.handoff').handoff!.backAt;
      expect(backAt === null || (typeof backAt === 'string' && new Date(backAt).toISOString() === backAt)).toBe(true);
      expect(data('conversation.assigned')).toEqual({ conversation: { id: conversationId, status: 'assigned', assigneeId: anaRef.id }, by: anaRef });
      expect(data('conversation.resolved')).toEqual({ conversation: { id: conversationId, status: 'resolved', assigneeId: null }, by: anaRef });
      expect(documented('conversation.resolved')).toMatchObject({ conversation: { assigneeId: null } });
      ana.socket.close();
      visitor.socket.close();
    } finally {
      await receiver.close();
    }
  });
});
