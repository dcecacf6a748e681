/**
 * The baseline: a raw `ws` relay with no persistence, validation or business logic, speaking
 * just enough of the Mostrador protocol for the load generator. It accepts the same URLs,
 * answers `hello` with `welcome`, acks `message.send` at once and fans each message out the way
 * the real server does: `message.created` to the sender's socket and to the agent sockets that
 * have the conversation open (`watch`), or to every agent socket that never sent `watch`.
 * Whatever the real server costs beyond this is the price of SQLite, validation and routing.
 *
 *   PORT=8788 node --import tsx bench/baseline-relay.ts
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const port = Number(process.env.PORT ?? 8788);
const host = process.env.HOST ?? '127.0.0.1';
const COOKIE = 'mostrador_session=baseline';

const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
/** Agent sockets and the conversations each has open (null: it hears everything). */
const agents = new Map<WebSocket, Set<string> | null>();
let visitorCount = 0;
let messageCount = 0;

interface ClientFrame {
  type?: string;
  conversationIds?: string[];
  clientId?: string;
  text?: string;
  t?: number;
}

function visitor(ws: WebSocket): void {
  const n = ++visitorCount;
  const visitorId = `vi_${n}`;
  const conversationId = `cv_${n}`;
  let seq = 0;
  ws.on('message', (data) => {
    let frame: ClientFrame;
    try {
      frame = JSON.parse(data.toString()) as ClientFrame;
    } catch {
      return;
    }
    if (frame.type === 'hello') {
      ws.send(JSON.stringify({ type: 'welcome', v: 1, token: `tok_${n}`, visitorId, conversations: [] }));
    } else if (frame.type === 'message.send' && frame.clientId) {
      const createdAt = Date.now();
      const id = `msg_${++messageCount}`;
      seq++;
      ws.send(JSON.stringify({ type: 'ack', clientId: frame.clientId, conversationId, messageId: id, seq, createdAt, duplicate: false }));
      const json = JSON.stringify({
        type: 'message.created',
        message: { id, conversationId, seq, clientId: frame.clientId, author: { kind: 'visitor', id: visitorId }, text: frame.text ?? '', createdAt },
      });
      ws.send(json);
      for (const [agent, open] of agents) if (!open || open.has(conversationId)) agent.send(json);
    } else if (frame.type === 'ping') {
      ws.send(JSON.stringify({ type: 'pong', ...(frame.t !== undefined ? { t: frame.t } : {}) }));
    }
  });
}

function agent(ws: WebSocket): void {
  ws.on('message', (data) => {
    let frame: ClientFrame;
    try {
      frame = JSON.parse(data.toString()) as ClientFrame;
    } catch {
      return;
    }
    if (frame.type === 'hello') {
      agents.set(ws, null);
      ws.send(JSON.stringify({ type: 'welcome', v: 1, agent: { id: 'ag_1', name: 'Ana', email: 'ana@example.com', role: 'admin' }, conversations: [] }));
    } else if (frame.type === 'watch' && Array.isArray(frame.conversationIds)) {
      agents.set(ws, new Set(frame.conversationIds));
    }
  });
  ws.on('close', () => agents.delete(ws));
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true, connections: wss.clients.size }));
  } else if (req.method === 'POST' && req.url === '/api/agent/session') {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/json', 'Set-Cookie': `${COOKIE}; Path=/; HttpOnly` }).end('{}');
  } else {
    res.writeHead(404).end();
  }
});

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url ?? '/', 'http://relay');
  const kind = url.pathname === '/ws/visitor' && url.searchParams.get('site') === 'pk_demo' ? 'visitor' : url.pathname === '/ws/agent' ? 'agent' : null;
  if (!kind) {
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => (kind === 'visitor' ? visitor(ws) : agent(ws)));
});

server.listen(port, host, () => {
  console.log(JSON.stringify({ msg: 'baseline relay listening', url: `http://${host}:${port}` }));
});

const stop = () => {
  for (const ws of wss.clients) ws.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
