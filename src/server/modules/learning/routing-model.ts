import {
  classesWithAtLeast,
  decisiveFeatures,
  evaluate,
  fitTextClassifier,
  fitVectorizer,
  floatsFromBase64,
  floatsToBase64,
  indexOfMax,
  predictClass,
  predictProba,
  restoreVectorizer,
  vectorize,
  type Evaluation,
  type SoftmaxModel,
  type SparseVector,
  type Vectorizer,
} from './text-classifier.js';

/**
 * The routing model: three softmax heads — kind, category, lead unit — over one TF-IDF vocabulary of a district's
 * dispatched and concluded cases. Pure (no database): `train-worker.ts` builds it off the main thread, the suggestion
 * route restores and applies it.
 *
 * The unit shown agrees with the category shown: the unit head's probabilities are weighed by how the district's
 * cases of each probable category were dispatched (`unitByCategory`). A word that happens to sit in one town's cases
 * (装修 in 某镇's neighbour disputes) no longer sends a wage claim to that town's 司法所 when 劳动争议 is all but certain
 * and those claims go to the labour inspection unit; the report's unit figures are of this combined answer.
 */

export const ROUTING_HEADS = ['kind', 'category', 'unit'] as const;
export type RoutingHead = (typeof ROUTING_HEADS)[number];

/** One case as the trainer sees it: its words (jieba tokens), its labels, and when it was registered. */
export interface RoutingExample {
  tokens: string[];
  kind: string;
  category: string;
  /** The lead unit it was dispatched to (null: never dispatched). */
  unitId: string | null;
  createdAt: number;
}

export interface RoutingHeadReport extends Evaluation {
  /** Held-out cases whose label the head does not know (too few examples): not in the matrix, counted here. */
  uncovered: number;
  /** Labels left out of the head for having fewer examples than the minimum. */
  tooFew: { label: string; count: number }[];
}

export interface RoutingReport {
  ready: boolean;
  /** Why the model is not ready (in Chinese: the panel shows it). */
  reason: string | null;
  trainedOn: number;
  heldOut: number;
  minPerCategory: number;
  minPerUnit: number;
  features: number;
  heads: Record<RoutingHead, RoutingHeadReport | null>;
  /** The category head's accuracy on every held-out case (unknown labels count as wrong): what a new model must match. */
  heldOutAccuracy: number;
  /** The model in force before, on the same held-out cases (null: there was none). */
  previousHeldOutAccuracy: number | null;
}

/** A trained model as stored (JSON): the vocabulary with its IDF and each head's weights, Float32 as base64. */
export interface StoredRoutingModel {
  vocab: string[];
  idf: string;
  heads: Record<RoutingHead, { classes: string[]; weights: string; bias: string } | null>;
  /**
   * P(unit | category) in the training cases, smoothed: one row per category head class, one column per unit head
   * class. Absent in models trained before it (their unit head answers alone).
   */
  unitByCategory?: number[][];
}

/** A stored model ready to apply. */
export interface LoadedRoutingModel {
  vectorizer: Vectorizer;
  heads: Record<RoutingHead, SoftmaxModel | null>;
  unitByCategory: number[][] | null;
}

export function loadRoutingModel(stored: StoredRoutingModel): LoadedRoutingModel {
  const head = (h: StoredRoutingModel['heads'][RoutingHead]): SoftmaxModel | null =>
    h && { classes: h.classes, features: stored.vocab.length, weights: floatsFromBase64(h.weights), bias: floatsFromBase64(h.bias) };
  return {
    vectorizer: restoreVectorizer(stored.vocab, floatsFromBase64(stored.idf)),
    heads: { kind: head(stored.heads.kind), category: head(stored.heads.category), unit: head(stored.heads.unit) },
    unitByCategory: unitTableFits(stored) ? stored.unitByCategory! : null,
  };
}

/** A stored table of the shape its heads need (one row per category class, one column per unit class), else none. */
function unitTableFits(stored: StoredRoutingModel): boolean {
  const table = stored.unitByCategory;
  const categories = stored.heads.category?.classes.length;
  const units = stored.heads.unit?.classes.length;
  return !!table && table.length === categories && table.every((row) => row.length === units && row.every(Number.isFinite));
}

