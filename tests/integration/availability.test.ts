import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityHash } from '../../server/domain/identity';
import { startTestServer, type TestServer } from '../helpers/server';
import { cid, connectAgent, connectVisitor, signIn, type Frame } from '../helpers/ws-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

describe('team availability', () => {
  it('tells shoppers whether anyone is online, live, and keeps an agent’s away status across reconnects', async () => {
    const visitor = await connectVisitor(server);
    expect(visitor.welcome.availability).toEqual({ available: false, names: [] });

    const online = visitor.socket.next((f) => f.type === 'availability' && f.available === true);
    const ana = await connectAgent(server, await signIn(server, 'ana@example.com'));
    expect(await online).toMatchObject({ names: ['Ana'] });
    expect(ana.welcome).toMatchObject({ status: 'online', team: [{ name: 'Ana', status: 'online' }] });

    const luisCookie = await signIn(server, 'luis@example.com');
    const luis = await connectAgent(server, luisCookie);
    const teamUpdate = luis.socket.next((f) => f.type === 'team' && (f.agents as Frame[]).some((a) => a.name === 'Ana' && a.status === 'away'));
    const nobody = visitor.socket.next((f) => f.type === 'availability' && (f.names as string[]).join() === 'Luis');
    ana.socket.send({ type: 'status', status: 'away' });
    await teamUpdate;
    await nobody;

    const gone = visitor.socket.next((f) => f.type === 'availability' && f.available === false);
    luis.socket.close();
    await gone;

    // Ana reconnects: still away.
    ana.socket.close();
    await ana.socket.waitClose();
    const again = await connectAgent(server, await signIn(server, 'ana@example.com'));
    expect(again.welcome.status).toBe('away');
    again.socket.close();
    visitor.socket.close();
  });
});

describe('shopper profile', () => {
  it('stores the name and email a shopper types, shows them to agents, and never overrides a verified identity', async () => {
    const agent = await connectAgent(server, await signIn(server, 'ana@example.com'));
    const visitor = await connectVisitor(server);
    const clientId = cid();
    visitor.socket.send({ type: 'message.send', clientId, text: 'hola' });
    const conversationId = (await visitor.socket.next((f) => f.type === 'ack')).conversationId as string;
    const renamed = agent.socket.next((f) => f.type === 'conversation.updated' && (f.conversation as Frame).visitorName === 'Elena');
    visitor.socket.send({ type: 'profile', name: 'Elena', email: 'elena@example.com' });
    expect(await visitor.socket.nextOfType('profile.saved')).toMatchObject({ name: 'Elena', email: 'elena@example.com' });
    expect(((await renamed).conversation as Frame)).toMatchObject({ id: conversationId, visitorEmail: 'elena@example.com', verified: false });
    const back = await connectVisitor(server, { token: visitor.token });
    expect(back.welcome.profile).toEqual({ name: 'Elena', email: 'elena@example.com' });

    const bad = back.socket.nextOfType('error');
    back.socket.send({ type: 'profile', email: 'not-an-email' });
    expect(await bad).toMatchObject({ code: 'bad_frame' });

    const maria = await connectVisitor(server);
    maria.socket.send({ type: 'identify', id: 'cus_maria', name: 'María García', email: 'maria@example.com', hash: identityHash('cus_maria', 'sk_demo_secret') });
    await maria.socket.nextOfType('identified');
    maria.socket.send({ type: 'profile', name: 'Impostora', email: 'x@example.com' });
    expect(await maria.socket.nextOfType('profile.saved')).toMatchObject({ name: 'María García', email: 'maria@example.com' });
    for (const s of [agent.socket, visitor.socket, back.socket, maria.socket]) s.close();
  });
});
