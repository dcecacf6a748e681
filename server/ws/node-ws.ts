/**
 * WebSockets for Hono on Node, lean enough for many idle shoppers. It works like
 * @hono/node-ws (whose design it follows: the upgrade request goes through the Hono app, so the
 * routes' checks — site key, Origin, agent session — run as middleware; `ws` completes the
 * handshake only for requests a route accepted), with two differences that matter at 10,000
 * sockets:
 *  - nothing of the request's Hono context (Request, Headers, Context, a URL) stays reachable
 *    from an open socket: the socket is attached by a module-level function that only sees `ws`
 *    and the route's events (about 8 KiB less per idle connection, measured with the bench);
 *  - messages are handed to the events as `{ data }` without building a DOM MessageEvent each.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Hono } from 'hono';
import { defineWebSocketHelper, type WSContext, type WSEvents } from 'hono/ws';
import { WebSocketServer, type WebSocket } from 'ws';

type AnyHono = Pick<Hono<any>, 'request'>; // eslint-disable-line @typescript-eslint/no-explicit-any

function attach(ws: WebSocket, events: WSEvents<WebSocket>, report: (err: unknown) => void): void {
  const ctx = {
    raw: ws,
    binaryType: 'arraybuffer',
    protocol: ws.protocol,
    url: null,
    get readyState() {
      return ws.readyState;
    },
    send(source: string | ArrayBuffer | Uint8Array, opts?: { compress?: boolean }) {
      ws.send(source, { compress: opts?.compress === true });
    },
    close(code?: number, reason?: string) {
      ws.close(code, reason);
    },
  } as unknown as WSContext<WebSocket>;
  try {
    events.onOpen?.(new Event('open'), ctx);
  } catch (err) {
    report(err);
  }
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const payload = isBinary ? buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) : buf.toString('utf8');
    try {
      events.onMessage?.({ data: payload } as MessageEvent, ctx);
    } catch (err) {
      report(err);
    }
  });
  ws.on('close', (code: number, reason: Buffer) => {
    try {
      events.onClose?.({ code, reason: reason.toString(), wasClean: code === 1000 } as CloseEvent, ctx);
    } catch (err) {
      report(err);
    }
  });
  ws.on('error', (error: Error) => {
    try {
      events.onError?.(new ErrorEvent('error', { error }), ctx);
    } catch (err) {
      report(err);
    }
  });
}

export function createWebSockets(init: { app: AnyHono; logger: { error(obj: object, msg: string): void } }) {
  const report = (err: unknown) => init.logger.error({ err }, 'websocket event handler failed');
  const wss = new WebSocketServer({ noServer: true });
  /** Upgrade requests a route accepted, with its events, until `ws` completes the handshake. */
  const accepted = new WeakMap<IncomingMessage, WSEvents<WebSocket>>();

  const upgradeWebSocket = defineWebSocketHelper<WebSocket>(async (c, events) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') return;
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (!incoming) return;
    accepted.set(incoming, events);
    return new Response();
  });

  /** `server`: what @hono/node-server's serve() returns (an http.Server here). */
  function injectWebSocket(server: import('@hono/node-server').ServerType): void {
    (server as Server).on('upgrade', async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const headers = new Headers();
      for (const [key, value] of Object.entries(request.headers)) {
        if (value) headers.append(key, Array.isArray(value) ? value[0]! : value);
      }
      let status = 500;
      try {
        const response = await init.app.request(new URL(request.url ?? '/', 'http://localhost'), { headers }, { incoming: request, outgoing: undefined });
        status = response.status;
      } catch (err) {
        report(err); // and answered below as a failed upgrade (500)
      }
      const events = accepted.get(request);
      accepted.delete(request);
      if (!events) {
        socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        wss.emit('connection', ws, request);
        attach(ws, events, report);
      });
    });
  }

  return { wss, upgradeWebSocket, injectWebSocket };
}
