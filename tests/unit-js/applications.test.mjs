// The pure parts of the applications lessons: histogram binning and
// percentiles, ROC helpers, masks and the eraser, the ratings map's ordering,
// and the sentences the lessons write from their numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile, histogram, niceTicks, displayRange } from '../../www/charts/histogram.js';
import { rocPointAt, areaUnder, curvePath } from '../../www/charts/roc.js';
import {
  maskOf,
  masksFor,
  countMissing,
  eraseSegment,
  fillMissing,
  missingMse,
  PIXELS,
  SIDE,
} from '../../www/draw/masks.js';
import { orderByCount, ratingCounts } from '../../www/lessons/recommend/ratings-map.js';
import { paddedRange } from '../../www/charts/rmse-chart.js';
import { relation, describeComparison } from '../../www/lessons/features.js';
import { verdict } from '../../www/lessons/impute.js';

const close = (a, b, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

test('percentile interpolates between ranks as NumPy does (the engine’s threshold)', () => {
  const v = [4, 1, 3, 2]; // unsorted on purpose
  for (const [q, want] of [
    [0, 1],
    [25, 1.75],
    [50, 2.5],
    [95, 3.85],
    [100, 4],
  ])
    close(percentile(v, q), want);
  close(percentile(Float32Array.of(0.5), 99), 0.5);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('histogram counts every value once, edge values into the right bin, outliers into the last', () => {
  const { counts, edges, over, total } = histogram([0, 0.1, 0.25, 0.5, 0.99, 1, 7, -1, NaN], {
    min: 0,
    max: 1,
    bins: 4,
  });
  assert.deepEqual(counts, [3, 1, 1, 3]); // -1 joins the first bin; 1 and 7 the last
  assert.equal(over, 2);
  assert.equal(total, 8, 'NaN is skipped');
  assert.deepEqual(edges, [0, 0.25, 0.5, 0.75, 1]);
  assert.equal(
    counts.reduce((a, b) => a + b),
    total,
  );
});

test('ticks are round numbers covering the range', () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 0.063, 3), [0, 0.02, 0.04, 0.06]);
  assert.deepEqual(niceTicks(0, 12, 4), [0, 2, 4, 6, 8, 10, 12]);
  assert.deepEqual(niceTicks(0.013, 0.05, 2), [0.02, 0.04]);
  assert.deepEqual(niceTicks(3, 3), [3]);
  const { min, max } = displayRange([...Array(1000).keys()].map((i) => i / 1000).concat([50]), 0.2);
  assert.equal(min, 0);
  assert.ok(max > 0.99 && max < 1.2, `one huge error does not stretch the axis (${max})`);
  assert.ok(displayRange([0.01, 0.02], 0.5).max > 0.5, 'the threshold is always on the axis');
});

test('the ROC point at a threshold flags scores at or above it', () => {
  const scores = [0.9, 0.8, 0.7, 0.2, 0.1];
  const anomaly = [true, false, true, true, false];
  const p = rocPointAt(scores, anomaly, 0.7); // the engine's precision_recall test: tp 2, fp 1, fn 1
  close(p.tpr, 2 / 3);
  close(p.fpr, 1 / 2);
  assert.equal(p.flagged, 3);
  assert.deepEqual(rocPointAt(scores, anomaly, Infinity), { fpr: 0, tpr: 0, flagged: 0 });
  assert.ok(Number.isNaN(rocPointAt([1], [false], 0).tpr), 'no anomalies: the rate is undefined');
});

test('the area under a ROC curve by trapezoids', () => {
  close(areaUnder([0, 0, 1], [0, 1, 1]), 1);
  close(areaUnder([0, 1], [0, 1]), 0.5);
  close(areaUnder([0, 0.5, 1], [0, 0.5, 0.5]), 0.375);
});

test('the ROC path maps rates into the box and drops points that share a pixel', () => {
  const n = 1001;
  const fpr = Array.from({ length: n }, (_, i) => i / (n - 1));
  const path = curvePath(fpr, fpr, { left: 10, top: 5, size: 100 });
  assert.deepEqual(path[0], [10, 105], '(0, 0) is the bottom left');
  assert.deepEqual(path.at(-1), [110, 5], '(1, 1) is the top right, always kept');
  assert.ok(path.length > 50 && path.length < 150, `${path.length} points for 100 pixels`);
});

test('masks of each kind miss the pixels the engine’s masks miss', () => {
  const top = maskOf('top');
  assert.equal(countMissing(top), 14 * 28);
  assert.ok(top.subarray(0, 14 * 28).every((m) => m === 0) && top.subarray(14 * 28).every((m) => m === 1));
  const centre = maskOf('centre', { side: 10 });
  assert.equal(countMissing(centre), 100);
  // As src/analysis/impute.rs: rows and columns 9..18 for a side of 10.
  assert.deepEqual([centre[9 * 28 + 9], centre[9 * 28 + 8], centre[18 * 28 + 18], centre[19 * 28 + 19]], [0, 1, 0, 1]);
  assert.equal(countMissing(maskOf('centre', { side: 28 })), PIXELS);
  assert.equal(countMissing(maskOf('none')), 0);
  const random = maskOf('random', { rate: 0.3, seed: 4 });
  close(countMissing(random) / PIXELS, 0.3, 0.05);
  assert.deepEqual(random, maskOf('random', { rate: 0.3, seed: 4 }), 'seeded');
  assert.notDeepEqual(random, maskOf('random', { rate: 0.3, seed: 5 }));
  assert.equal(countMissing(maskOf('random', { rate: 0 })), 0);
  assert.equal(countMissing(maskOf('random', { rate: 1 })), PIXELS);
});

