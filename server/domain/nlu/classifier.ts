/**
 * A small multinomial logistic-regression (softmax) classifier over sparse binary features,
 * trained by plain stochastic gradient descent. Deterministic: the same examples give the same
 * weights (seeded shuffle). Trains a few hundred sentences in tens of milliseconds and classifies
 * in microseconds; weights are one Float32Array.
 */

export interface Example<L extends string> {
  features: readonly string[];
  label: L;
}

export interface Prediction<L extends string> {
  label: L;
  /** Softmax probability of `label`, 0..1. */
  confidence: number;
  /** Every label's probability, highest first. */
  ranked: readonly { label: L; p: number }[];
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
}

/** Mulberry32: a tiny seeded PRNG, so training is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SoftmaxClassifier<L extends string> {
  private readonly index = new Map<string, number>();
  private weights: Float32Array = new Float32Array(0);
  private bias: Float32Array = new Float32Array(0);

  constructor(private readonly labels: readonly L[]) {}

  /** Number of distinct features learnt. */
  get featureCount(): number {
    return this.index.size;
  }

  train(examples: readonly Example<L>[], opts: TrainOptions = {}): void {
    const epochs = opts.epochs ?? 40;
    const lr0 = opts.learningRate ?? 0.4;
    const l2 = opts.l2 ?? 1e-4;
    const random = rng(opts.seed ?? 42);
    for (const e of examples) for (const f of e.features) if (!this.index.has(f)) this.index.set(f, this.index.size);
    const k = this.labels.length;
    this.weights = new Float32Array(this.index.size * k);
    this.bias = new Float32Array(k);
    const encoded = examples.map((e) => ({
      x: [...new Set(e.features.map((f) => this.index.get(f)!))],
      y: this.labels.indexOf(e.label),
    }));
    const order = encoded.map((_, i) => i);
    const p = new Float64Array(k);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const lr = lr0 / (1 + epoch * 0.1);
      for (const idx of order) {
        const { x, y } = encoded[idx]!;
        this.probabilities(x, p);
        for (let c = 0; c < k; c++) {
          const g = p[c]! - (c === y ? 1 : 0);
          this.bias[c] = this.bias[c]! - lr * g;
          for (const f of x) {
            const w = f * k + c;
            this.weights[w] = this.weights[w]! - lr * (g + l2 * this.weights[w]!);
          }
        }
      }
    }
  }

  private probabilities(x: readonly number[], out: Float64Array): void {
    const k = this.labels.length;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let z = this.bias[c]!;
      for (const f of x) z += this.weights[f * k + c]!;
      out[c] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      out[c] = Math.exp(out[c]! - max);
      sum += out[c]!;
    }
    for (let c = 0; c < k; c++) out[c] = out[c]! / sum;
  }

  /** Whether any of these features was seen in training. */
  knows(features: readonly string[]): boolean {
    return features.some((f) => this.index.has(f));
  }

  predict(features: readonly string[]): Prediction<L> {
    const x = [...new Set(features.map((f) => this.index.get(f)).filter((i): i is number => i !== undefined))];
    const p = new Float64Array(this.labels.length);
    this.probabilities(x, p);
    const ranked = this.labels.map((label, c) => ({ label, p: p[c]! })).sort((a, b) => b.p - a.p);
    return { label: ranked[0]!.label, confidence: ranked[0]!.p, ranked };
  }
}
