// bench/floor.js: a step's floor is the sum, shape by shape, of each shape's
// fastest Roofline window / 5 × the step's products of that shape; the
// epoch-end evaluation's products count once per evaluation, scaled by the
// evaluations a timed step made. Checked against the sums written out by hand.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluationsPerStep, floorOf } from '../../bench/floor.js';

/** A floor job's result: shapes with one window each (ms per Roofline run of five products). */
const run = (ms) => ({
  shapes: [
    { layer: 'a', dims: [32, 784, 64], products: 5, splits: 1, windowsMs: [ms[0]], flopsPerRun: 5e6 },
    { layer: 'b', dims: [32, 64, 16], products: 6, splits: 2, windowsMs: [ms[1]], flopsPerRun: 1e6 },
    {
      layer: 'a, evaluation',
      dims: [1000, 784, 64],
      products: 2,
      splits: 1,
      evaluation: true,
      windowsMs: [ms[2]],
      flopsPerRun: 150e6,
    },
  ],
});

test("the floor takes each shape's fastest window and counts the evaluation per step", () => {
  const floor = floorOf([run([1.0, 0.5, 20]), run([0.8, 0.6, 25])], 1 / 250);
  // a: 0.8 / 5 × 5; b: 0.5 / 5 × 6 × 2; evaluation: 20 / 5 × 2 / 250
  const want = [0.8, 1.2, 0.032];
  for (const [i, g] of floor.shapes.entries())
    assert.ok(Math.abs(g.floorMs - want[i]) < 1e-12, `${g.layer}: ${g.floorMs}`);
  assert.ok(Math.abs(floor.floorMs - (0.8 + 1.2 + 0.032)) < 1e-12);
  // flops: 5e6 + 1e6 / 5 × 12 + 150e6 / 5 × 2 / 250
  assert.ok(Math.abs(floor.flopsPerStep - (5e6 + 2.4e6 + 0.24e6)) < 1e-3);
  assert.deepEqual(floor.shapes[2].windowsMs, [20, 25]);
  assert.equal(floor.shapes[2].perStep, 1 / 250);
  assert.equal(floor.shapes[0].perStep, 1);
});

test('without evaluations the evaluation shapes add nothing', () => {
  const floor = floorOf([run([1.0, 0.5, 20])]);
  assert.equal(floor.shapes[2].floorMs, 0);
  assert.ok(Math.abs(floor.floorMs - (1.0 + 1.2)) < 1e-12);
});

test("evaluations a step: the median of ours' rounds, 0 without them", () => {
  const ours = [0.004, 0.0041, 0.0039].map((perStep) => ({ evaluation: { rows: 1000, perStep } }));
  assert.equal(evaluationsPerStep(ours), 0.004);
  assert.equal(evaluationsPerStep(undefined), 0);
  assert.equal(evaluationsPerStep([{ windowsMs: [1] }]), 0);
});
