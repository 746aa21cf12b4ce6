// The lessons on the person's own data (issue 17, item 4), the parts node can
// reach: which lessons take which data, how a row of any data is drawn (its
// shape and colour scale), holes made at that shape for the Impute lesson,
// and the row arithmetic the lessons share (batching with the chosen row, the
// error with missing cells left out, the sampler on a small data set).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIGIT_SHAPE, rowShape, valueScale } from '../../www/draw/row-pictures.js';
import {
  accepted,
  carriedData,
  chooseData,
  fitsDigitLessons,
  lessonData,
  lessonInfo,
  ownData,
} from '../../www/state/own-data.js';
import { DEFAULTS } from '../../www/state/url-state.js';
import { LESSONS, lessonsFor } from '../../www/lessons/index.js';
import { countMissing, fillMissing, maskFits, maskOf, masksFor, missingMse } from '../../www/draw/masks.js';
import { mse, withDrawing } from '../../www/lessons/kit/pixels.js';
import { cyclingSampler } from '../../www/lessons/kit/pad-card.js';
import { layerLabels, layerWidths, parameterCount } from '../../www/state/url-state.js';

const table = { title: 't.csv', rows: 400, width: 6, view: 'columns', labelNames: ['odd', 'usual'] };
const unlabelled = { ...table, labelNames: [] };
const colour = { title: 'c', rows: 120, width: 3072, view: 'image', shape: { channels: 3, height: 32, width: 32 } };
const gray28 = {
  title: 'g',
  rows: 120,
  width: 784,
  view: 'image',
  shape: { channels: 1, height: 28, width: 28 },
  labelNames: ['bar', 'round'],
};
const sensors = {
  title: 's',
  rows: 1000,
  width: 128,
  view: 'signals',
  signals: { names: ['a', 'b', 'c', 'd'], length: 32 },
};

test('a lesson takes own data by what it accepts and whether it needs labels', () => {
  assert.equal(accepted('any', table), true);
  assert.equal(accepted('images', table), false);
  assert.equal(accepted('images', colour), true);
  assert.equal(accepted('digits', colour), false);
  assert.equal(accepted('digits', gray28), true);
  assert.equal(accepted('any', unlabelled, { needsLabels: true }), false);
  assert.equal(accepted('any', table, { needsLabels: true }), true);
  assert.equal(accepted('any', null), false);
  assert.equal(fitsDigitLessons(gray28), true);

  // Only once the link names it (data=own), and only where the lesson can use it.
  Object.assign(ownData, { id: 'own-1', info: table });
  chooseData({ ...DEFAULTS });
  assert.equal(lessonData({ accepts: 'any' }), null, 'not chosen: the digits');
  chooseData({ ...DEFAULTS, data: 'own' });
  assert.deepEqual(lessonData({ accepts: 'any' }), { kind: 'own', id: 'own-1' });
  assert.equal(lessonData({ accepts: 'images' }), null);
  assert.equal(lessonData(), null, 'a lesson that says nothing takes 28×28 gray pictures only');
  assert.equal(lessonInfo({ accepts: 'any' }), table);
  Object.assign(ownData, { id: null, info: null });
  const missing = chooseData({ ...DEFAULTS, data: 'own' });
  assert.equal(missing.missing, true, 'a link naming own data the tab lacks');
  assert.equal(lessonData({ accepts: 'any' }), null, 'then the digits');
  chooseData({ ...DEFAULTS });
});

