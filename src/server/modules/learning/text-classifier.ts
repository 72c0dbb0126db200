/**
 * A linear text classifier over TF-IDF features: multinomial logistic regression (softmax) trained by AdaGrad SGD on
 * sparse vectors, its evaluation (confusion matrix, per-class precision/recall/F1) and k-fold cross-validation.
 *
 * Written here rather than taken from `ml-logistic-regression`: that library trains one-vs-rest on dense `ml-matrix`
 * rows, which for 100,000 cases × tens of thousands of words would need gigabytes and minutes; the vectors here have a
 * few dozen non-zero entries each, so an epoch over 100,000 cases is a few hundred milliseconds. Pure code: no database,
 * no I/O, so the worker thread (`train-worker.ts`) and the tests run the very same functions.
 */

/** A sparse, L2-normalised TF-IDF vector: feature indexes (ascending) and their values. */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

/** The vocabulary kept for training and its inverse document frequencies. */
export interface Vectorizer {
  vocab: string[];
  idf: Float32Array;
  index: Map<string, number>;
}

/** Words seen in at least `minDf` documents, the `maxFeatures` most frequent of them; smoothed IDF. */
export function fitVectorizer(docs: readonly (readonly string[])[], opts: { minDf?: number; maxFeatures?: number } = {}): Vectorizer {
  const minDf = opts.minDf ?? 2;
  const df = new Map<string, number>();
  for (const tokens of docs) for (const t of new Set(tokens)) df.set(t, (df.get(t) ?? 0) + 1);
  const kept = [...df]
    .filter(([, n]) => n >= minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, opts.maxFeatures ?? 50_000);
  const vocab = kept.map(([t]) => t);
  const idf = Float32Array.from(kept, ([, n]) => Math.log((docs.length + 1) / (n + 1)) + 1);
  return { vocab, idf, index: new Map(vocab.map((t, i) => [t, i])) };
}

export function restoreVectorizer(vocab: string[], idf: Float32Array): Vectorizer {
  return { vocab, idf, index: new Map(vocab.map((t, i) => [t, i])) };
}

/** Sublinear term frequency (1 + ln tf) × IDF, L2-normalised; words outside the vocabulary are dropped. */
export function vectorize(v: Vectorizer, tokens: readonly string[]): SparseVector {
  const counts = new Map<number, number>();
  for (const t of tokens) {
    const i = v.index.get(t);
    if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  const idx = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const val = Float32Array.from(idx, (i) => (1 + Math.log(counts.get(i)!)) * v.idf[i]!);
  let norm = 0;
  for (const x of val) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < val.length; k++) val[k]! /= norm;
  return { idx, val };
}

/** A softmax model: `weights[feature * classes.length + class]` (one feature's weights side by side) and a bias per class. */
export interface SoftmaxModel {
  classes: string[];
  features: number;
  weights: Float32Array;
  bias: Float32Array;
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  /** L2 penalty applied to the weights a sample touches (lazy regularisation). */
  l2?: number;
  seed?: number;
}

/** Mulberry32: a small seeded generator, so a training run is reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Trains a softmax model on vectors `xs` with class indexes `ys` (0 … classes.length − 1). */
export function trainSoftmax(
  xs: readonly SparseVector[],
  ys: readonly number[],
  classes: string[],
  features: number,
  opts: TrainOptions = {},
) {
  const C = classes.length;
  const epochs = opts.epochs ?? 12;
  const lr = opts.learningRate ?? 0.5;
  const l2 = opts.l2 ?? 1e-5;
  const random = seeded(opts.seed ?? 17);
  const weights = new Float32Array(features * C);
  const bias = new Float32Array(C);
  const gw = new Float32Array(features * C).fill(1e-6);
  const gb = new Float32Array(C).fill(1e-6);
  const order = Int32Array.from(xs.keys());
  const scores = new Float64Array(C);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const n of order) {
      const x = xs[n]!;
      softmaxInto(weights, bias, C, x, scores);
      scores[ys[n]!]! -= 1; // now the gradient of the loss with respect to each class's score
      for (let c = 0; c < C; c++) {
        const g = scores[c]!;
        gb[c]! += g * g;
        bias[c]! -= (lr * g) / Math.sqrt(gb[c]!);
      }
      for (let k = 0; k < x.idx.length; k++) {
        const base = x.idx[k]! * C;
        const xv = x.val[k]!;
        for (let c = 0; c < C; c++) {
          const w = base + c;
          const g = scores[c]! * xv + l2 * weights[w]!;
          gw[w]! += g * g;
          weights[w]! -= (lr * g) / Math.sqrt(gw[w]!);
        }
      }
    }
  }
  return { classes, features, weights, bias } satisfies SoftmaxModel;
}

