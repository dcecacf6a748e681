/**
 * Beside the chat (issue 16): the team's notes about the contact — the customer the shop knows,
 * else the visitor — saved as plain text, site-scoped, CSRF-protected; and the contact's past
 * conversations, across a verified customer's devices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planChange } from '../../server/app/core';
import { hashToken } from '../../server/ids';
import { seedMessage } from '../helpers/seed';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, csrfOf, signIn } from '../helpers/ws-client';

let server: TestServer;
let ana: string;
let siteId: string;

beforeAll(async () => {
  server = await startTestServer();
  siteId = (await server.store.sites.byPublicKey('pk_demo'))!.id;
  ana = await signIn(server, 'ana@example.com');
});
afterAll(async () => {
  await server.destroy();
});

async function chat(visitorId: string, text: string, resolve = false): Promise<string> {
  const result = await seedMessage(server.store, { siteId, visitorId, clientId: cid('n'), author: { kind: 'visitor', id: visitorId }, text });
  const id = result.conversation.id;
  if (resolve) {
    const now = Date.now();
    await server.store.conversations.commit({
      siteId,
      target: { conversationId: id },
      clientId: null,
      now,
      decide: (snapshot) => planChange(snapshot, { actor: { kind: 'system' }, commands: [{ type: 'resolve', by: { kind: 'system' } }] }, null, now),
    });
  }
  return id;
}

async function context(id: string) {
  const res = await fetch(`${server.origin}/api/agent/conversations/${id}/context`, { headers: { Cookie: ana } });
  expect(res.status).toBe(200);
  return (await res.json()) as { notes: { subject: string; text: string; updatedBy: string | null; updatedAt: string | null }; history: { id: string; status: string }[] };
}

function save(id: string, text: unknown, opts: { csrf?: boolean } = {}) {
  return fetch(`${server.origin}/api/agent/conversations/${id}/notes`, {
    method: 'PUT',
    headers: { Cookie: ana, Origin: server.origin, 'Content-Type': 'application/json', ...(opts.csrf === false ? {} : { 'X-CSRF-Token': csrfOf(ana) }) },
    body: JSON.stringify({ text }),
  });
}

describe('contact notes and past conversations', () => {
  it('a visitor: notes saved as plain text, seen from each of their chats; their other chats listed', async () => {
    const visitor = await server.store.visitors.create({ siteId, tokenHash: hashToken(`notes-${Math.random()}`), locale: 'es', now: Date.now() });
    const first = await chat(visitor.id, 'La semana pasada pedí una lámpara', true);
    const second = await chat(visitor.id, 'Vuelvo por lo de la lámpara');

    const before = await context(second);
    expect(before.notes).toEqual({ subject: 'visitor', text: '', updatedAt: null, updatedBy: null });
    expect(before.history.map((c) => [c.id, c.status])).toEqual([[first, 'resolved']]);
    expect((await context(first)).history.map((c) => c.id)).toEqual([second]);

    const text = '  <b>Prefiere</b> que la llamen\r\npor la tarde  ';
    const res = await save(second, text);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ subject: 'visitor', text: '<b>Prefiere</b> que la llamen\npor la tarde', updatedBy: 'Ana' });
    expect((await context(first)).notes.text).toBe('<b>Prefiere</b> que la llamen\npor la tarde');

    // Cleared with an empty text.
    expect((await save(first, '   ')).status).toBe(200);
    expect((await context(second)).notes.text).toBe('');
  });

  it('a verified customer: one set of notes and one history across their devices', async () => {
    const now = Date.now();
    const phone = await server.store.visitors.create({ siteId, tokenHash: hashToken(`phone-${Math.random()}`), locale: 'es', now });
    const laptop = await server.store.visitors.create({ siteId, tokenHash: hashToken(`laptop-${Math.random()}`), locale: 'es', now });
    for (const v of [phone, laptop]) await server.store.visitors.identify(siteId, v.id, { externalId: 'cust-notes-1', email: 'marta@example.com', name: 'Marta', verified: true, now });
    const onPhone = await chat(phone.id, 'Desde el móvil', true);
    const onLaptop = await chat(laptop.id, 'Desde el portátil');
    expect((await save(onPhone, 'Cliente VIP desde 2019')).status).toBe(200);
    const seen = await context(onLaptop);
    expect(seen.notes).toMatchObject({ subject: 'customer', text: 'Cliente VIP desde 2019', updatedBy: 'Ana' });
    expect(seen.history.map((c) => c.id)).toEqual([onPhone]);
  });

  it('refuses without the CSRF token, too long, not a string, and another site’s chat', async () => {
    const visitor = await server.store.visitors.create({ siteId, tokenHash: hashToken(`refuse-${Math.random()}`), locale: 'es', now: Date.now() });
    const id = await chat(visitor.id, 'Hola');
    expect((await save(id, 'x', { csrf: false })).status).toBe(403);
    expect((await save(id, 'x'.repeat(4001))).status).toBe(422);
    expect((await save(id, 42)).status).toBe(400);
    expect((await save('cv_not_on_this_site', 'x')).status).toBe(404);
    expect((await context(id)).notes.text).toBe('');
  });
});
