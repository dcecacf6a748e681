import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, PROTOCOL_VERSION } from '../../shared/protocol';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket, cid, connectVisitor, visitorUrl } from '../helpers/ws-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.destroy();
});

async function stillUp(socket: TestSocket): Promise<void> {
  const pong = socket.next((f) => f.type === 'pong' && f.t === 42);
  socket.send({ type: 'ping', t: 42 });
  await pong;
}

describe('bad frames', () => {
  it('answers malformed JSON with a typed error and keeps the connection', async () => {
    const { socket } = await connectVisitor(server);
    const err = socket.nextOfType('error');
    socket.sendRaw('{"type": "message.send", ');
    expect(await err).toMatchObject({ type: 'error', code: 'bad_json' });
    await stillUp(socket);
    socket.close();
  });

  it('answers unknown types with unknown_type', async () => {
    const { socket } = await connectVisitor(server);
    const err = socket.nextOfType('error');
    socket.send({ type: 'conversation.delete', conversationId: 'x' });
    expect(await err).toMatchObject({ code: 'unknown_type' });
    const err2 = socket.nextOfType('error');
    socket.send([1, 2, 3]);
    expect(await err2).toMatchObject({ code: 'unknown_type' });
    await stillUp(socket);
    socket.close();
  });

  it('answers schema violations with bad_frame naming the field, and stores nothing', async () => {
    const { socket } = await connectVisitor(server);
    const clientId = cid();
    const err = socket.nextOfType('error');
    socket.send({ type: 'message.send', clientId, text: 42 });
    expect(await err).toMatchObject({ code: 'bad_frame', ref: clientId });
    expect(String((await err).message)).toContain('text');
    const empty = socket.nextOfType('error');
    socket.send({ type: 'message.send', clientId: cid(), text: '   ' });
    expect(await empty).toMatchObject({ code: 'bad_frame' });
    const tooLong = socket.nextOfType('error');
    socket.send({ type: 'message.send', clientId: cid(), text: 'x'.repeat(LIMITS.maxTextLength + 1) });
    expect(await tooLong).toMatchObject({ code: 'bad_frame' });
    expect(socket.frames.filter((f) => f.type === 'ack')).toHaveLength(0);
    await stillUp(socket);
    socket.close();
  });

  it('answers an oversized frame with frame_too_large and keeps the connection', async () => {
    const { socket } = await connectVisitor(server);
    const err = socket.nextOfType('error');
    socket.send({ type: 'message.send', clientId: cid(), text: 'x'.repeat(LIMITS.maxFrameBytes) });
    expect(await err).toMatchObject({ code: 'frame_too_large' });
    await stillUp(socket);
    socket.close();
  });

  it('closes with 1009 above the hard transport limit, and the server stays up', async () => {
    const { socket } = await connectVisitor(server);
    socket.sendRaw('x'.repeat(LIMITS.hardMaxFrameBytes + 1));
    expect((await socket.waitClose()).code).toBe(1009);
    const again = await connectVisitor(server);
    await stillUp(again.socket);
    again.socket.close();
  });

  it('refuses binary frames with a typed error', async () => {
    const { socket } = await connectVisitor(server);
    const err = socket.nextOfType('error');
    socket.sendRaw(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    expect(await err).toMatchObject({ code: 'binary_not_supported' });
    await stillUp(socket);
    socket.close();
  });

  it('refuses sends before hello', async () => {
    const socket = await TestSocket.open(visitorUrl(server), { Origin: server.origin });
    const clientId = cid();
    const err = socket.nextOfType('error');
    socket.send({ type: 'message.send', clientId, text: 'hola' });
    expect(await err).toMatchObject({ code: 'not_ready', ref: clientId });
    socket.close();
  });

  it('closes with 4426 for an unsupported protocol version', async () => {
    const socket = await TestSocket.open(visitorUrl(server), { Origin: server.origin });
    const err = socket.nextOfType('error');
    socket.send({ type: 'hello', v: PROTOCOL_VERSION + 1 });
    expect(await err).toMatchObject({ code: 'unsupported_version' });
    expect((await socket.waitClose()).code).toBe(4426);
  });
});