/** How the training cases of each category were dispatched among the unit head's units (add-one smoothed). */
function unitsByCategory(examples: readonly RoutingExample[], categories: string[], units: string[]): number[][] {
  const c = new Map(categories.map((v, i) => [v, i]));
  const u = new Map(units.map((v, i) => [v, i]));
  const counts = categories.map(() => units.map(() => 1));
  for (const e of examples) {
    const ci = c.get(e.category);
    const ui = e.unitId === null ? undefined : u.get(e.unitId);
    if (ci !== undefined && ui !== undefined) counts[ci]![ui]!++;
  }
  return counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((n) => Math.round((n / total) * 1e6) / 1e6);
  });
}

/** The unit head's probabilities weighed by the units the probable categories go to (see the file's comment). */
export function unitProba(model: LoadedRoutingModel, x: SparseVector): Float64Array | null {
  const unit = model.heads.unit;
  if (!unit) return null;
  const p = predictProba(unit, x);
  const category = model.heads.category;
  const table = model.unitByCategory;
  if (!category || !table || table.length !== category.classes.length) return p;
  const pc = predictProba(category, x);
  let sum = 0;
  for (let u = 0; u < p.length; u++) {
    let prior = 0;
    for (let c = 0; c < pc.length; c++) prior += pc[c]! * table[c]![u]!;
    p[u] = p[u]! * prior;
    sum += p[u]!;
  }
  if (sum > 0) for (let u = 0; u < p.length; u++) p[u] = p[u]! / sum;
  return p;
}

const labelOf = (e: RoutingExample, h: RoutingHead) => (h === 'kind' ? e.kind : h === 'category' ? e.category : e.unitId);

/** The category head's accuracy over every held-out case (a label it cannot predict is a miss). */
function categoryAccuracy(model: LoadedRoutingModel, heldOut: readonly RoutingExample[]): number {
  const head = model.heads.category;
  if (!head || heldOut.length === 0) return 0;
  let hits = 0;
  for (const e of heldOut) if (head.classes[predictClass(head, vectorize(model.vectorizer, e.tokens))] === e.category) hits++;
  return hits / heldOut.length;
}

/**
 * Trains on all but the most recent `heldOutShare` of the cases and reports on those recent ones (the cases a model
 * meets in use are the next ones, not a random sample). Labels with fewer examples than the minimum are left out of
 * their head; with fewer than two categories at the minimum there is no model (`ready: false` and the reason).
 */
