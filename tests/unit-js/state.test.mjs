// The URL hash parser and formatter (www/state/url-state.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseHash,
  formatHash,
  defaultState,
  DEFAULTS,
  toTrainerConfig,
  parseEncoder,
  parseLearningRate,
  parameterCount,
  parseConv,
  formatConv,
  convShapes,
  layerLabels,
} from '../../www/state/url-state.js';

test('an empty hash gives the defaults and no problems', () => {
  for (const h of ['', '#', undefined, null]) {
    const { state, problems } = parseHash(h);
    assert.deepEqual(state, defaultState());
    assert.deepEqual(problems, []);
  }
});

test('a full hash round-trips', () => {
  const s = {
    ...defaultState(),
    encoder: [512, 128],
    latent: 2,
    act: 'tanh',
    loss: 'bce',
    opt: 'momentum',
    lr: 0.03,
    batch: 256,
    seed: 4294967295,
    scale: 'log',
  };
  const hash = formatHash(s);
  assert.match(hash, /encoder=512,128/);
  const { state, problems } = parseHash(hash);
  assert.deepEqual(problems, []);
  assert.deepEqual(state, s);
});

test('out-of-range and unknown values fall back to defaults with a sentence each', () => {
  const { state, problems } = parseHash('#latent=0&lr=-1&act=swish');
  assert.equal(state.latent, DEFAULTS.latent);
  assert.equal(state.lr, DEFAULTS.lr);
  assert.equal(state.act, DEFAULTS.act);
  assert.equal(problems.length, 3);
  assert.match(problems[0], /Latent size/);
});

test('a good value survives next to bad ones', () => {
  const { state, problems } = parseHash('#latent=8&batch=999999&lesson=nope');
  assert.equal(state.latent, 8);
  assert.equal(state.batch, DEFAULTS.batch);
  assert.equal(state.lesson, 'reconstruct');
  assert.equal(problems.length, 2);
});

test('garbage strings never throw and always give a complete, valid state', () => {
  const garbage = [
    '#%%%',
    '#%E0%A4%A',
    '#<script>alert(1)</script>',
    '#&&&==&=',
    '#encoder=1,,2,,,3',
    '#encoder=99999',
    '#lr=1e999',
    '#lr=NaN',
    '#lr=0x10',
    '#seed=-1',
    '#seed=4294967296',
    '#latent=1.5',
    '#__proto__=1',
    '#constructor=x&toString=y',
    '#lesson=__proto__',
    '#encoder=1,2,3,4,5,6,7,8,9',
    `#${'a'.repeat(100000)}`,
    '#latent=32&latent=3',
    '#\u0000\u0001=\u2028',
    `#${'x=1&'.repeat(500)}`,
  ];
  // Plus random bytes.
  let seed = 1;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < 300; i++) {
    let s = '#';
    const n = Math.floor(rand() * 60);
    for (let j = 0; j < n; j++) s += String.fromCharCode(Math.floor(rand() * 0x2fff));
    garbage.push(s);
  }
  const keys = Object.keys(defaultState()).sort();
  for (const g of garbage) {
    const { state, problems } = parseHash(g);
    assert.deepEqual(Object.keys(state).sort(), keys, g.slice(0, 40));
    assert.ok(Array.isArray(problems) && problems.length <= 4, g.slice(0, 40));
    for (const p of problems) assert.ok(p.length < 400, 'messages stay short');
    // Whatever came in, the result formats and parses back to itself.
    assert.deepEqual(parseHash(formatHash(state)).state, state);
  }
  assert.ok(parseHash('#<script>alert(1)</script>').problems.length > 0, 'garbage is reported');
  assert.ok(!Object.prototype.polluted && !Object.hasOwn({}, '1'));
});

test('the encoder field accepts the ways people write layer sizes', () => {
  assert.deepEqual(parseEncoder('256').value, [256]);
  assert.deepEqual(parseEncoder(' 512, 128 ').value, [512, 128]);
  assert.deepEqual(parseEncoder('512 128').value, [512, 128]);
  assert.deepEqual(parseEncoder('').value, []);
  assert.ok(parseEncoder('abc').error);
  assert.ok(parseEncoder('0').error);
  assert.ok(parseEncoder('4097').error);
});