function softmaxInto(weights: Float32Array, bias: Float32Array, C: number, x: SparseVector, out: Float64Array) {
  for (let c = 0; c < C; c++) out[c] = bias[c]!;
  for (let k = 0; k < x.idx.length; k++) {
    const base = x.idx[k]! * C;
    const xv = x.val[k]!;
    for (let c = 0; c < C; c++) out[c]! += xv * weights[base + c]!;
  }
  let max = -Infinity;
  for (let c = 0; c < C; c++) max = Math.max(max, out[c]!);
  let sum = 0;
  for (let c = 0; c < C; c++) {
    out[c] = Math.exp(out[c]! - max);
    sum += out[c]!;
  }
  for (let c = 0; c < C; c++) out[c]! /= sum;
}

/** Each class's probability for `x`, in the model's class order. */
export function predictProba(model: SoftmaxModel, x: SparseVector): Float64Array {
  const out = new Float64Array(model.classes.length);
  softmaxInto(model.weights, model.bias, model.classes.length, x, out);
  return out;
}

/** The index of the largest probability (the first of equals). */
export function indexOfMax(p: Float64Array): number {
  let best = 0;
  for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
  return best;
}

/** The index of the most probable class. */
export function predictClass(model: SoftmaxModel, x: SparseVector): number {
  return indexOfMax(predictProba(model, x));
}

/**
 * The features that pushed `x` towards class `c` most: each present word's value × (its weight for `c` − its mean
 * weight over the classes), largest first, positive only.
 */
export function decisiveFeatures(model: SoftmaxModel, x: SparseVector, c: number, count: number): { feature: number; weight: number }[] {
  const C = model.classes.length;
  const out: { feature: number; weight: number }[] = [];
  for (let k = 0; k < x.idx.length; k++) {
    const base = x.idx[k]! * C;
    let mean = 0;
    for (let j = 0; j < C; j++) mean += model.weights[base + j]!;
    mean /= C;
    const weight = x.val[k]! * (model.weights[base + c]! - mean);
    if (weight > 0) out.push({ feature: x.idx[k]!, weight });
  }
  return out.sort((a, b) => b.weight - a.weight).slice(0, count);
}

/** Per-class figures and the matrix they come from: `matrix[actual][predicted]`, in `classes` order. */
export interface Evaluation {
  classes: string[];
  matrix: number[][];
  perClass: { label: string; precision: number; recall: number; f1: number; support: number }[];
  accuracy: number;
  macroF1: number;
  /** Cases evaluated (the sum of the matrix). */
  total: number;
}

