import { parentPort, workerData } from 'node:worker_threads';
import { tokenize } from '../../lib/chinese-text.js';
import { trainRoutingModel, type StoredRoutingModel } from './routing-model.js';
import type { TrainingInput } from './train-in-worker.js';

/**
 * The worker thread's side of training (started by `train-in-worker.ts`): cuts each case's words with jieba and the
 * domain dictionary, trains and evaluates, and posts the model and its report back. Nothing here blocks requests.
 */
const input = workerData as TrainingInput;
const examples = input.cases.map((c) => ({
  tokens: tokenize(`${c.summary}\n${c.narrative}`),
  kind: c.kind,
  category: c.category,
  unitId: c.unitId,
  createdAt: c.createdAt,
}));
const previous = input.previous as StoredRoutingModel | null;
parentPort!.postMessage(trainRoutingModel(examples, { ...input.options, previous }));
