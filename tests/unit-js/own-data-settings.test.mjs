// The settings of the Anomalies and Features lessons follow the data they train on (issue 17, item 4):
// on the digits they are as they were; on a person's own data the held-out class is one of its labels
// (none without labels), the link's digit that is no class of theirs holds nothing out, and the code
// and minibatch defaults fit short rows and small data sets. The trainer config is what the engine gets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseData, ownData } from '../../www/state/own-data.js';
import { defaultState, parseHash, trainerConfigs } from '../../www/state/url-state.js';
import { LESSON_IDS } from '../../www/lessons/index.js';
import anomalies, { heldOutClass } from '../../www/lessons/anomalies.js';
import features from '../../www/lessons/features.js';

const table = { title: 't.csv', rows: 400, trainRows: 320, width: 6, view: 'columns', labelNames: ['odd', 'usual'] };
const folders = {
  title: 'shapes.zip',
  rows: 120,
  trainRows: 96,
  width: 768,
  view: 'image',
  shape: { channels: 3, height: 16, width: 16 },
  labelNames: ['bar', 'round'],
  normalLabel: 0,
};

/** Runs `body` with `info` in the lessons (state/own-data.js), then back to the digits. */
function withOwn(info, body) {
  Object.assign(ownData, { id: 'own-1', info });
  chooseData({ data: 'own' });
  try {
    body();
  } finally {
    Object.assign(ownData, { id: null, info: null });
    chooseData({ data: 'digits' });
  }
}

const options = () => anomalies.settings.exclude.control.options.map((o) => [o.value, o.label]);
const excludeClass = (hash) =>
  trainerConfigs(parseHash(hash, { lessonIds: LESSON_IDS, lesson: anomalies }).state, anomalies).main.train
    .excludeClass;

test('on the digits the held-out class is a digit, 2 by default, as before', () => {
  const s = anomalies.settings.exclude;
  assert.equal(s.label, 'Held-out digit');
  assert.equal(s.default, '2');
  assert.equal(options().length, 11);
  assert.deepEqual(options()[3], ['2', '2']);
  assert.equal(excludeClass('#lesson=anomalies'), 2);
  assert.equal(excludeClass('#lesson=anomalies&exclude=7'), 7);
  assert.equal(excludeClass('#lesson=anomalies&exclude=none'), null);
  assert.deepEqual(defaultState(anomalies).latent, 16);
  assert.deepEqual(defaultState(features).latent, 16);
  assert.match(s.hint({ exclude: '2' }), /never sees a 2/);
});

test('on a labelled table the classes are its labels; a digit it does not have holds nothing out', () => {
  withOwn(table, () => {
    const s = anomalies.settings.exclude;
    assert.equal(s.label, 'Held-out class');
    assert.deepEqual(options(), [
      ['none', 'None: train on every class'],
      ['0', 'odd'],
      ['1', 'usual'],
    ]);
    // No normal class is known: the first class is held out.
    assert.equal(s.default, '0');
    assert.equal(excludeClass('#lesson=anomalies'), 0);
    assert.equal(excludeClass('#lesson=anomalies&exclude=1'), 1);
    assert.equal(excludeClass('#lesson=anomalies&exclude=7'), null, 'the table has no class 7');
    assert.match(s.hint({ exclude: '0' }), /never sees rows of class “odd” while training/);
    assert.match(s.hint({ exclude: '7' }), /no class number 7 .*numbered 0 to 1/);
    // A code of 16 numbers on rows of 6 could copy every row: the defaults are smaller.
    assert.equal(defaultState(anomalies).latent, 3);
    assert.equal(defaultState(anomalies).batch, 64);
    assert.equal(defaultState(features).latent, 3);
  });
});

test('on labelled pictures the default holds out a class that is not the most common', () => {
  withOwn(folders, () => {
    assert.equal(anomalies.settings.exclude.default, '1');
    assert.equal(heldOutClass({ exclude: '1' }), 1);
    // 96 training pictures, half of them held out: the minibatch must fit the 48 or so left.
    assert.equal(defaultState(anomalies).batch, 24);
    assert.equal(defaultState(anomalies).latent, 16);
  });
  withOwn({ ...folders, labelNames: Array.from({ length: 12 }, (_, i) => `c${i}`) }, () => {
    assert.equal(options().length, 11, 'the engine holds out a class numbered 0 to 9');
    assert.match(anomalies.settings.exclude.hint({ exclude: '3' }), /Only the first 10 of its 12 classes/);
  });
});

test('data without labels cannot hold out a class, and says so', () => {
  withOwn({ ...table, labelNames: [] }, () => {
    const s = anomalies.settings.exclude;
    assert.deepEqual(options(), [['none', 'None (your data has no labels)']]);
    assert.equal(s.default, 'none');
    assert.equal(excludeClass('#lesson=anomalies'), null);
    assert.equal(excludeClass('#lesson=anomalies&exclude=2'), null);
    assert.match(s.hint({ exclude: 'none' }), /no labels, so no class can be held out/);
  });
});