test('a generated set named in the link goes to the lessons that can take it, with its settings', () => {
  const sensors = chooseData({ ...DEFAULTS, data: 'sensors', rows: 2000, dseed: 7, faults: 0.3 });
  assert.deepEqual(sensors.spec, { kind: 'generated', name: 'sensors', rows: 2000, seed: 7, share: 0.3 });
  assert.equal(sensors.info.width, 128);
  assert.equal(sensors.info.trainRows, 1600);
  assert.equal(sensors.info.scoredRows, 500);
  assert.deepEqual(lessonData({ accepts: 'any' }), sensors.spec);
  assert.equal(lessonData({ accepts: 'images' }), null, 'signals are no pictures');
  assert.equal(lessonData({ accepts: 'any', needsLabels: true }), null, 'its training windows are all healthy');
  const curve = chooseData({ ...DEFAULTS, data: 'curve', dnoise: 0.2 });
  assert.deepEqual(curve.spec, { kind: 'generated', name: 'curve', rows: 4000, seed: 1, share: 0.2 });
  assert.equal(lessonInfo({ accepts: 'any', needsLabels: true }), curve.info, 'the curve has its bands as labels');
  const refused = chooseData({ ...DEFAULTS, data: 'curve', rows: 99 });
  assert.match(refused.error, /number of rows must be a whole number from 100 to 50,000/);
  assert.equal(lessonData({ accepts: 'any' }), null);
  chooseData({ ...DEFAULTS });
});

test("the menu carries the data the other lessons name, and Your data's only when it says so", () => {
  const yourData = { dataSpec: () => null };
  ownData.inLessons = false;
  const sensors = { ...DEFAULTS, data: 'sensors', dseed: 2 };
  assert.equal(carriedData(sensors, yourData), '', 'Your data, button off');
  ownData.inLessons = true;
  assert.equal(carriedData(sensors, yourData), '&data=sensors&dseed=2');
  assert.equal(carriedData({ ...DEFAULTS }, { id: 'reconstruct' }), '', 'the digits: nothing');
  assert.equal(ownData.inLessons, false, 'and the button is off again');
  assert.equal(carriedData({ ...DEFAULTS, data: 'curve', rows: 1000 }, {}), '&data=curve&rows=1000');
  assert.equal(ownData.inLessons, true);
  ownData.inLessons = false;
});

test('the registry names the lessons a data set can go to', () => {
  const titles = (info) => lessonsFor(info).split(', ');
  const all = titles(gray28);
  for (const t of [
    'Reconstruct',
    'Denoise',
    'Latent space',
    'Quality metrics',
    'Filters',
    'Anomalies',
    'Features',
    'Impute',
  ])
    assert.ok(all.includes(t), t);
  assert.ok(!all.includes('Your data') && !all.includes('Recommend'));
  const onTable = titles(table);
  assert.ok(onTable.includes('Features') && onTable.includes('Impute'));
  assert.ok(!onTable.includes('Quality metrics') && !onTable.includes('Filters') && !onTable.includes('Contractive'));
  assert.ok(!titles(unlabelled).includes('Features'), 'features need labels');
  assert.ok(titles(colour).includes('Filters'));
  for (const l of LESSONS) assert.ok([undefined, 'any', 'images', 'none'].includes(l.accepts), l.id);
  assert.equal(accepted('none', gray28), false);
});

test('a row is drawn at its shape: pictures at their size, numbers as a block of cells', () => {
  assert.equal(rowShape(null), DIGIT_SHAPE);
  assert.deepEqual(rowShape(gray28), { kind: 'image', size: 784, channels: 1, height: 28, width: 28, digits: true });
  assert.equal(rowShape(colour).digits, false);
  assert.equal(rowShape(colour).size, 3072);
  const t = rowShape(table);
  assert.deepEqual([t.kind, t.width, t.height], ['values', 3, 2]);
  const big = rowShape({ ...table, width: 50 });
  assert.ok(big.width * big.height >= 50 && (big.width - 1) * big.height < 50, 'about square, no spare row');
  const s = rowShape(sensors);
  assert.deepEqual([s.height, s.width], [4, 32], 'one line of cells per sensor');
});

test('rows of numbers are coloured at the 98th percentile of their sizes', () => {
  const v = Float32Array.from({ length: 100 }, (_, i) => (i % 2 ? -1 : 1) * (i + 1));
  assert.equal(valueScale(v), 99);
  assert.equal(valueScale([NaN, 0, 0]), 1, 'nothing to scale by');
  assert.equal(valueScale([2, NaN, -4]), 4);
});