test('masks for many digits: fresh random holes per digit, or one shared mask', () => {
  const many = masksFor(3, 'random', { rate: 0.5, seed: 1 });
  assert.equal(many.length, 3 * PIXELS);
  assert.notDeepEqual(many.subarray(0, PIXELS), many.subarray(PIXELS, 2 * PIXELS));
  const own = maskOf('none');
  own[5] = 0;
  const shared = masksFor(2, 'random', {}, own);
  assert.equal(countMissing(shared), 2);
  assert.equal(shared[PIXELS + 5], 0);
});

test('the eraser removes the pixels under a stroke, and only once', () => {
  const m = maskOf('none');
  assert.equal(eraseSegment(m, 14, 14, 14, 14, 0.5), 0, 'a dot between pixel centres misses them all');
  assert.equal(eraseSegment(m, 14, 14, 14, 14, 1), 4, 'a dot at a corner takes the four pixels around it');
  assert.equal(eraseSegment(m, 14, 14, 14, 14, 1), 0, 'already erased');
  const line = maskOf('none');
  assert.equal(eraseSegment(line, 0, 3.5, 28, 3.5, 0.4), 28, 'a horizontal stroke takes one row');
  assert.ok(line.subarray(3 * SIDE, 4 * SIDE).every((v) => v === 0));
  const edge = maskOf('none');
  assert.equal(eraseSegment(edge, -5, -5, -4, -4, 1), 0, 'off the image');
  assert.equal(eraseSegment(edge, 0, 0, 0, 0, 3), countMissing(edge), 'clipped at the corner');
});

test('mean filling and the missing-pixel error count the missing pixels only', () => {
  const x = Float32Array.from({ length: 2 * PIXELS }, (_, i) => (i % 7) / 7);
  const mask = new Uint8Array(2 * PIXELS).fill(1);
  mask[3] = 0;
  mask[PIXELS + 10] = 0;
  const fill = new Float32Array(PIXELS).fill(0.5);
  const y = fillMissing(x, mask, fill);
  assert.equal(y[3], 0.5);
  assert.equal(y[PIXELS + 10], 0.5);
  assert.equal(y[4], x[4], 'observed pixels are kept');
  const want = ((0.5 - x[3]) ** 2 + (0.5 - x[PIXELS + 10]) ** 2) / 2;
  close(missingMse(y, x, mask), want, 1e-7);
  close(missingMse(y, x, mask, 1), (0.5 - x[3]) ** 2, 1e-7);
  assert.ok(Number.isNaN(missingMse(x, x, new Uint8Array(PIXELS).fill(1))), 'nothing missing, nothing to score');
});

test('the ratings map orders busiest first and counts per user and item', () => {
  assert.deepEqual(orderByCount([1, 5, 5, 0]), [1, 2, 0, 3]);
  // 3 users × 2 items: 0 unrated, 1 training, 2 held out.
  const cells = Uint8Array.of(1, 0, 2, 1, 0, 0);
  const { perUser, perItem } = ratingCounts(cells, 3, 2);
  assert.deepEqual([...perUser], [1, 2, 0]);
  assert.deepEqual([...perItem], [2, 1]);
  assert.deepEqual([...ratingCounts(cells, 3, 2, 1).perItem], [1, 0], 'only the rows read so far');
});

test('the RMSE axis hugs the data, with room, never below 0', () => {
  const [lo, hi] = paddedRange(0.9, 1.0);
  assert.ok(lo < 0.9 && lo > 0.85 && hi > 1.0 && hi < 1.05, `${lo}..${hi}`);
  assert.deepEqual(paddedRange(0.01, 0.01), [0, 0.03]);
  assert.deepEqual(paddedRange(NaN, 1), [0, 1]);
});

test('the features verdict says what this run found, either way', () => {
  assert.equal(relation(0.788, 0.77), '1.8 points ahead of');
  assert.equal(relation(0.856, 0.893), '3.7 points behind');
  assert.equal(relation(0.77, 0.775), 'level with (within a point of)');
  const rows = [
    { features: 'pixels', dims: 784, allLabels: 0.893, fewLabels: 0.77 },
    { features: 'pca', dims: 16, allLabels: 0.856, fewLabels: 0.731 },
    { features: 'codes', dims: 16, allLabels: 0.873, fewLabels: 0.788 },
  ];
  const [all, few] = describeComparison(rows);
  assert.match(
    all,
    /^With all 8,000 labels: codes 87\.3%, pixels 89\.3%, PCA 85\.6%\. The 16 codes are 2\.0 points behind the 784 pixels and 1\.7 points ahead of 16 PCA/,
  );
  assert.match(few, /^With 100 labels: .*1\.8 points ahead of the 784 pixels and 5\.7 points ahead of 16 PCA/);
  assert.deepEqual(describeComparison(rows.slice(1)), []);
});

test('the impute verdict compares with the mean image honestly', () => {
  assert.equal(verdict(0.067, 0.03, 'Five passes'), 'Five passes: 55% less error than the mean image.');
  assert.equal(verdict(0.171, 0.184, 'One pass'), 'One pass: worse than the mean image, 8% more error.');
  assert.equal(verdict(0.1, 0.101, 'One pass'), 'One pass: about as good as the mean image.');
  assert.equal(verdict(NaN, 0.1, 'x'), '');
});
