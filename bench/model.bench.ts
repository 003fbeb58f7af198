// Benchmark of the KCS model: trains on train.csv (median of three runs; must stay under a minute),
// ranks valid.csv, then scores valid.csv repeatedly (features + trees, as `scoreRows` does) to
// measure declarations per second. Prints a JSON line last. Data path: KCS_DATA or shared/data.
import { join } from 'node:path';
import { rankingMetrics } from '../src/learning/index.ts';
import { readKcsFile, scoreRows, trainKcsModel } from '../src/kcs/index.ts';

const dir =
  process.env.KCS_DATA ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'kcs-import-declarations');
const train = await readKcsFile(join(dir, 'train.csv'));
const valid = await readKcsFile(join(dir, 'valid.csv'));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const trainTimes: number[] = [];
let model = trainKcsModel(train, { seed: 1 });
for (let run = 0; run < 3; run++) {
  const t0 = performance.now();
  model = trainKcsModel(train, { seed: 1 });
  trainTimes.push((performance.now() - t0) / 1000);
  console.error(`train run ${run + 1}: ${trainTimes[run]!.toFixed(2)} s`);
}

const rates: number[] = [];
for (let run = 0; run < 15; run++) {
  const t0 = performance.now();
  scoreRows(model, valid);
  rates.push(valid.length / ((performance.now() - t0) / 1000));
}
console.error(
  `scoring: median ${Math.round(median(rates))} declarations/s over ${rates.length} passes of ${valid.length}`,
);

const m = rankingMetrics(
  scoreRows(model, valid),
  valid.map((r) => r.fraud),
);
const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;
console.log(
  JSON.stringify({
    trainRows: train.length,
    trainSeconds: r4(median(trainTimes)),
    trees: model.file.trees.length,
    features: model.file.features.length,
    scorePerSec: Math.round(median(rates)),
    valid: {
      rows: m.rows,
      precisionAt: Object.fromEntries(Object.entries(m.precisionAt).map(([k, v]) => [k, r4(v)])),
      auc: r4(m.auc),
    },
  }),
);
