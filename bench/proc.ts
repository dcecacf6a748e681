/**
 * CPU and memory of other processes, from /proc (Linux): `/proc/<pid>/stat` for user+system
 * CPU time, `/proc/<pid>/status` for VmRSS. A Sampler reads a set of processes every second.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicks: number | null = null;

/** Clock ticks per second (`getconf CLK_TCK`, nearly always 100). */
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface ProcSample {
  /** hrUs() when read. */
  atUs: number;
  /** User + system CPU seconds used so far. */
  cpuSec: number;
  rssBytes: number;
}

/** One reading of a process, or null when it is gone. */
export function readProc(pid: number, atUs: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after it are space-separated.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
    return { atUs, cpuSec: (utime + stime) / ticksPerSecond(), rssBytes: rssKb * 1024 };
  } catch {
    return null;
  }
}

/** Soft and hard limits on open files for this process (children inherit them). */
export function openFileLimits(): { soft: number; hard: number } {
  try {
    const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    const num = (s: string | undefined) => (s === 'unlimited' ? Infinity : Number(s));
    if (line) return { soft: num(line[1]), hard: num(line[2]) };
  } catch {
    /* not Linux */
  }
  return { soft: 1024, hard: 1024 };
}

export interface UsageOver {
  /** Average CPU use over the interval, percent of one core. */
  cpuPct: number;
  /** Highest RSS seen in the interval. */
  maxRssBytes: number;
}

/** Samples labelled processes every `intervalMs` and answers questions about time windows. */
export class Sampler {
  private readonly series = new Map<string, ProcSample[]>();
  private readonly pids = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly now: () => number,
    private readonly intervalMs = 1000,
  ) {}

  /** Starts (or restarts) tracking `pid` under `label`, dropping older samples of that label. */
  track(label: string, pid: number): void {
    this.pids.set(label, pid);
    this.series.set(label, []);
    this.sampleOne(label, pid);
    this.timer ??= setInterval(() => this.sampleAll(), this.intervalMs);
  }

  untrack(label: string): void {
    this.pids.delete(label);
  }

  /** Takes a sample of every tracked process now (also used to pin window edges). */
  sampleAll(): void {
    for (const [label, pid] of this.pids) this.sampleOne(label, pid);
  }

  private sampleOne(label: string, pid: number): void {
    const s = readProc(pid, this.now());
    if (s) this.series.get(label)?.push(s);
  }

  latest(label: string): ProcSample | undefined {
    const list = this.series.get(label);
    return list?.[list.length - 1];
  }

  /** CPU and peak RSS of `label` between two instants (hrUs); needs samples on both edges. */
  usage(label: string, fromUs: number, toUs: number): UsageOver {
    const list = (this.series.get(label) ?? []).filter((s) => s.atUs >= fromUs - 1 && s.atUs <= toUs + 1);
    const first = list[0];
    const last = list[list.length - 1];
    if (!first || !last || last.atUs <= first.atUs) return { cpuPct: NaN, maxRssBytes: NaN };
    const cpuPct = ((last.cpuSec - first.cpuSec) / ((last.atUs - first.atUs) / 1e6)) * 100;
    return { cpuPct, maxRssBytes: Math.max(...list.map((s) => s.rssBytes)) };
  }

  /** The whole series of a label, for the JSON report (seconds since `originUs`, %CPU, MiB). */
  export(label: string, originUs: number): { t: number; cpuPct: number; rssMiB: number }[] {
    const list = this.series.get(label) ?? [];
    return list.slice(1).map((s, i) => {
      const prev = list[i]!;
      const dt = (s.atUs - prev.atUs) / 1e6;
      return {
        t: Math.round(((s.atUs - originUs) / 1e6) * 10) / 10,
        cpuPct: dt > 0 ? Math.round(((s.cpuSec - prev.cpuSec) / dt) * 1000) / 10 : 0,
        rssMiB: Math.round((s.rssBytes / 1024 / 1024) * 10) / 10,
      };
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
