// Data beyond the digits, the parts node can reach (issue 17): the worker's
// sources (configs fitted to the data, refusals), the rows' anomaly scores
// (missing cells left out, as in the engine's mse_present), the ROC curve
// against a brute-force count of ranked pairs, the CSV of scores, and the
// plane through PCA's reconstructions of the curve.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitConfig, generatedSource, imagesSource, tableSource, trainingRows } from '../../www/worker/data-source.js';
import { rowError, scoreRows, topRows } from '../../www/worker/row-scores.js';
import { rocCurve, scoresCsv, worstColumns } from '../../www/lessons/data/scores.js';
import { planeThrough } from '../../www/lessons/data/curve-view.js';
import { errorMap } from '../../www/lessons/data/anomaly-card.js';
import { filterPicture } from '../../www/lessons/data/image-card.js';
import { meanAbs } from '../../www/lessons/data.js';

const rowsInfo = { title: 'Sensors', width: 128, view: 'signals' };
const imageInfo = { title: 'Pictures', width: 3 * 8 * 8, view: 'image', shape: { channels: 3, height: 8, width: 8 } };

test('a config is fitted to the data: its width, a linear output for values, conv blocks for images only', () => {
  const cfg = { model: { encoder: [64], latent: 2, output: 'sigmoid' }, train: { loss: 'mse', lr: 0.01 } };
  const rows = fitConfig(cfg, rowsInfo);
  assert.equal(rows.model.input, 128);
  assert.equal(rows.model.output, 'identity');
  assert.equal(rows.train.lr, 0.01);
  assert.equal(cfg.model.input, undefined, 'the config passed in is not changed');
  const img = fitConfig({ model: { conv: [{ channels: 8, kernel: 3, stride: 2 }], latent: 4 }, train: {} }, imageInfo);
  assert.equal(img.model.input, 192);
  assert.deepEqual(img.model.image, { channels: 3, height: 8, width: 8 });
  assert.equal(img.model.output, undefined, 'images keep the sigmoid output');
  assert.throws(() => fitConfig({ model: { conv: [{ channels: 8 }] } }, rowsInfo), /Convolutional blocks need images/);
  // A minibatch holds at most the training rows: 60 images keep 6 for validation and 6 for testing.
  assert.equal(trainingRows(60), 48);
  assert.equal(trainingRows(3), 1);
  assert.equal(fitConfig({ train: { batchSize: 64 } }, { ...imageInfo, trainRows: 48 }).train.batchSize, 48);
  assert.equal(fitConfig({ train: { batchSize: 32 } }, { ...imageInfo, trainRows: 48 }).train.batchSize, 32);
  assert.throws(
    () => fitConfig({ model: {}, train: { loss: 'bce' } }, rowsInfo),
    /BCE loss needs values between 0 and 1/,
  );
});

test('generated sets: settings out of range are refused with what is allowed; sensors train on healthy windows only', () => {
  const calls = [];
  const labMod = {
    generateData(kind, rows, seed, share) {
      calls.push([kind, rows, seed, share]);
      const width = kind === 'curve' ? 3 : 128;
      const labels = Uint8Array.from({ length: rows }, (_, i) => (share > 0 && i % 5 === 0 ? 1 : 0));
      return { values: new Float32Array(rows * width), labels, width, labelNames: ['a', 'b'], columnNames: [] };
    },
  };
  assert.throws(() => generatedSource(labMod, { name: 'spiral', rows: 100, seed: 1 }), /"curve" and "sensors"/);
  assert.throws(() => generatedSource(labMod, { name: 'curve', rows: 5, seed: 1 }), /from 100 to 50,000/);
  assert.throws(() => generatedSource(labMod, { name: 'curve', rows: 100, seed: -1 }), /data seed/);
  const s = generatedSource(labMod, { name: 'sensors', rows: 4000, seed: 2 ** 32 - 1, share: 0.2 });
  assert.deepEqual(calls, [
    ['sensors', 4000, 2 ** 32 - 1, 0],
    ['sensors', 1000, 0, 0.2],
  ]);
  assert.equal(s.info.scoredRows, 1000);
  assert.equal(s.scored.count, 1000);
  assert.equal(s.info.normalLabel, 0);
  assert.deepEqual(s.info.signals, { names: ['vibration', 'temperature', 'current', 'pressure'], length: 32 });
  const made = [];
  s.make(
    { Trainer: { fromValues: (cfg, values, labels) => made.push([cfg.model.input, values.length, labels.length]) } },
    {
      model: {},
      train: {},
    },
  );
  assert.deepEqual(made, [[128, 4000 * 128, 4000]], 'the trainer gets the healthy rows, not the held-out ones');
});

