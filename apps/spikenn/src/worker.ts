import { type PointTask, servePoints } from '@snn/readout/node';
import type { PointConfig } from './commands/points.js';
import { runOnce } from './train/run-point.js';

// Worker thread of `spikenn kfold` and `spikenn gridsearch`: each task is one run into its point folder.
servePoints(async (task: PointTask<PointConfig>) => {
  const result = await runOnce({
    dataDir: task.config.dataDir,
    outDir: task.dir,
    config: task.config.config,
    seed: task.seed,
    argv: task.config.argv,
    noReport: !task.config.report,
  });
  return { ...result };
});
