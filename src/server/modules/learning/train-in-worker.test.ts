import { describe, expect, it } from 'vitest';
import { stopTrainingWorkers, trainInWorker, TrainingStoppedError } from './train-in-worker.js';

/**
 * The process stopping (main.ts on SIGTERM) ends the training's worker: the training answers with
 * TrainingStoppedError, which the schedule logs as information, and a training after it runs as usual. The worker is
 * stopped as soon as it is created, before it has started — the same `terminate()` as mid-training, without a sleep
 * to wait for the middle.
 */
describe('the training worker', () => {
  const input = (n: number) => ({
    cases: Array.from({ length: n }, (_, i) => ({
      summary: i % 2 ? '拖欠工资' : '楼上漏水',
      narrative: i % 2 ? `包工头拖欠工资第${i}天，多次讨要未果` : `楼上卫生间漏水第${i}天，墙面发霉`,
      kind: 'dispute',
      category: i % 2 ? 'labour' : 'neighbourhood',
      unitId: null,
      createdAt: i,
    })),
    options: { minPerCategory: 10, minPerUnit: 10 },
    previous: null,
  });

  it('stopped before it has started: rejects with TrainingStoppedError; the next training answers', { timeout: 60_000 }, async () => {
    const training = trainInWorker(input(2_000));
    const outcome = training.then(
      () => 'finished',
      (err: unknown) => err,
    );
    await stopTrainingWorkers();
    expect(await outcome).toBeInstanceOf(TrainingStoppedError);
    const { report } = await trainInWorker(input(200));
    expect(report.ready).toBe(true);
  });
});