test('holes are made at the rows’ shape', () => {
  const img = rowShape(colour);
  const top = maskOf('top', {}, img);
  assert.equal(top.length, 3072);
  assert.equal(countMissing(top), 3 * 16 * 32, 'the top half of each channel');
  assert.equal(top[1024 + 15 * 32 + 31], 0);
  assert.equal(top[1024 + 16 * 32], 1);
  const centre = maskOf('centre', { side: 10 }, img);
  assert.equal(countMissing(centre), 3 * 100);
  assert.equal(centre[2048 + 11 * 32 + 11], 0);
  assert.equal(centre[2048 + 10 * 32 + 10], 1);
  const rows = rowShape(sensors);
  assert.equal(countMissing(maskOf('top', {}, rows)), 64, 'rows of numbers: the first half of the block (two sensors)');
  assert.equal(maskFits('centre', rows), false);
  assert.equal(maskFits('erase', img), false);
  assert.equal(maskFits('erase', DIGIT_SHAPE), true);
  assert.equal(countMissing(maskOf('centre', { side: 10 }, rows)), 0, 'no square in rows of numbers');
  const many = masksFor(3, 'random', { rate: 0.5, seed: 2 }, null, rowShape(table));
  assert.equal(many.length, 18);
  // Unchanged for the digits.
  assert.deepEqual(maskOf('top'), maskOf('top', {}, DIGIT_SHAPE));
});

test('filling and scoring holes work on rows of any width', () => {
  const x = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const mask = Uint8Array.from([1, 0, 1, 1, 1, 0]);
  assert.deepEqual([...fillMissing(x, mask, Float32Array.from([9, 8, 7]))], [1, 8, 3, 4, 5, 7]);
  const pred = Float32Array.from([0, 4, 0, 0, 0, 3]);
  // (4-2)² and (3-6)² over 2 missing cells.
  assert.equal(missingMse(pred, x, mask, 2, 3), (4 + 9) / 2);
  assert.equal(missingMse(pred, x, mask, 1, 3), 4, 'the first row only');
});

test('the lessons batch rows of any width with the chosen row, and skip missing cells in errors', () => {
  const rows = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const x = withDrawing(rows, 2, Float32Array.from([7, 8, 9]), 3);
  assert.deepEqual([...x], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(withDrawing(rows, 2, null, 3).length, 6);
  assert.equal(mse([1, NaN, 3], [2, 5, 3]), 0.5, 'the missing cell is left out');
  assert.equal(mse([NaN], [1]), 0);
  // A sampler on fewer rows than asked for cycles through those there are.
  const sample = cyclingSampler(() => rows, 16, 3);
  assert.deepEqual([...sample()], [1, 2, 3]);
  assert.deepEqual([...sample()], [4, 5, 6]);
  assert.deepEqual([...sample()], [1, 2, 3]);
});

test('the settings’ shape line counts the inputs of the data the lesson trains on', () => {
  const state = { encoder: [32], latent: 2, conv: [] };
  assert.deepEqual(layerWidths(state), [784, 32, 2, 32, 784]);
  assert.deepEqual(layerWidths(state, table), [6, 32, 2, 32, 6]);
  // 6·32+32 + 32·2+2 + 2·32+32 + 32·6+6
  assert.equal(parameterCount(state, table), 224 + 66 + 96 + 198);
  const conv = { encoder: [], latent: 4, conv: [{ channels: 8, kernel: 3, stride: 2 }] };
  assert.deepEqual(layerLabels(conv, colour), ['3×32×32', '8×16×16', '4', '8×16×16', '3×32×32']);
});

test("the words for a grid call a person's pictures images and rows rows, with their label names", async () => {
  const { digitRowsWords } = await import('../../www/lessons/kit/alt-text.js');
  const rows = [{ name: 'originals', canvases: [0, 1, 2] }];
  const words = (shape, names) => digitRowsWords({ pictures: { shape }, labels: [0, 1, 1], names, rows });
  assert.equal(words({ kind: 'image', digits: true }, undefined), '3 digits: 0, 1 and 1. Rows: originals');
  assert.equal(
    words({ kind: 'image', digits: true }, ['bar', 'round']),
    '3 images: bar, round and round. Rows: originals',
  );
  assert.equal(words({ kind: 'values', digits: false }, []), '3 rows: 0, 1 and 1. Rows: originals');
});
