/**
 * A browser WebSocket that stays connected: exponential backoff with full jitter, an
 * application-level heartbeat (browsers cannot send WebSocket pings), immediate retry when the
 * browser comes back online, and no retry after a fatal close code. Frames are parsed with the
 * schema parser it is given. Used by the widget and the console.
 */
import { isFatalClose } from './errors';
import { HEARTBEAT } from './limits';
import type { ParseResult } from './protocol';

export type SocketStatus = 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed';

export interface ReconnectingSocketOptions<F> {
  url: () => string;
  parse: (raw: unknown) => ParseResult<F>;
  /** Called on every (re)connect, before anything else is sent: say hello here. */
  onOpen(): void;
  onFrame(frame: F): void;
  onStatus?(status: SocketStatus): void;
  /** The server closed with a 4xxx code: the socket stops until `start()` is called again. */
  onFatal?(code: number, reason: string): void;
  baseDelayMs?: number;
  maxDelayMs?: number;
  heartbeat?: { intervalMs: number; deadAfterMs: number };
  random?: () => number;
}

/** Full-jitter backoff: a random delay in [0, min(max, base·2^attempt)], never below 100 ms. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.max(100, Math.floor(random() * ceiling));
}

export class ReconnectingSocket<F> {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private beatTimer: ReturnType<typeof setInterval> | null = null;
  private lastHeard = 0;
  private stopped = true;
  private statusValue: SocketStatus = 'closed';
  private readonly onOnline = () => this.reconnectNow();
  private readonly onOffline = () => {
    // The socket may look open but nothing will flow: drop it and wait for 'online'.
    this.setStatus('offline');
    this.ws?.close(4000, 'offline');
  };

  constructor(private readonly opts: ReconnectingSocketOptions<F>) {}

  get status(): SocketStatus {
    return this.statusValue;
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    addEventListener('online', this.onOnline);
    addEventListener('offline', this.onOffline);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    removeEventListener('online', this.onOnline);
    removeEventListener('offline', this.onOffline);
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, 'client stopped');
    this.setStatus('closed');
  }

  /** Sends a frame if the socket is open; returns false otherwise (the caller keeps it queued). */
  send(frame: object): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || this.statusValue !== 'open') return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Marks the session healthy (e.g. after `welcome`): the next outage starts backoff afresh. */
  resetBackoff(): void {
    this.attempt = 0;
  }

  /** Drops the current socket (if any) and connects at once. */
  reconnectNow(): void {
    if (this.stopped) return;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.close(4000, 'reconnecting');
    }
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    this.setStatus(this.attempt === 0 && this.statusValue !== 'reconnecting' ? 'connecting' : 'reconnecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.opts.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      this.setStatus('open');
      this.startHeartbeat(ws);
      this.opts.onOpen();
    };
    ws.onmessage = (e: MessageEvent) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      const parsed = this.opts.parse(e.data);
      if (parsed.ok) this.opts.onFrame(parsed.frame);
    };
    ws.onclose = (e: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.clearTimers();
      if (isFatalClose(e.code)) {
        this.stopped = true;
        this.setStatus('closed');
        this.opts.onFatal?.(e.code, e.reason);
        return;
      }
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.setStatus(typeof navigator !== 'undefined' && navigator.onLine === false ? 'offline' : 'reconnecting');
    const delay = backoffDelay(this.attempt++, this.opts.baseDelayMs ?? 500, this.opts.maxDelayMs ?? 30_000, this.opts.random);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private startHeartbeat(ws: WebSocket): void {
    const hb = this.opts.heartbeat ?? HEARTBEAT;
    this.beatTimer = setInterval(() => {
      if (this.ws !== ws) return;
      if (Date.now() - this.lastHeard > hb.deadAfterMs) {
        // Silent for too long: the connection is dead even if the browser has not noticed.
        this.reconnectNow();
        return;
      }
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ping', t: Date.now() }));
    }, hb.intervalMs);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.beatTimer) clearInterval(this.beatTimer);
    this.retryTimer = null;
    this.beatTimer = null;
  }

  private setStatus(status: SocketStatus): void {
    if (status === this.statusValue) return;
    this.statusValue = status;
    this.opts.onStatus?.(status);
  }
}
