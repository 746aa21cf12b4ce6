// The Inside view's pure helpers: the layers of a config with the engine's
// names, the grids units are drawn in, colour scales, Adam's arithmetic, the
// slow-motion stages and the per-layer history the gradient charts draw.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  adamUpdate,
  architecture,
  biasCorrect,
  colourScale,
  gridShape,
  LayerHistory,
  relDiff,
  slowStages,
  unitAt,
  widths,
} from '../../www/lessons/inside/architecture.js';
import { HIDEABLE, parseFlags } from '../../www/state/view-flags.js';
import { LESSON_IDS } from '../../www/lessons/index.js';
import { parseEmbedAttributes } from '../../www/state/embed-attributes.js';

describe('inside: architecture', () => {
  it('names the layers as the engine does, narrowing to the code and widening again', () => {
    const layers = architecture({ input: 784, encoder: [256, 64], latent: 32, activation: 'relu', output: 'sigmoid' });
    assert.deepEqual(
      layers.map((l) => l.name),
      ['input', 'encoder.0', 'encoder.1', 'code', 'decoder.0', 'decoder.1', 'decoder.2'],
    );
    assert.deepEqual(widths({ encoder: [256, 64], latent: 32 }), [784, 256, 64, 32, 64, 256, 784]);
    assert.deepEqual(
      layers.map((l) => l.kind),
      ['input', 'hidden', 'hidden', 'code', 'hidden', 'hidden', 'output'],
    );
    assert.equal(layers[3].activation, 'identity');
    assert.equal(layers[6].activation, 'sigmoid');
    assert.equal(architecture({ kind: 'vae', encoder: [], latent: 2 })[1].name, 'code.mu');
  });

  it("a conv model's hidden layers are its blocks' feature maps (C·H·W units), named as the engine names them", () => {
    const block = (channels) => ({ channels, kernel: 3, stride: 2 });
    const conv = { encoder: [], conv: [block(8), block(16)], latent: 16 };
    assert.deepEqual(widths(conv), [784, 8 * 14 * 14, 16 * 7 * 7, 16, 16 * 7 * 7, 8 * 14 * 14, 784]);
    assert.deepEqual(
      architecture(conv).map((l) => l.name),
      ['input', 'encoder.0', 'encoder.1', 'code', 'decoder.0', 'decoder.1', 'decoder.2'],
    );
  });

  it('draws 784 units as 28×28 and others in a near-square grid; finds the unit under a point', () => {
    assert.deepEqual(gridShape(784), { cols: 28, rows: 28 });
    assert.deepEqual(gridShape(64), { cols: 8, rows: 8 });
    assert.deepEqual(gridShape(10), { cols: 4, rows: 3 });
    const shape = { ...gridShape(10), width: 10 };
    assert.equal(unitAt(0, 0, shape, 40, 30), 0);
    assert.equal(unitAt(39, 0, shape, 40, 30), 3);
    assert.equal(unitAt(15, 15, shape, 40, 30), 5);
    assert.equal(unitAt(39, 29, shape, 40, 30), -1, 'past the last unit');
    assert.equal(unitAt(-1, 0, shape, 40, 30), -1);
  });

  it('scales colours: pixels as they are, ReLU by the largest, signed by the largest size', () => {
    assert.deepEqual(colourScale([0.2, 0.9], 'pixels'), { signed: false, scale: 1 });
    assert.deepEqual(colourScale([0, 2, 4], 'relu'), { signed: false, scale: 4 });
    assert.deepEqual(colourScale([-3, 1], 'identity'), { signed: true, scale: 3 });
    assert.deepEqual(colourScale([0, 0], 'relu'), { signed: false, scale: 1 });
  });
});

describe('inside: Adam and slow motion', () => {
  it('Adam’s update from bias-corrected moments', () => {
    const mHat = biasCorrect(0.01, 0.9, 1);
    const vHat = biasCorrect(0.0001, 0.999, 1);
    assert.ok(relDiff(mHat, 0.1) < 1e-12);
    assert.ok(relDiff(vHat, 0.1) < 1e-12);
    assert.ok(relDiff(adamUpdate(0.001, mHat, vHat, 1e-8), 0.001 * (0.1 / (Math.sqrt(0.1) + 1e-8))) < 1e-12);
    assert.equal(relDiff(0, 0), 0);
  });

  it('walks batch, forward per layer, loss, backward per layer, optimiser, after', () => {
    const trace = {
      layers: [{ name: 'encoder.0' }, { name: 'code' }, { name: 'decoder.0' }],
      grads: [{ name: 'decoder.0' }, { name: 'code' }, { name: 'encoder.0' }],
    };
    assert.deepEqual(
      slowStages(trace).map((s) => s.id),
      [
        'batch',
        'forward:encoder.0',
        'forward:code',
        'forward:decoder.0',
        'loss',
        'grad:decoder.0',
        'grad:code',
        'grad:encoder.0',
        'optimizer',
        'after',
      ],
    );
  });
});

describe('inside: gradient history', () => {
  it('keeps one column per layer, gaps for values a log axis cannot show, and starts again on new layers', () => {
    const h = new LayerHistory(3);
    const s = (g, r) => ({ names: ['a', 'b'], gradNorm: Float32Array.from(g), updateRatio: Float32Array.from(r) });
    assert.equal(h.push(1, s([1, 0], [0.1, 0.2])), true);
    assert.equal(h.push(1, s([1, 1], [1, 1])), false, 'the same step again');
    h.push(2, s([2, 2], [0.2, Number.NaN]));
    assert.deepEqual(h.steps, [1, 2]);
    assert.deepEqual(h.grad[1], [null, 2]);
    assert.deepEqual(
      h.ratio[1].map((v) => v && +v.toFixed(3)),
      [0.2, null],
    );
    h.push(3, s([3, 3], [1, 1]));
    h.push(4, s([4, 4], [1, 1]));
    assert.deepEqual(h.steps, [2, 3, 4], 'at most max points');
    h.push(5, { names: ['x'], gradNorm: [1], updateRatio: [1] });
    assert.deepEqual(h.names, ['x']);
    assert.deepEqual(h.steps, [5]);
  });
});

describe('inside: registry and flags', () => {
  it('is a lesson, and hide=inside is a known part', () => {
    assert.ok(LESSON_IDS.includes('inside'));
    assert.ok(HIDEABLE.includes('inside'));
    assert.deepEqual(parseFlags('?hide=inside').flags.hide, ['inside']);
  });

  it('the web component takes lesson="inside" and hide="inside"', () => {
    const e = parseEmbedAttributes({ lesson: 'inside', hide: 'inside' }, LESSON_IDS);
    assert.equal(e.lesson, 'inside');
    assert.equal(e.hash, '#lesson=inside');
    assert.ok(e.hide.includes('inside'));
    assert.deepEqual(e.problems, []);
  });
});
