/**
 * One WebSocket connection as the gateway sees it: typed sends with a buffered-bytes cap,
 * frames handled one at a time in arrival order, bus subscriptions released on close, and a
 * liveness flag for the heartbeat sweep.
 */
import type { WebSocket } from 'ws';
import type { ServerFrame } from '../../shared/protocol';
import type { Bus, BusEvent } from '../bus/bus';
import type { Logger } from '../logger';

/** A reader that lets this much pile up in its send buffer is cut off (it would grow forever). */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
let maxBufferedBytes = MAX_BUFFERED_BYTES;

/**
 * Sets the cut-off for this process (config WS_MAX_BUFFERED_BYTES). It counts what `ws` still
 * holds in user space; the kernel's socket buffers (several MiB on loopback) come on top.
 */
export function setMaxBufferedBytes(bytes: number): void {
  maxBufferedBytes = bytes;
}
/** Frames waiting behind the one being handled; beyond this the client is flooding us. */
export const MAX_QUEUED_FRAMES = 256;

type CorkableSocket = { cork(): void; uncork(): void };

/** Connections corked this turn: one immediate uncorks them all. */
const corkedThisTurn: Connection[] = [];

function uncorkAll(): void {
  for (const connection of corkedThisTurn.splice(0)) connection.uncork();
}

export class Connection {
  /** Set by any frame or pong from the peer; cleared by each heartbeat sweep. */
  alive = true;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private readonly unsubscribers: (() => void)[] = [];
  private readonly topics = new Set<string>();
  /** One listener per connection, so a frame published to several of its topics arrives once. */
  private readonly listener = (event: { json: string }) => this.sendJson(event.json);
  private closed = false;
  /** The socket corked this turn (its writes leave together when uncorkAll runs), or null. */
  private corked: CorkableSocket | null = null;
  /** Set by end(): frames still queued or arriving are dropped, nothing more is sent. */
  private ended = false;

  constructor(
    readonly raw: WebSocket,
    private readonly logger: Logger,
  ) {
    raw.on('pong', () => {
      this.alive = true;
    });
  }

  get isOpen(): boolean {
    return !this.ended && !this.closed && this.raw.readyState === this.raw.OPEN;
  }

  /** False once end() was called: the connection takes no more frames. */
  get accepting(): boolean {
    return !this.ended && !this.closed;
  }

  /** This turn's writes to the socket leave (uncorkAll). */
  uncork(): void {
    this.corked?.uncork();
    this.corked = null;
  }

  /** Sends a typed frame. */
  send(frame: ServerFrame): void {
    this.sendJson(JSON.stringify(frame));
  }

  /** Sends an already-serialised frame (bus events are serialised once for all subscribers). */
  sendJson(json: string): void {
    if (!this.isOpen) return;
    if (this.raw.bufferedAmount > maxBufferedBytes) {
      this.logger.warn({ buffered: this.raw.bufferedAmount, limit: maxBufferedBytes }, 'slow consumer cut off');
      this.raw.terminate();
      return;
    }
    // Everything sent to this socket in one event-loop turn leaves in one write (one syscall).
    const socket = (this.raw as unknown as { _socket?: CorkableSocket })._socket;
    if (socket && !this.corked) {
      this.corked = socket;
      socket.cork();
      if (corkedThisTurn.push(this) === 1) setImmediate(uncorkAll);
    }
    this.raw.send(json);
  }

  /**
   * Runs `task` after every earlier frame's task has finished: a client's frames take effect
   * in the order it sent them. Returns false (and runs nothing) when the queue is full.
   */
  enqueue(task: () => Promise<void>): boolean {
    if (this.queued >= MAX_QUEUED_FRAMES) return false;
    this.queued++;
    this.chain = this.chain
      .then(() => (this.ended ? undefined : task()))
      .catch((err: unknown) => this.logger.error({ err }, 'frame handler failed'))
      .finally(() => {
        this.queued--;
      });
    return true;
  }

  /** `listener`: what hears the topic instead of sending every frame as it is (an agent's scope). */
  subscribe(bus: Bus, topic: string, listener: (event: BusEvent) => void = this.listener): void {
    if (this.closed || this.topics.has(topic)) return;
    this.topics.add(topic);
    this.unsubscribers.push(bus.subscribe(topic, listener));
  }

  close(code: number, reason: string): void {
    if (this.raw.readyState === this.raw.OPEN || this.raw.readyState === this.raw.CONNECTING) this.raw.close(code, reason);
  }

  /**
   * Ends the connection for good (its session ended): from now on no frame is handled and
   * nothing is sent, the socket closes with `code`, and the promise resolves once the frame
   * being handled at this moment (if any) has finished — after it, nothing of this connection
   * touches the store.
   */
  end(code: number, reason: string): Promise<void> {
    this.ended = true;
    this.close(code, reason);
    return this.chain;
  }

  /** Releases subscriptions; called once when the socket closes. */
  dispose(): void {
    this.closed = true;
    for (const off of this.unsubscribers.splice(0)) off();
  }
}

/** Tracks open connections and terminates the ones that stop answering pings. */
export class Heartbeat {
  private readonly connections = new Set<Connection>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs: number) {}

  add(conn: Connection): void {
    this.connections.add(conn);
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), this.intervalMs);
      this.timer.unref();
    }
  }

  delete(conn: Connection): void {
    this.connections.delete(conn);
  }

  get size(): number {
    return this.connections.size;
  }

  all(): Iterable<Connection> {
    return this.connections;
  }

  private sweep(): void {
    for (const conn of this.connections) {
      if (!conn.alive) {
        conn.raw.terminate();
        continue;
      }
      conn.alive = false;
      try {
        conn.raw.ping();
      } catch {
        conn.raw.terminate();
      }
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
