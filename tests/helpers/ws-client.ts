/**
 * A protocol-speaking test client over a real WebSocket (the `ws` package): it records every
 * frame and lets a test await the next one that matches.
 */
import { WebSocket, type ClientOptions } from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol';

export type Frame = { type: string; [key: string]: unknown };

export class TestSocket {
  readonly frames: Frame[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void; from: number }[] = [];
  closed: { code: number; reason: string } | null = null;
  private closeWaiters: ((c: { code: number; reason: string }) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const frame = JSON.parse(isBinary ? Buffer.from(data as Buffer).toString() : data.toString()) as Frame;
      this.frames.push(frame);
      const index = this.frames.length - 1;
      this.waiters = this.waiters.filter((w) => {
        if (index >= w.from && w.match(frame)) {
          w.resolve(frame);
          return false;
        }
        return true;
      });
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const fn of this.closeWaiters.splice(0)) fn(this.closed);
    });
  }

  /** Opens a socket; rejects with the HTTP status if the upgrade is refused. */
  static open(url: string, headers: Record<string, string> = {}, options: ClientOptions = {}): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { ...options, headers });
      const socket = new TestSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', (err) => reject(err));
    });
  }

  send(frame: object): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** Resolves with the first frame (received from now on, or already since `fromIndex`) that matches. */
  next(match: (f: Frame) => boolean, timeoutMs = 5000, fromIndex = this.frames.length): Promise<Frame> {
    const existing = this.frames.slice(fromIndex).find(match);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for frame; got ${JSON.stringify(this.frames.slice(fromIndex)).slice(0, 500)}`)), timeoutMs);
      this.waiters.push({
        match,
        from: fromIndex,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  /**
   * A round trip: sends a ping and waits for its pong. The server handles a socket's frames in
   * order (a shopper's message including the assistant's turn), and TCP keeps the order of what
   * it sends: every frame the server sent this socket before handling the ping has arrived.
   */
  async roundTrip(timeoutMs = 5000): Promise<void> {
    const t = Date.now() + Math.random();
    const pong = this.next((f) => f.type === 'pong' && f.t === t, timeoutMs);
    this.send({ type: 'ping', t });
    await pong;
  }

  nextOfType(type: string, timeoutMs?: number): Promise<Frame> {
    return this.next((f) => f.type === type, timeoutMs);
  }

  waitClose(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.closeWaiters.push((c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
  }

  close(): void {
    this.ws.close();
  }

  terminate(): void {
    this.ws.terminate();
  }
}

export function visitorUrl(server: { port: number }, siteKey = 'pk_demo'): string {
  return `ws://127.0.0.1:${server.port}/ws/visitor?site=${siteKey}`;
}

/** Connects a visitor and completes hello/welcome. */
export async function connectVisitor(server: { port: number; origin: string }, opts: { token?: string; origin?: string; locale?: 'es' | 'en' } = {}) {
  const socket = await TestSocket.open(visitorUrl(server), { Origin: opts.origin ?? server.origin });
  const welcome = socket.nextOfType('welcome');
  socket.send({ type: 'hello', v: PROTOCOL_VERSION, ...(opts.token ? { token: opts.token } : {}), ...(opts.locale ? { locale: opts.locale } : {}) });
  const w = await welcome;
  return { socket, token: w.token as string, visitorId: w.visitorId as string, welcome: w };
}

/** Signs an agent in over HTTP and returns the session cookie header (its CSRF token: csrfOf). */
export async function signIn(server: { origin: string }, email = 'ana@example.com', password = 'mostrador'): Promise<string> {
  const res = await fetch(`${server.origin}/api/agent/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: server.origin },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status}`);
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('no session cookie');
  const session = cookie.split(';')[0]!;
  csrfTokens.set(session, ((await res.json()) as { csrfToken: string }).csrfToken);
  return session;
}

const csrfTokens = new Map<string, string>();

/** The CSRF token of a session `signIn` opened: state-changing /api/agent requests send it in X-CSRF-Token. */
export function csrfOf(cookie: string): string {
  const token = csrfTokens.get(cookie);
  if (!token) throw new Error('no CSRF token for this session: sign in with signIn()');
  return token;
}

export async function connectAgent(server: { port: number; origin: string }, cookie: string) {
  const socket = await TestSocket.open(`ws://127.0.0.1:${server.port}/ws/agent`, { Origin: server.origin, Cookie: cookie });
  const welcome = socket.nextOfType('welcome');
  socket.send({ type: 'hello', v: PROTOCOL_VERSION });
  return { socket, welcome: await welcome };
}

let counter = 0;
/** A unique, valid clientId. */
export function cid(prefix = 'c'): string {
  counter++;
  return `${prefix}${Date.now().toString(36)}${counter.toString(36)}xxxxxx`.slice(0, 40);
}

/** A shopper who wrote `text` and then left `email` (the offline form): their socket and conversation. */
export async function shopperWithEmail(server: { port: number; origin: string }, email: string, text: string) {
  const visitor = await connectVisitor(server);
  const clientId = cid();
  visitor.socket.send({ type: 'message.send', clientId, text });
  const ack = await visitor.socket.next((f) => f.type === 'ack' && f.clientId === clientId);
  visitor.socket.send({ type: 'profile', email });
  await visitor.socket.nextOfType('profile.saved');
  return { ...visitor, conversationId: ack.conversationId as string };
}
