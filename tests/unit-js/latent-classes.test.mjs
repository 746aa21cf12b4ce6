// What the latent map's colours stand for (www/lessons/latent/classes.js):
// the digits, the labels of the person's own data, or none; the rows offered
// as the interpolation's ends; a table row's values in its own units. And the
// size of a mosaic of rows (www/draw/row-mosaic.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classesOf, columnsText, pickRows, rowName } from '../../www/lessons/latent/classes.js';
import { mosaicSize } from '../../www/draw/row-mosaic.js';

const table = {
  view: 'columns',
  width: 6,
  labelNames: ['usual', 'odd'],
  columnNames: ['a', 'b', 'c', 'd', 'e', 'f'],
  mean: [1, 2, 3, 4, 5, 6],
  deviation: [2, 2, 2, 2, 2, 1],
};

test('classesOf: the ten digits, the data’s own labels, or one unnamed class when it has none', () => {
  const digits = classesOf(null);
  assert.deepEqual(digits.names, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.deepEqual([digits.labelled, digits.one, digits.many], [true, 'digit', 'digits']);
  const rows = classesOf(table);
  assert.deepEqual([rows.names, rows.labelled, rows.one, rows.many], [['usual', 'odd'], true, 'row', 'rows']);
  const images = classesOf({ view: 'image', labelNames: [] });
  assert.deepEqual([images.names, images.labelled, images.one], [[''], false, 'image']);
});

test('rowName names a digit by its label, and other rows by their place and label', () => {
  assert.equal(rowName(classesOf(null), 41, 7), 'a 7');
  assert.equal(rowName(classesOf(table), 41, 1), 'row 42 (odd)');
  assert.equal(rowName(classesOf({ view: 'image', labelNames: [] }), 0, 0), 'image 1');
});

test('pickRows: the first of each digit, else rows taken in turn from each label, else the first rows', () => {
  const digitLabels = Uint8Array.from([3, 1, 0, 1, 2, 4, 5, 6, 7, 8, 3]); // no 9 among them
  assert.deepEqual(
    pickRows(classesOf(null), digitLabels).map((p) => p.index),
    [2, 1, 4, 0, 5, 6, 7, 8, 9, 0],
    'a missing digit falls back to the first row',
  );
  const labels = Uint8Array.from([0, 0, 0, 1, 0, 1, 0, 0]);
  assert.deepEqual(pickRows(classesOf(table), labels, 5), [
    { index: 0, label: 0 },
    { index: 3, label: 1 },
    { index: 1, label: 0 },
    { index: 5, label: 1 },
    { index: 2, label: 0 },
  ]);
  assert.equal(pickRows(classesOf(table), labels).length, 8, 'never more than the rows there are');
  const none = pickRows(classesOf({ view: 'image', labelNames: [] }), new Uint8Array(12));
  assert.deepEqual(
    none.map((p) => p.index),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
});

test('columnsText gives a table row’s first values in the table’s units, missing ones said so', () => {
  // value × deviation + mean: 0.5 → 2 and −1 → 1; the row starts at offset 1 of the array
  const values = Float32Array.of(9, 0.5, Number.NaN, -1, 0, 0, 0);
  assert.equal(columnsText(table, values, 1, 3), 'a 2, b missing, c 1, …');
  assert.equal(columnsText({ ...table, width: 2 }, Float32Array.of(0.25, -3), 0), 'a 1.5, b −4');
});

test('mosaicSize: tiles of the row’s shape with a border of `gap` pixels', () => {
  const digit = { width: 28, height: 28 };
  assert.deepEqual(mosaicSize({ count: 48, cols: 8, gap: 1, shape: digit }), { width: 233, height: 175 });
  assert.deepEqual(mosaicSize({ count: 225, cols: 15, gap: 0, shape: { width: 3, height: 2 } }), {
    width: 45,
    height: 30,
  });
});
