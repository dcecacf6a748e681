/**
 * Latency histograms and formatting. A log-linear histogram (64 sub-buckets per power of two,
 * so any recorded value is off by at most 1/64 ≈ 1.6 %) over integer microseconds: constant
 * memory, O(1) to record, and histograms from several workers merge by adding counts.
 */

const SUB_BITS = 6;
const SUB = 1 << SUB_BITS; // 64
const LINEAR = SUB * 2; // values below 128 µs get their own bucket
const MAX_VALUE = 2 ** 31 - 1; // ≈ 35 min in µs
export const HIST_BUCKETS = (31 - SUB_BITS) * SUB + SUB * 2;

function indexOf(us: number): number {
  const v = us <= 0 ? 0 : us >= MAX_VALUE ? MAX_VALUE : Math.floor(us);
  if (v < LINEAR) return v;
  const shift = 31 - Math.clz32(v) - SUB_BITS;
  return shift * SUB + (v >>> shift);
}

/** The middle of the value range a bucket covers. */
function valueOf(index: number): number {
  if (index < LINEAR) return index;
  const shift = Math.floor(index / SUB) - 1;
  const mantissa = index - shift * SUB;
  const low = mantissa * 2 ** shift;
  const high = (mantissa + 1) * 2 ** shift - 1;
  return (low + high) / 2;
}

export class Histogram {
  readonly counts: Float64Array;
  max = 0;

  constructor(counts?: Float64Array) {
    this.counts = counts ?? new Float64Array(HIST_BUCKETS);
  }

  record(us: number): void {
    this.counts[indexOf(us)]! += 1;
    if (us > this.max) this.max = us;
  }

  merge(counts: Float64Array, max: number): void {
    for (let i = 0; i < counts.length; i++) this.counts[i]! += counts[i]!;
    if (max > this.max) this.max = max;
  }

  get count(): number {
    let n = 0;
    for (let i = 0; i < this.counts.length; i++) n += this.counts[i]!;
    return n;
  }

  /** The value (µs) at or below which `p` percent of the recorded values fall. */
  percentile(p: number): number {
    const total = this.count;
    if (total === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(valueOf(i), this.max);
    }
    return this.max;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      p50Ms: this.percentile(50) / 1000,
      p95Ms: this.percentile(95) / 1000,
      p99Ms: this.percentile(99) / 1000,
      maxMs: this.count === 0 ? NaN : this.max / 1000,
    };
  }

  reset(): void {
    this.counts.fill(0);
    this.max = 0;
  }
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

// ---------- formatting ----------

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return Math.round(ms).toString();
}

export function fmtInt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return Math.round(n).toLocaleString('en-US');
}

export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return '–';
  return `${r.toFixed(r < 10 ? 2 : 1)}×`;
}

export function fmtKiB(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function fmtMiB(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  return `${(bytes / 1024 / 1024).toFixed(0)}`;
}

/** A plain-text table: the first row is the header; columns after the first are right-aligned. */
export function table(rows: string[][], title?: string): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  const pad = (cell: string, i: number) => {
    const gap = ' '.repeat(widths[i]! - [...cell].length);
    return i === 0 ? cell + gap : gap + cell;
  };
  const line = (row: string[]) => `| ${row.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  const out = rows.length > 0 ? [line(rows[0]!), rule, ...rows.slice(1).map(line)] : [];
  return (title ? `${title}\n\n` : '') + out.join('\n');
}

/** A horizontal Unicode bar chart: one bar per label, scaled to the largest value. */
export function barChart(items: { label: string; value: number; note?: string }[], width = 40): string {
  const max = Math.max(...items.map((i) => (Number.isFinite(i.value) ? i.value : 0)), 1e-9);
  const labelWidth = Math.max(...items.map((i) => [...i.label].length));
  return items
    .map((item) => {
      const v = Number.isFinite(item.value) ? item.value : 0;
      const eighths = Math.round((v / max) * width * 8);
      const bar = '█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 ? ' ▏▎▍▌▋▊▉'[eighths % 8]! : '');
      return `${item.label.padEnd(labelWidth)} ${bar.padEnd(width)} ${item.note ?? ''}`.trimEnd();
    })
    .join('\n');
}
