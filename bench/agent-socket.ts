/**
 * A lean WebSocket client (RFC 6455) for the agent side of the load generator. With M agents
 * every message becomes M frames, so the agent receive path dominates the generator's CPU.
 * The `ws` package emits one event and one Buffer per frame; this client instead walks the
 * frames of each TCP chunk in place and hands the payload range to a callback, so a 2-core
 * machine can absorb the fan-out without the generator becoming the bottleneck.
 *
 * It speaks the real protocol on the wire: upgrade with Origin and Cookie, masked client
 * frames, pong on ping, close handshake. Server frames are never fragmented by `ws` (the
 * library behind both the Mostrador server and the baseline relay); a fragmented or masked
 * server frame is reported as a protocol error.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface AgentSink {
  /** A text frame: `buf[start, end)` is its UTF-8 payload; `nowUs` is when its TCP chunk arrived. */
  onText(buf: Buffer, start: number, end: number, nowUs: number): void;
  onClose(code: number): void;
  onProtocolError(message: string): void;
}

export class LeanSocket {
  private leftover: Buffer | null = null;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly sink: AgentSink,
    private readonly now: () => number,
    head: Buffer,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.finish(1006));
    socket.on('error', () => this.finish(1006));
    if (head.length > 0) this.onData(head);
  }

  sendText(text: string): void {
    this.sendFrame(0x1, Buffer.from(text, 'utf8'));
  }

  close(code = 1000): void {
    if (this.closed) return;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code, 0);
    this.sendFrame(0x8, payload);
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  terminate(): void {
    this.socket.destroy();
  }

  private finish(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.onClose(code);
  }

  private sendFrame(opcode: number, payload: Buffer): void {
    if (this.closed || this.socket.destroyed) return;
    const len = payload.length;
    const headerLen = len < 126 ? 2 : len < 65536 ? 4 : 10;
    const frame = Buffer.allocUnsafe(headerLen + 4 + len);
    frame[0] = 0x80 | opcode;
    if (len < 126) frame[1] = 0x80 | len;
    else if (len < 65536) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(len, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeUInt32BE(0, 2);
      frame.writeUInt32BE(len, 6);
    }
    const mask = randomBytes(4);
    mask.copy(frame, headerLen);
    for (let i = 0; i < len; i++) frame[headerLen + 4 + i] = payload[i]! ^ mask[i & 3]!;
    this.socket.write(frame);
  }

  private onData(chunk: Buffer): void {
    const nowUs = this.now();
    let buf = chunk;
    if (this.leftover) {
      buf = Buffer.concat([this.leftover, chunk]);
      this.leftover = null;
    }
    let i = 0;
    const n = buf.length;
    while (i + 2 <= n) {
      const b0 = buf[i]!;
      const b1 = buf[i + 1]!;
      let len = b1 & 0x7f;
      let header = 2;
      if (len === 126) {
        if (i + 4 > n) break;
        len = buf.readUInt16BE(i + 2);
        header = 4;
      } else if (len === 127) {
        if (i + 10 > n) break;
        len = buf.readUInt32BE(i + 2) * 2 ** 32 + buf.readUInt32BE(i + 6);
        header = 10;
      }
      if (i + header + len > n) break;
      const start = i + header;
      const end = start + len;
      i = end;
      if ((b1 & 0x80) !== 0 || (b0 & 0x80) === 0) {
        this.sink.onProtocolError('masked or fragmented server frame');
        continue;
      }
      switch (b0 & 0x0f) {
        case 0x1:
          this.sink.onText(buf, start, end, nowUs);
          break;
        case 0x8: {
          const code = len >= 2 ? buf.readUInt16BE(start) : 1005;
          this.close(code === 1005 ? 1000 : code);
          this.finish(code);
          break;
        }
        case 0x9:
          this.sendFrame(0xa, buf.subarray(start, end));
          break;
        case 0xa:
          break;
        default:
          this.sink.onProtocolError(`unexpected opcode ${b0 & 0x0f}`);
      }
    }
    if (i < n) this.leftover = Buffer.from(buf.subarray(i));
  }
}

/** Opens a WebSocket; rejects with the HTTP status when the upgrade is refused. */
export function openLeanSocket(url: string, headers: Record<string, string>, sink: AgentSink, now: () => number): Promise<LeanSocket> {
  const key = randomBytes(16).toString('base64');
  const expected = createHash('sha1').update(key + GUID).digest('base64');
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      path: u.pathname + u.search,
      headers: {
        ...headers,
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': key,
      },
    });
    req.on('upgrade', (res, socket: Socket, head: Buffer) => {
      if (res.headers['sec-websocket-accept'] !== expected) {
        socket.destroy();
        reject(new Error('bad Sec-WebSocket-Accept'));
        return;
      }
      resolve(new LeanSocket(socket, sink, now, head));
    });
    req.on('response', (res) => {
      res.resume();
      reject(new Error(`upgrade refused: ${res.statusCode}`));
    });
    req.on('error', reject);
    req.end();
  });
}