export function trainRoutingModel(
  examples: readonly RoutingExample[],
  opts: { minPerCategory: number; minPerUnit: number; heldOutShare?: number; previous?: StoredRoutingModel | null },
): { model: StoredRoutingModel | null; report: RoutingReport } {
  const sorted = [...examples].sort((a, b) => a.createdAt - b.createdAt);
  const cut = Math.floor(sorted.length * (1 - (opts.heldOutShare ?? 0.2)));
  const train = sorted.slice(0, cut);
  const heldOut = sorted.slice(cut);
  const minimum = (h: RoutingHead) => (h === 'unit' ? opts.minPerUnit : opts.minPerCategory);
  const empty = { kind: null, category: null, unit: null };
  const base: Omit<RoutingReport, 'ready' | 'reason' | 'heads' | 'heldOutAccuracy' | 'previousHeldOutAccuracy'> = {
    trainedOn: train.length,
    heldOut: heldOut.length,
    minPerCategory: opts.minPerCategory,
    minPerUnit: opts.minPerUnit,
    features: 0,
  };
  const categories = classesWithAtLeast(
    sorted.map((e) => e.category),
    opts.minPerCategory,
  );
  if (categories.classes.length < 2) {
    const most = Math.max(0, ...categories.counts.values());
    return {
      model: null,
      report: {
        ...base,
        ready: false,
        reason: `尚不足以给出建议：至少两个类别各需 ${opts.minPerCategory} 件已分流或办结的案件（目前${categories.classes.length ? `仅 1 个类别达到` : `最多的类别只有 ${most} 件`}）`,
        heads: empty,
        heldOutAccuracy: 0,
        previousHeldOutAccuracy: null,
      },
    };
  }
  const vectorizer = fitVectorizer(
    train.map((e) => e.tokens),
    { minDf: 2, maxFeatures: 50_000 },
  );
  const trainVectors = train.map((e) => vectorize(vectorizer, e.tokens));
  const heldOutVectors = heldOut.map((e) => vectorize(vectorizer, e.tokens));
  const stored: StoredRoutingModel = { vocab: vectorizer.vocab, idf: floatsToBase64(vectorizer.idf), heads: { ...empty } };
  const loaded: LoadedRoutingModel = { vectorizer, heads: { ...empty }, unitByCategory: null };
  const heads: Record<RoutingHead, RoutingHeadReport | null> = { ...empty };
  for (const h of ROUTING_HEADS) {
    const all = classesWithAtLeast(
      sorted.map((e) => labelOf(e, h)),
      minimum(h),
    );
    if (all.classes.length < 2) continue;
    const { model } = fitTextClassifier(
      train.map((e) => e.tokens),
      train.map((e) => labelOf(e, h)),
      all.classes,
      { vectorizer, vectors: trainVectors },
    );
    loaded.heads[h] = model;
    stored.heads[h] = { classes: model.classes, weights: floatsToBase64(model.weights), bias: floatsToBase64(model.bias) };
    // The unit head is the last of ROUTING_HEADS: the category head it is weighed by is trained by now.
    if (h === 'unit' && loaded.heads.category) {
      stored.unitByCategory = unitsByCategory(train, loaded.heads.category.classes, model.classes);
      loaded.unitByCategory = stored.unitByCategory;
    }
    const known = new Set(all.classes);
    const labels = heldOut.map((e) => labelOf(e, h) ?? '');
    heads[h] = {
      ...evaluate(model, heldOutVectors, labels, h === 'unit' ? (x) => indexOfMax(unitProba(loaded, x)!) : undefined),
      uncovered: labels.filter((l) => l !== '' && !known.has(l)).length,
      tooFew: [...all.counts]
        .filter(([label]) => !known.has(label))
        .map(([label, count]) => ({ label, count }))
        .sort((a, b) => b.count - a.count),
    };
  }
  return {
    model: stored,
    report: {
      ...base,
      features: vectorizer.vocab.length,
      ready: true,
      reason: null,
      heads,
      heldOutAccuracy: categoryAccuracy(loaded, heldOut),
      previousHeldOutAccuracy: opts.previous ? categoryAccuracy(loadRoutingModel(opts.previous), heldOut) : null,
    },
  };
}

export interface RoutingGuess {
  value: string;
  confidence: number;
}

/** The top `count` labels of each head for `tokens`, and the words that weighed most for the top category. */
export function suggestWith(
  model: LoadedRoutingModel,
  tokens: readonly string[],
  count = 3,
): { guesses: Record<RoutingHead, RoutingGuess[]>; words: string[] } {
  const x = vectorize(model.vectorizer, tokens);
  const guesses = { kind: [], category: [], unit: [] } as Record<RoutingHead, RoutingGuess[]>;
  const words = new Set<string>();
  if (x.idx.length === 0) return { guesses, words: [] };
  for (const h of ROUTING_HEADS) {
    const head = model.heads[h];
    if (!head) continue;
    const p = h === 'unit' ? unitProba(model, x)! : predictProba(head, x);
    const ranked = [...p.keys()].sort((a, b) => p[b]! - p[a]!);
    guesses[h] = ranked.slice(0, count).map((c) => ({ value: head.classes[c]!, confidence: Math.round(p[c]! * 1000) / 1000 }));
    // A single character (干, 钱) explains nothing to the clerk: the decisive words shown are words.
    if (h !== 'kind')
      for (const f of decisiveFeatures(head, x, ranked[0]!, 8)) {
        const word = model.vectorizer.vocab[f.feature]!;
        if (Array.from(word).length > 1) words.add(word);
      }
  }
  // A compound and its own parts (拖欠工资, 工资) say the same thing: keep the longer.
  const list = [...words].sort((a, b) => b.length - a.length);
  return { guesses, words: list.filter((w, i) => !list.slice(0, i).some((longer) => longer.includes(w))).slice(0, 6) };
}