test('learning rates in plain and scientific notation', () => {
  assert.equal(parseLearningRate('0.001').value, 0.001);
  assert.equal(parseLearningRate('1e-4').value, 1e-4);
  assert.equal(parseLearningRate('.5').value, 0.5);
  for (const bad of ['0', '-0.1', '11', 'Infinity', '1e-', '', ' ', '0.1.2'])
    assert.ok(parseLearningRate(bad).error, bad);
});

test('the trainer config carries every setting', () => {
  const s = { ...defaultState(), encoder: [64], latent: 2, seed: 7 };
  assert.deepEqual(toTrainerConfig(s), {
    model: { encoder: [64], latent: 2, activation: 'relu' },
    train: { loss: 'mse', optimizer: 'adam', lr: 0.002, batchSize: 64, seed: 7 },
  });
});

test('parameter count matches the Rust formula (2ab + a + b per encoder pair)', () => {
  const s = { ...defaultState(), encoder: [256], latent: 32 };
  const pair = (a, b) => 2 * a * b + a + b;
  assert.equal(parameterCount(s), pair(784, 256) + pair(256, 32));
});

test('conv blocks: the short and the full way to write them, and what is refused', () => {
  const b = (channels, kernel = 3, stride = 2) => ({ channels, kernel, stride });
  assert.deepEqual(parseConv('16,8,8').value, [b(16), b(8), b(8)]);
  assert.deepEqual(parseConv(' 16k5s1 8 ').value, [b(16, 5, 1), b(8)]);
  assert.deepEqual(parseConv('none').value, []);
  assert.deepEqual(parseConv('').value, []);
  for (const [text, says] of [
    ['0', 'each block needs 1 to 256 channels, got 0'],
    ['300', 'each block needs 1 to 256 channels, got 300'],
    ['8k0', 'a kernel is 1 to 9 pixels wide, got 0'],
    ['8k11', 'a kernel is 1 to 9 pixels wide, got 11'],
    ['8s5', 'the stride is 1 to 4, got 5'],
    ['8x3', 'is not a block'],
    ['1,1,1,1,1,1,1,1,1', 'at most 8 conv blocks'],
  ]) {
    assert.ok(parseConv(text).error?.includes(says), `${text}: ${parseConv(text).error}`);
  }
  for (const text of ['16,8,8', '16k5s1,8', 'none']) assert.equal(formatConv(parseConv(text).value), text);
});

test('a conv link round-trips, and a dense link does not mention conv', () => {
  const s = { ...defaultState(), conv: parseConv('16,8k5s1').value };
  const hash = formatHash(s);
  assert.ok(hash.includes('conv=16,8k5s1'), hash);
  assert.deepEqual(parseHash(hash).state, s);
  assert.ok(!formatHash(defaultState()).includes('conv='));
  const cfg = toTrainerConfig(s);
  assert.deepEqual(cfg.model.encoder, [], 'conv blocks replace the widths');
  assert.deepEqual(cfg.model.conv, s.conv);
  assert.deepEqual(parseHash('#conv=0').problems, [
    'Conv blocks "0" was not used: each block needs 1 to 256 channels, got 0. Using the default, none.',
  ]);
});

test('conv shapes and parameter count match src/config.rs (blog-shaped model: 12,153, as tests/conv.rs counts)', () => {
  const state = { ...defaultState(), conv: parseConv('16,8,8').value, latent: 32 };
  assert.deepEqual(
    convShapes(state.conv).map((s) => [s.channels, s.height, s.width]),
    [
      [1, 28, 28],
      [16, 14, 14],
      [8, 7, 7],
      [8, 4, 4],
    ],
  );
  // 1→16: 2·16·9 + 1 + 16 = 305; 16→8: 2·128·9 + 24 = 2328; 8→8: 2·64·9 + 16 = 1168; dense 128↔32: 2·4096 + 160 = 8352.
  assert.equal(parameterCount(state), 12153);
  assert.deepEqual(layerLabels(state), [
    '1×28×28',
    '16×14×14',
    '8×7×7',
    '8×4×4',
    '32',
    '8×4×4',
    '8×7×7',
    '16×14×14',
    '1×28×28',
  ]);
});
