import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RoutingReport, StoredRoutingModel } from './routing-model.js';

/** What the trainer is given: the district's labelled cases and the model in force (to compare on the same cases). */
export interface TrainingInput {
  cases: { summary: string; narrative: string; kind: string; category: string; unitId: string | null; createdAt: number }[];
  options: { minPerCategory: number; minPerUnit: number; heldOutShare?: number };
  previous: StoredRoutingModel | null;
}

const require = createRequire(import.meta.url);
// The platform runs its TypeScript through tsx (package.json `start`); a worker thread needs tsx's loader registered
// in its own thread before it imports the trainer.
// (Its ES module entry: the CommonJS one cannot be imported from an eval'd worker.)
const tsxApi = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
const boot = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(
  new URL('./train-worker.ts', import.meta.url).href,
)}); })`;

const running = new Set<Worker>();
const stopped = new WeakSet<Worker>();

/** A training ended by `stopTrainingWorkers`: not a failure (the schedule trains again after the restart). */
export class TrainingStoppedError extends Error {
  constructor() {
    super('the routing model training was stopped: the process is stopping');
    this.name = 'TrainingStoppedError';
  }
}

/** Ends any training in progress (the process is stopping: a training is redone later, a shutdown must not wait for it). */
export async function stopTrainingWorkers(): Promise<void> {
  await Promise.all(
    [...running].map((w) => {
      stopped.add(w);
      return w.terminate();
    }),
  );
}

/** Trains in a worker thread, so a long training (100,000 cases) never holds up a request. */
export function trainInWorker(input: TrainingInput): Promise<{ model: StoredRoutingModel | null; report: RoutingReport }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(boot, { eval: true, workerData: input });
    running.add(worker);
    let answered = false;
    worker.once('message', (result: { model: StoredRoutingModel | null; report: RoutingReport }) => {
      answered = true;
      resolve(result);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      running.delete(worker);
      if (!answered)
        reject(
          stopped.has(worker) ? new TrainingStoppedError() : new Error(`the training worker stopped (exit code ${code}) without a result`),
        );
    });
  });
}