test('tables: the most common class is the normal one; images: sizes and counts are checked', () => {
  const labMod = {
    readTable: () => ({
      rows: 4,
      columns: ['a', 'b'],
      values: new Float32Array(8),
      mean: Float32Array.of(1, 2),
      deviation: Float32Array.of(1, 1),
      constant: [],
      labels: Uint8Array.of(1, 0, 1, 1),
      classes: ['fraud', 'ok'],
      leftOut: [{ column: 'name', reason: 'text' }],
      missing: 0,
    }),
  };
  const t = tableSource(labMod, { bytes: new Uint8Array(1), label: 'kind', name: 'x.csv' });
  assert.equal(t.info.normalLabel, 1);
  assert.equal(t.info.title, 'x.csv');
  assert.throws(() => tableSource(labMod, { label: null }), /No table file/);
  const values = new Float32Array(4 * 3 * 2 * 2);
  const i = imagesSource({ values, channels: 3, height: 2, width: 2, labels: null, name: 'pics' });
  assert.equal(i.info.rows, 4);
  assert.equal(i.info.width, 12);
  assert.throws(() => imagesSource({ values: new Float32Array(13), channels: 3, height: 2, width: 2 }), /stated size/);
  assert.throws(
    () => imagesSource({ values: new Float32Array(24), channels: 3, height: 2, width: 2 }),
    /At least 3 images/,
  );
});

test('a row’s error leaves missing cells out, and the worst rows and columns are found', () => {
  const errors = new Float32Array(3);
  assert.equal(rowError(Float32Array.of(1, Number.NaN, 3), Float32Array.of(0, 9, 1), errors), (1 + 4) / 2);
  assert.ok(Number.isNaN(errors[1]));
  assert.deepEqual([...errors].filter(Number.isFinite), [1, 4]);
  assert.deepEqual(topRows(Float32Array.of(0.1, 0.5, 0.5, 0.2), 3), [1, 2, 3]);
  assert.deepEqual(worstColumns(Float32Array.of(1, Number.NaN, 4, 2), 2), [2, 3]);
  // A trainer that rebuilds every row as zeros: the score is the mean square of the present cells.
  const trainer = { reconstruct: (x) => new Float32Array(x.length) };
  const width = 2;
  const n = 600; // more than one chunk of 256
  const values = Float32Array.from({ length: n * width }, (_, k) => (k % 7 === 3 ? Number.NaN : k % 5));
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 2);
  const r = scoreRows(trainer, { values, labels, width, count: n }, 4);
  for (let i = 0; i < n; i++) {
    const present = [values[2 * i], values[2 * i + 1]].filter((v) => !Number.isNaN(v));
    const want = present.length ? present.reduce((a, v) => a + v * v, 0) / present.length : 0;
    assert.ok(Math.abs(r.scores[i] - want) < 1e-6, `row ${i}: ${r.scores[i]} vs ${want}`);
  }
  assert.equal(r.top.length, 4);
  assert.ok(r.top[0].score >= r.top[3].score);
  assert.notEqual(r.labels, labels, 'the labels are a copy (the result is transferred)');
  const f = scoreRows(
    { reconstruct: (x) => new Float32Array(x.length).fill(7) },
    { values, labels, width, count: n },
    1,
    {
      fill: true,
    },
  );
  for (let k = 0; k < values.length; k++) assert.equal(f.filled[k], Number.isNaN(values[k]) ? 7 : values[k]);
  assert.equal(Number.isNaN(values[3]), true, 'the values themselves are not changed');
});