/** Precision, recall and F1 of each class, accuracy and macro-F1, from a confusion matrix alone. */
export function evaluationFromMatrix(classes: string[], matrix: number[][]): Evaluation {
  const total = matrix.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  let correct = 0;
  const perClass = classes.map((label, i) => {
    const tp = matrix[i]![i]!;
    correct += tp;
    const support = matrix[i]!.reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((s, row) => s + row[i]!, 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const withSupport = perClass.filter((p) => p.support > 0);
  return {
    classes,
    matrix,
    perClass,
    accuracy: total ? correct / total : 0,
    macroF1: withSupport.length ? withSupport.reduce((s, p) => s + p.f1, 0) / withSupport.length : 0,
    total,
  };
}

/**
 * The model's confusion matrix on labelled vectors (labels outside the model's classes are not counted); `predict`
 * replaces the model's own most probable class when the class shown is decided by more than this model.
 */
export function evaluate(
  model: SoftmaxModel,
  xs: readonly SparseVector[],
  labels: readonly string[],
  predict: (x: SparseVector) => number = (x) => predictClass(model, x),
): Evaluation {
  const at = new Map(model.classes.map((c, i) => [c, i]));
  const matrix = model.classes.map(() => model.classes.map(() => 0));
  xs.forEach((x, n) => {
    const actual = at.get(labels[n]!);
    if (actual !== undefined) matrix[actual]![predict(x)]!++;
  });
  return evaluationFromMatrix(model.classes, matrix);
}

/** The classes with at least `minimum` examples, most frequent first. */
export function classesWithAtLeast(
  labels: readonly (string | null)[],
  minimum: number,
): { classes: string[]; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  for (const l of labels) if (l !== null) counts.set(l, (counts.get(l) ?? 0) + 1);
  const classes = [...counts]
    .filter(([, n]) => n >= minimum)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([c]) => c);
  return { classes, counts };
}

/** Fits the vectorizer and a softmax model on tokenised, labelled documents (labels outside `classes` are skipped). */
export function fitTextClassifier(
  docs: readonly (readonly string[])[],
  labels: readonly (string | null)[],
  classes: string[],
  opts: TrainOptions & {
    minDf?: number;
    maxFeatures?: number;
    vectorizer?: Vectorizer;
    /** The documents already vectorised with `vectorizer` (several heads over the same documents cut them once). */
    vectors?: readonly SparseVector[];
  } = {},
) {
  const vectorizer = opts.vectorizer ?? fitVectorizer(docs, opts);
  const at = new Map(classes.map((c, i) => [c, i]));
  const xs: SparseVector[] = [];
  const ys: number[] = [];
  docs.forEach((tokens, n) => {
    const y = labels[n] === null ? undefined : at.get(labels[n]!);
    if (y !== undefined) {
      xs.push(opts.vectors?.[n] ?? vectorize(vectorizer, tokens));
      ys.push(y);
    }
  });
  return { vectorizer, model: trainSoftmax(xs, ys, classes, vectorizer.vocab.length, opts) };
}

/**
 * k-fold cross-validation: each document is predicted once by a model that did not see it (folds by position
 * modulo k, after a seeded shuffle); the folds' matrices add up to one.
 */
export function crossValidate(
  docs: readonly (readonly string[])[],
  labels: readonly string[],
  k: number,
  opts: TrainOptions & { minDf?: number } = {},
): Evaluation & { folds: Evaluation[] } {
  const classes = classesWithAtLeast(labels, 1).classes;
  const random = seeded((opts.seed ?? 17) + 1);
  const fold = docs.map(() => Math.floor(random() * k));
  const matrix = classes.map(() => classes.map(() => 0));
  const folds: Evaluation[] = [];
  for (let f = 0; f < k; f++) {
    const trainDocs = docs.filter((_, n) => fold[n] !== f);
    const trainLabels = labels.filter((_, n) => fold[n] !== f);
    const { vectorizer, model } = fitTextClassifier(trainDocs, trainLabels, classes, opts);
    const testDocs = docs.filter((_, n) => fold[n] === f);
    const e = evaluate(
      model,
      testDocs.map((t) => vectorize(vectorizer, t)),
      labels.filter((_, n) => fold[n] === f),
    );
    folds.push(e);
    e.matrix.forEach((row, i) => row.forEach((v, j) => (matrix[i]![j]! += v)));
  }
  return { ...evaluationFromMatrix(classes, matrix), folds };
}

/** Float32 arrays as base64 (a stored model is a JSON document). */
export const floatsToBase64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
export const floatsFromBase64 = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
