import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server';
import { connectAgent, connectVisitor, signIn } from '../helpers/ws-client';

describe('shutdown', () => {
  it('does not hang on a client that stopped reading, and tells the others to reconnect', async () => {
    const server = await startTestServer();
    const stalled = await connectVisitor(server);
    const other = await connectAgent(server, await signIn(server));
    (stalled.socket.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const started = Date.now();
    await server.destroy();
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await other.socket.waitClose()).code).toBe(1001);
    stalled.socket.terminate();
  });
});
