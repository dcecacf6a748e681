/**
 * Mostrador behind nginx and behind Caddy with TLS, each configured exactly as docs/deploy.md
 * says: the widget and the console work through it, the embed snippet points at the public https
 * address, and one client's failed sign-ins do not lock out everyone else behind the same proxy.
 * A proxy that is not installed is skipped with a warning locally; under CI=true it fails. Last,
 * nginx with docs/nginx-multinode.conf in front of two nodes on PostgreSQL and Redis.
 */
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { CADDY, startCaddy } from '../helpers/caddy';
import { NGINX, startNginx, startNginxNodes } from '../helpers/nginx';
import { startCluster, type TestCluster } from '../helpers/cluster';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket, cid, csrfOf, signIn as signInDirect, type Frame } from '../helpers/ws-client';

/** What the suite needs of a running proxy. */
interface RunningProxy {
  port: number;
  origin: string;
  stop(): Promise<void>;
}

const PROXIES = [
  { name: 'nginx', installed: Boolean(NGINX), start: startNginx as (upstream: number) => Promise<RunningProxy> },
  { name: 'Caddy', installed: Boolean(CADDY), start: startCaddy as (upstream: number) => Promise<RunningProxy> },
];
for (const p of PROXIES) {
  if (!p.installed && !process.env.CI) console.warn(`${p.name} is not installed: the tests of docs/deploy.md's ${p.name} configuration are skipped (apt-get install -y ${p.name.toLowerCase()})`);
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTPS request through nginx, from `from` (a loopback address: a different client each). */
function call(proxy: RunningProxy, method: string, path: string, opts: { from?: string; headers?: Record<string, string>; json?: unknown } = {}): Promise<Reply> {
  return new Promise((done, fail) => {
    const body = opts.json === undefined ? undefined : JSON.stringify(opts.json);
    const req = request(
      {
        host: '127.0.0.1',
        port: proxy.port,
        path,
        method,
        rejectUnauthorized: false,
        agent: false,
        ...(opts.from ? { localAddress: opts.from } : {}),
        headers: { Origin: proxy.origin, ...(body ? { 'Content-Type': 'application/json' } : {}), ...opts.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.once('error', fail);
    req.end(body);
  });
}

async function signIn(proxy: RunningProxy, from: string, email: string, password: string) {
  const res = await call(proxy, 'POST', '/api/agent/session', { from, json: { email, password } });
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return { res, setCookie, cookie: setCookie[0]?.split(';')[0] ?? '' };
}

function openWs(proxy: RunningProxy, path: string, headers: Record<string, string>): Promise<TestSocket> {
  return TestSocket.open(`wss://127.0.0.1:${proxy.port}${path}`, { Origin: proxy.origin, ...headers }, { rejectUnauthorized: false });
}

describe.each(PROXIES.filter((p) => p.installed || process.env.CI))('behind $name (docs/deploy.md)', ({ start }) => {
  let server: TestServer;
  let proxy: RunningProxy;

  beforeAll(async () => {
    // The proxy needs the upstream port before the server knows PUBLIC_URL: start, learn, restart.
    const probe = await startTestServer();
    const port = probe.port;
    await probe.close();
    proxy = await start(port);
    server = await startTestServer({ dataDir: probe.dataDir, env: { PORT: String(port), PUBLIC_URL: proxy.origin, TRUST_PROXY: '1' } });
  }, 30_000);
  afterAll(async () => {
    await proxy?.stop();
    await server?.destroy();
  });

  it('gives the console an https embed snippet that loads through the proxy', async () => {
    const { res, setCookie, cookie } = await signIn(proxy, '127.0.0.2', 'ana@example.com', 'mostrador');
    expect(res.status).toBe(200);
    // The session cookie is Secure: the browser reached us over https.
    expect(setCookie[0]).toMatch(/;\s*Secure/i);
    const site = await call(proxy, 'GET', '/api/agent/admin/site', { from: '127.0.0.2', headers: { Cookie: cookie } });
    expect(site.status).toBe(200);
    const snippet = (JSON.parse(site.body) as { snippet: string }).snippet;
    const src = /src="([^"]+)"/.exec(snippet)?.[1];
    expect(src).toBe(`${proxy.origin}/widget.js`);
    const loader = await call(proxy, 'GET', new URL(src!).pathname);
    expect(loader.status).toBe(200);
    expect(loader.headers['content-type']).toMatch(/javascript/);
  });

  it('carries a shopper message to an agent and the reply back over wss', async () => {
    const { cookie } = await signIn(proxy, '127.0.0.2', 'ana@example.com', 'mostrador');
    const agent = await openWs(proxy, '/ws/agent', { Cookie: cookie });
    const agentWelcome = agent.nextOfType('welcome');
    agent.send({ type: 'hello', v: PROTOCOL_VERSION });
    await agentWelcome;
    const visitor = await openWs(proxy, '/ws/visitor?site=pk_demo', {});
    const welcome = visitor.nextOfType('welcome');
    visitor.send({ type: 'hello', v: PROTOCOL_VERSION });
    await welcome;
    const clientId = cid();
    const ack = visitor.next((f) => f.type === 'ack' && f.clientId === clientId);
    const seen = agent.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === clientId);
    visitor.send({ type: 'message.send', clientId, text: 'hola desde https' });
    const conversationId = (await ack).conversationId as string;
    expect(((await seen).message as Frame).text).toBe('hola desde https');
    const take = cid('take');
    const taken = agent.next((f) => f.type === 'ack' && f.clientId === take);
    agent.send({ type: 'conversation.action', clientId: take, conversationId, action: 'take' });
    await taken;
    const reply = cid('reply');
    const delivered = visitor.next((f) => f.type === 'message.created' && (f.message as Frame).text === 'hola, te atiendo');
    agent.send({ type: 'message.send', conversationId, clientId: reply, text: 'hola, te atiendo' });
    await delivered;
    agent.close();
    visitor.close();
  });

  it('limits failed sign-ins per client, not per proxy: a real admin still signs in', async () => {
    // 50 failures from one client (different emails, so only the per-address limit counts).
    for (let i = 0; i < 50; i++) {
      const { res } = await signIn(proxy, '127.0.0.5', `nobody${i}@example.com`, 'wrong password');
      expect(res.status).toBe(401);
    }
    const blocked = await signIn(proxy, '127.0.0.5', 'nobody-more@example.com', 'wrong password');
    expect(blocked.res.status).toBe(429);
    // The attacker cannot escape by claiming another address: the proxy appends (nginx) or sets (Caddy) the real one.
    const spoofed = await call(proxy, 'POST', '/api/agent/session', { from: '127.0.0.5', headers: { 'X-Forwarded-For': '127.0.0.9' }, json: { email: 'x@example.com', password: 'nope' } });
    expect(spoofed.status).toBe(429);
    // Another client behind the same proxy is not locked out.
    const admin = await signIn(proxy, '127.0.0.6', 'ana@example.com', 'mostrador');
    expect(admin.res.status).toBe(200);
  }, 60_000);
});

/**
 * docs/nginx-multinode.conf in front of two nodes sharing PostgreSQL and Redis (no sticky
 * sessions): the agent's and the shopper's sockets land on different nodes and still talk; when
 * one node is killed, the clients on it reconnect through nginx to the other, and the chat goes on.
 */
describe.runIf(NGINX || process.env.CI)('nginx in front of two nodes (docs/nginx-multinode.conf)', () => {
  let cluster: TestCluster;
  let proxy: RunningProxy;

  beforeAll(async () => {
    cluster = await startCluster(2, { env: { TRUST_PROXY: '1' } });
    const n1 = cluster.nodes[0]!;
    const cookie = await signInDirect(n1);
    const res = await fetch(`${n1.origin}/api/agent/admin/site`, {
      method: 'PATCH',
      headers: { Cookie: cookie, Origin: n1.origin, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfOf(cookie) },
      body: JSON.stringify({ botEnabled: false, hours: null, routingMode: 'manual' }),
    });
    expect(res.status).toBe(200);
    proxy = await startNginxNodes(cluster.nodes.map((n) => n.port));
  }, 60_000);
  afterAll(async () => {
    await proxy?.stop();
    await cluster?.destroy();
  });

  const connections = async (node: { origin: string }) => ((await (await fetch(`${node.origin}/healthz`)).json()) as { connections: number }).connections;

  async function visitorHello(token?: string) {
    const socket = await openWs(proxy, '/ws/visitor?site=pk_demo', {});
    const welcome = socket.nextOfType('welcome');
    socket.send({ type: 'hello', v: PROTOCOL_VERSION, ...(token ? { token } : {}) });
    return { socket, welcome: await welcome };
  }

  async function agentHello(cookie: string) {
    const socket = await openWs(proxy, '/ws/agent', { Cookie: cookie });
    const welcome = socket.nextOfType('welcome');
    socket.send({ type: 'hello', v: PROTOCOL_VERSION });
    await welcome;
    return socket;
  }

  it('spreads the sockets over both nodes, carries the chat between them, and survives kill -9 of one', async () => {
    const { cookie } = await signIn(proxy, '127.0.0.2', 'ana@example.com', 'mostrador');
    let agent = await agentHello(cookie);
    let visitor = await visitorHello();
    const token = visitor.welcome.token as string;
    // least_conn: the second socket went to the node without one.
    expect(await Promise.all(cluster.nodes.map(connections))).toEqual([1, 1]);

    const clientId = cid();
    const ack = visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
    const seen = agent.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === clientId);
    visitor.socket.send({ type: 'message.send', clientId, text: 'hola entre nodos' });
    const conversationId = (await ack).conversationId as string;
    expect(((await seen).message as Frame).text).toBe('hola entre nodos');
    const take = cid('take');
    const taken = agent.next((f) => f.type === 'ack' && f.clientId === take);
    agent.send({ type: 'conversation.action', clientId: take, conversationId, action: 'take' });
    await taken;

    // kill -9 of node 1: whoever was on it reconnects through nginx, to node 2.
    const [n1] = cluster.nodes;
    n1!.proc.kill('SIGKILL');
    await n1!.exited;
    const agentGone = agent.waitClose().then(() => true);
    const visitorGone = visitor.socket.waitClose().then(() => true);
    // One of the two was on node 1 (the other is still open: it answers a round trip).
    const [agentOnDead, visitorOnDead] = await Promise.all([
      Promise.race([agentGone, agent.roundTrip().then(() => false)]),
      Promise.race([visitorGone, visitor.socket.roundTrip().then(() => false)]),
    ]);
    expect([agentOnDead, visitorOnDead].filter(Boolean)).toHaveLength(1);
    if (agentOnDead) agent = await agentHello(cookie);
    if (visitorOnDead) {
      visitor = await visitorHello(token);
      expect(visitor.welcome.visitorId).toBeDefined();
      expect((visitor.welcome.conversations as { id: string }[]).map((c) => c.id)).toContain(conversationId);
    }

    const again = cid();
    const seenAgain = agent.next((f) => f.type === 'message.created' && (f.message as Frame).clientId === again);
    visitor.socket.send({ type: 'message.send', clientId: again, conversationId, text: 'sigo aquí' });
    expect(((await seenAgain).message as Frame).text).toBe('sigo aquí');
    const reply = cid('reply');
    const delivered = visitor.socket.next((f) => f.type === 'message.created' && (f.message as Frame).text === 'te leo');
    agent.send({ type: 'message.send', conversationId, clientId: reply, text: 'te leo' });
    await delivered;
    agent.close();
    visitor.socket.close();
  }, 60_000);
});
