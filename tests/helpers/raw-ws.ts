/**
 * A bare RFC 6455 client over a plain TCP socket, for tests that need control `ws` does not
 * give: stop reading from the kernel (`pause`) and see exactly how the server ends the
 * connection (a close frame, or the TCP stream just ending when the server cut it off).
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export type RawFrame = { type: string; [key: string]: unknown };

export class RawWsClient {
  readonly frames: RawFrame[] = [];
  /** Set when the server sent a close frame (opcode 8). */
  closeFrame: { code: number } | null = null;
  /** Set when the TCP stream ended or was reset. */
  ended = false;
  private buffer: Buffer = Buffer.alloc(0);
  private waiters: { match: (f: RawFrame) => boolean; resolve: (f: RawFrame) => void }[] = [];
  private endWaiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {}

  /** Opens `path` on 127.0.0.1:`port` and completes the WebSocket handshake. */
  static open(port: number, path: string, headers: Record<string, string>): Promise<RawWsClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      const client = new RawWsClient(socket);
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        const status = head.subarray(0, end).toString('latin1').split('\r\n')[0]!;
        if (!/^HTTP\/1\.1 101 /.test(status)) {
          socket.destroy();
          return reject(new Error(`upgrade refused: ${status}`));
        }
        socket.on('data', (d: Buffer) => client.onData(d));
        client.onData(head.subarray(end + 4));
        resolve(client);
      };
      socket.on('data', onData);
      socket.once('error', (err) => {
        client.markEnded();
        reject(err);
      });
      socket.once('close', () => client.markEnded());
      socket.once('end', () => client.markEnded());
      socket.once('connect', () => {
        const lines = [
          `GET ${path} HTTP/1.1`,
          `Host: 127.0.0.1:${port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        ];
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      });
    });
  }

  /** Sends a masked text frame (clients must mask). */
  send(frame: object): void {
    const payload = Buffer.from(JSON.stringify(frame));
    const mask = randomBytes(4);
    const len = payload.length;
    const header = len < 126 ? Buffer.from([0x81, 0x80 | len]) : len < 65536 ? Buffer.from([0x81, 0x80 | 126, len >> 8, len & 0xff]) : null;
    if (!header) throw new Error('frame too large for this helper');
    for (let i = 0; i < len; i++) payload[i]! ^= mask[i % 4]!;
    this.socket.write(Buffer.concat([header, mask, payload]));
  }

  /** Stops reading: what the server sends piles up in the kernel buffers, then in the server. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Bytes read from the kernel so far (handshake included). */
  get bytesRead(): number {
    return this.socket.bytesRead;
  }

  next(match: (f: RawFrame) => boolean, timeoutMs = 10_000): Promise<RawFrame> {
    const found = this.frames.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }

  /** Resolves when the TCP stream has ended (read everything, then EOF or reset). */
  waitEnded(timeoutMs = 10_000): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('stream did not end')), timeoutMs);
      this.endWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private markEnded(): void {
    if (this.ended) return;
    this.ended = true;
    for (const fn of this.endWaiters.splice(0)) fn();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = this.buffer[0]! & 0x0f;
      let len = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buffer.length < 4) return;
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buffer.length < 10) return;
        len = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + len) return;
      const payload = this.buffer.subarray(offset, offset + len);
      this.buffer = this.buffer.subarray(offset + len);
      if (opcode === 1) {
        const frame = JSON.parse(payload.toString('utf8')) as RawFrame;
        this.frames.push(frame);
        this.waiters = this.waiters.filter((w) => {
          if (!w.match(frame)) return true;
          w.resolve(frame);
          return false;
        });
      } else if (opcode === 8) {
        this.closeFrame = { code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005 };
      }
      // Pings (9) are not answered: this client is meant to look stalled.
    }
  }
}