test('the ROC curve’s area is the share of (anomaly, normal) pairs ranked right, ties counting half', () => {
  let seed = 3;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let trial = 0; trial < 20; trial++) {
    const n = 60;
    const isAnomaly = Array.from({ length: n }, () => rand() < 0.3);
    const scores = Float32Array.from(isAnomaly, (a) => Math.round((rand() + (a ? 0.4 : 0)) * 10) / 10);
    let pairs = 0;
    let right = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (!isAnomaly[i] || isAnomaly[j]) continue;
        pairs += 1;
        right += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    const curve = rocCurve(scores, isAnomaly);
    assert.ok(Math.abs(curve.auc - right / pairs) < 1e-9, `trial ${trial}: ${curve.auc} vs ${right / pairs}`);
    assert.deepEqual([curve.fpr[0], curve.tpr[0]], [0, 0]);
    assert.deepEqual([curve.fpr.at(-1), curve.tpr.at(-1)], [1, 1]);
  }
  assert.equal(rocCurve(Float32Array.of(1, 2), [false, false]), null);
});

test('the CSV of scores quotes what needs quoting, undoes the standardisation and leaves missing cells empty', () => {
  const text = scoresCsv({
    scores: Float32Array.of(0.5, 2),
    labels: Uint8Array.of(0, 1),
    labelNames: ['ok', 'odd, "really"'],
    values: Float32Array.of(1, Number.NaN, -1, 0),
    width: 2,
    columnNames: ['a', 'b,c'],
    toOriginal: (j, v) => v * 10 + j,
  });
  assert.equal(text, 'row,label,anomaly_score,a,"b,c"\r\n1,ok,0.5,10,\r\n2,"odd, ""really""",2,-10,1\r\n');
  const filled = scoresCsv({
    scores: Float32Array.of(0.5),
    values: Float32Array.of(1, Number.NaN),
    filled: Float32Array.of(1, 0.25),
    width: 2,
    columnNames: ['a', 'b'],
  });
  assert.equal(filled, 'row,anomaly_score,a,b,filled_by_network\r\n1,0.5,1,0.25,b\r\n');
});

test('an image’s error map sums its channels and scales to [0, 1]', () => {
  const errors = Float32Array.of(1, 0, 3, 0, 1, 0, 0, 0, Number.NaN, 0, 0, 2); // 3 channels of 2×2
  // Per pixel: 1 + 1 + (missing) = 2, 0, 3 + 0 + 0 = 3, 0 + 0 + 2 = 2; scaled by the largest, 3.
  const map = errorMap(errors, { channels: 3, height: 2, width: 2 });
  for (const [p, want] of [2 / 3, 0, 1, 2 / 3].entries()) {
    assert.ok(Math.abs(map[p] - want) < 1e-6, `pixel ${p}: ${map[p]}`);
  }
});

test('a filter is a unit’s input weights, scaled around mid-gray by their largest size', () => {
  // 3 inputs × 2 units, row-major: unit 1's weights are the second column, (2, -4, 0).
  const encoder = Float32Array.of(1, 2, 0.5, -4, 0, 0);
  assert.deepEqual([...filterPicture(encoder, 2, 1, 3)], [0.75, 0, 0.5]);
  assert.deepEqual([...filterPicture(new Float32Array(6), 2, 0, 3)], [0.5, 0.5, 0.5]);
});

test('the code bars are the mean size of each code number', () => {
  // Two rows of a 3-number code: (1, -2, 0) and (-3, 2, 0.5).
  assert.deepEqual(meanAbs(Float32Array.of(1, -2, 0, -3, 2, 0.5), 3), [2, 2, 0.25]);
});

test('the plane through points on a plane is found, and points off any plane give none', () => {
  const pts = [];
  for (let i = 0; i < 30; i++) {
    const [s, t] = [Math.sin(i), Math.cos(3 * i)];
    pts.push(1 + s + t, 2 - s, 3 + 2 * t); // spanned by (1, -1, 0) and (1, 0, 2)
  }
  const p = planeThrough(Float32Array.from(pts));
  const normal = [2, 2, -1]; // orthogonal to both directions
  for (const b of p.basis) {
    assert.ok(Math.abs(b[0] * normal[0] + b[1] * normal[1] + b[2] * normal[2]) < 1e-4);
    assert.ok(Math.abs(Math.hypot(...b) - 1) < 1e-9);
  }
  const [u, w] = p.basis;
  assert.ok(Math.abs(u[0] * w[0] + u[1] * w[1] + u[2] * w[2]) < 1e-9);
  assert.equal(planeThrough(Float32Array.of(0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1)), null);
});
