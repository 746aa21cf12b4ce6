// The floor of a training step (issue 18): the step's matrix products timed
// shape by shape on our kernel (bench/worker.js denseFloor and convFloor),
// summed. Pure functions of the floor jobs' results, so node's tests reach
// them (tests/unit-js/bench-floor.test.mjs).

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.round((xs.length - 1) * 0.5)];

/**
 * A step's floor from the rounds' floor jobs: each shape's best time over the
 * rounds (a floor is what the kernel can do, so the fastest window; a loaded
 * moment only makes a window slower), its products' share of it, and the sum.
 * The epoch-end evaluation's forward products (shapes with `evaluation`) are
 * made once an evaluation, `evaluationsPerStep` of them a step on average:
 * the steps timed include them, so the floor does too.
 * -> { shapes: [{ layer, dims, products, splits, perStep, windowsMs, runMs, gflops, flops, floorMs }], floorMs, flopsPerStep }
 */
export function floorOf(floorRuns, evaluationsPerStep = 0) {
  const shapes = floorRuns[0].shapes.map((g) => {
    // each round's window of this shape (the same shapes every round, found by name)
    const windowsMs = floorRuns.flatMap((f) => f.shapes.find((x) => x.layer === g.layer)?.windowsMs[0] ?? []);
    const runMs = Math.min(...windowsMs);
    const perStep = g.evaluation ? evaluationsPerStep : 1;
    return {
      layer: g.layer,
      dims: g.dims,
      products: g.products,
      splits: g.splits,
      perStep,
      windowsMs,
      runMs,
      gflops: g.flopsPerRun / (runMs / 1000) / 1e9,
      flops: (g.flopsPerRun / 5) * g.products * g.splits * perStep,
      floorMs: (runMs / 5) * g.products * g.splits * perStep,
    };
  });
  return {
    shapes,
    evaluationsPerStep,
    floorMs: shapes.reduce((t, g) => t + g.floorMs, 0),
    flopsPerStep: shapes.reduce((t, g) => t + g.flops, 0),
  };
}

/** The evaluations a step of ours made on average (the rounds' median), or 0 without ours. */
export function evaluationsPerStep(ours) {
  const rates = (ours ?? []).map((r) => r.evaluation?.perStep).filter((x) => Number.isFinite(x));
  return rates.length ? median(rates) : 0;
}
