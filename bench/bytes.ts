/** Small helpers for the worker's hot path: growable typed arrays and reading numbers from frame bytes. */

export class GrowU8 {
  a = new Uint8Array(4096);
  length = 0;
  inc(i: number): void {
    this.ensure(i);
    if (this.a[i]! < 255) this.a[i]! += 1;
  }
  set(i: number, v: number): void {
    this.ensure(i);
    this.a[i] = v;
  }
  get(i: number): number {
    return i < this.a.length ? this.a[i]! : 0;
  }
  snapshot(): Uint8Array {
    return this.a.slice(0, this.length);
  }
  private ensure(i: number): void {
    if (i >= this.a.length) {
      const next = new Uint8Array(Math.max(this.a.length * 2, i + 1));
      next.set(this.a);
      this.a = next;
    }
    if (i >= this.length) this.length = i + 1;
  }
}

export class GrowF64 {
  a = new Float64Array(4096);
  set(i: number, v: number): void {
    if (i >= this.a.length) {
      const next = new Float64Array(Math.max(this.a.length * 2, i + 1));
      next.set(this.a);
      this.a = next;
    }
    this.a[i] = v;
  }
  get(i: number): number {
    return this.a[i] ?? NaN;
  }
}

/** Reads a decimal integer at `i`; returns [value, index after it]. */
export function readInt(buf: Buffer, i: number): [number, number] {
  let v = 0;
  let c = buf[i]!;
  while (c >= 0x30 && c <= 0x39) {
    v = v * 10 + (c - 0x30);
    c = buf[++i]!;
  }
  return [v, i];
}

/** Parses `<step>-<worker>-<seq>` at `i` (just after `bench-`). */
export function readCid(buf: Buffer, i: number): { step: number; worker: number; seq: number } {
  const [step, a] = readInt(buf, i);
  const [worker, b] = readInt(buf, a + 1);
  const [seq] = readInt(buf, b + 1);
  return { step, worker, seq };
}
