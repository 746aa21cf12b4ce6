// www/state/model-file.js: file names, the loss history as CSV, a saved model's
// config turned back into the page's settings, and the summary read from a
// safetensors header — with garbage in, never an exception out.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  modelFileName,
  historyFileName,
  pictureFileName,
  historyCsv,
  settingsFromConfig,
  hashForConfig,
  shapeDifferences,
  readModelSummary,
} from '../../www/state/model-file.js';
import { parseHash, trainerConfigs } from '../../www/state/url-state.js';
import { lessonForModel } from '../../www/state/model-file.js';
import { choice, range, numberChoice } from '../../www/state/setting-types.js';

// Lessons as the page has them (www/lessons/*.js), reduced to what decides their trainer config.
const FAKE = {
  reconstruct: { id: 'reconstruct' },
  denoise: {
    id: 'denoise',
    settings: {
      noise: choice(
        'Noise type',
        [
          ['gaussian', 'G'],
          ['masking', 'M'],
        ],
        'gaussian',
      ),
      level: range('Noise level', { min: 0, max: 1, step: 0.05, def: 0.4 }),
    },
    config(state, cfg) {
      cfg.train.noise = state.noise;
      cfg.train.noiseLevel = state.level;
      return cfg;
    },
  },
  generate: {
    id: 'generate',
    settings: { beta: numberChoice('KL weight β', [0, 1], 1, { min: 0, max: 100 }) },
    defaults: { latent: 2 },
    config(state, cfg) {
      cfg.model.kind = 'vae';
      cfg.train.beta = state.beta;
      return cfg;
    },
  },
  latent: { id: 'latent' },
};
const load = async (id) => FAKE[id] ?? null;

const LESSONS = ['reconstruct', 'denoise', 'sparse', 'contractive', 'generate'];

/** A safetensors file with only a header: 8-byte little-endian length, then JSON. */
function safetensors(header) {
  const json = Buffer.from(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

test('file names carry the lesson and the step, and nothing unsafe', () => {
  assert.equal(modelFileName('denoise', 1200), 'autoencoder-denoise-step-1200.safetensors');
  assert.equal(historyFileName('denoise', 1200), 'autoencoder-denoise-step-1200-loss.csv');
  assert.equal(pictureFileName('reconstruct', 'Validation digits'), 'autoencoder-reconstruct-validation-digits.png');
  assert.equal(modelFileName('../../etc<x>', NaN), 'autoencoder-etc-x-step-0.safetensors');
  assert.equal(pictureFileName('a', ''), 'autoencoder-a-model.png');
});

test('the history as CSV: one row per step, epoch columns on the step each epoch ended', () => {
  const csv = historyCsv({
    steps: [1, 2, 3],
    losses: [0.5, 0.25, NaN],
    epochs: [{ epoch: 1, step: 2, trainLoss: 0.4, valLoss: 0.3, valMse: 0.2 }],
  });
  assert.equal(
    csv,
    'step,train_loss,epoch,epoch_train_loss,val_loss,val_mse\n1,0.5,,,,\n2,0.25,1,0.4,0.3,0.2\n3,,,,,\n',
  );
  for (const junk of [null, undefined, {}, { steps: 'x' }, { steps: [1], losses: null, epochs: 5 }]) {
    assert.match(historyCsv(junk), /^step,/);
  }
});

test('a config maps back to the settings, and the lesson built around its kind of model', () => {
  const vae = {
    model: { kind: 'vae', encoder: [128], latent: 2, activation: 'relu' },
    train: { loss: 'bce', optimizer: 'adam', lr: 0.0020000000949949026, batchSize: 64, seed: 3, beta: 0.5 },
  };
  assert.equal(
    hashForConfig(vae, 'reconstruct', LESSONS),
    '#lesson=generate&encoder=128&latent=2&act=relu&loss=bce&opt=adam&lr=0.002&batch=64&seed=3&beta=0.5',
  );
  const noisy = { model: { encoder: [64, 32], latent: 8 }, train: { noise: 'masking', noiseLevel: 0.5 } };
  assert.equal(settingsFromConfig(noisy).lesson, 'denoise');
  assert.match(
    hashForConfig(noisy, 'reconstruct', LESSONS),
    /lesson=denoise&encoder=64,32&latent=8&noise=masking&level=0.5/,
  );
  assert.equal(settingsFromConfig({ model: {}, train: { sparsity: 'kl', sparsityWeight: 0.01 } }).lesson, 'sparse');
  assert.equal(settingsFromConfig({ model: {}, train: { contractive: 0.1 } }).lesson, 'contractive');
  // A plain autoencoder stays in the current lesson; no hidden layer is written as "none".
  assert.match(
    hashForConfig({ model: { encoder: [], latent: 4 }, train: {} }, 'denoise', LESSONS),
    /^#lesson=denoise&encoder=none&latent=4$/,
  );
  // A lesson that is not there: the current one.
  assert.match(hashForConfig(vae, 'reconstruct', ['reconstruct']), /^#lesson=reconstruct&/);
});

test('the mapped hash reads back into the same trainer config (the common settings)', () => {
  const cfg = {
    model: { kind: 'autoencoder', encoder: [64], latent: 8, activation: 'tanh' },
    train: { loss: 'mse', optimizer: 'sgd', lr: 0.03, batchSize: 32, seed: 11 },
  };
  const { state, problems } = parseHash(hashForConfig(cfg, 'reconstruct', LESSONS), { lessonIds: LESSONS });
  assert.deepEqual(problems, []);
  assert.deepEqual(shapeDifferences(trainerConfigs(state).main, cfg), []);
  assert.deepEqual(trainerConfigs(state).main.train, {
    loss: 'mse',
    optimizer: 'sgd',
    lr: 0.03,
    batchSize: 32,
    seed: 11,
  });
  assert.deepEqual(shapeDifferences(cfg, { ...cfg, model: { ...cfg.model, output: 'identity' } }), ['output']);
});

test('values a page would refuse come back as the parser’s sentences, not as settings', () => {
  const cfg = { model: { encoder: [64], latent: 9999, activation: '<img>' }, train: { lr: 50, seed: -1 } };
  const { state, problems } = parseHash(hashForConfig(cfg, 'reconstruct', LESSONS), { lessonIds: LESSONS });
  assert.equal(state.latent, 32);
  assert.equal(state.act, 'relu');
  assert.ok(problems.length >= 3);
});

test('the summary of a saved model is read from its header; anything else gives null', () => {
  const good = safetensors({
    __metadata__: {
      format: 'autoencoder-playground/1',
      summary: JSON.stringify({ step: 1200, epoch: 9, valLoss: 0.03 }),
    },
  });
  assert.deepEqual(readModelSummary(good), { step: 1200, epoch: 9, valLoss: 0.03 });
  const without = safetensors({ __metadata__: { summary: JSON.stringify({ step: 4, valLoss: 'low' }) } });
  assert.deepEqual(readModelSummary(without), { step: 4, epoch: 0, valLoss: null });
  for (const bad of [
    null,
    new Uint8Array(0),
    new Uint8Array(7),
    new Uint8Array(64).fill(255),
    safetensors({ __metadata__: { summary: '{"step": -3}' } }),
    safetensors({ __metadata__: { summary: 'not json' } }),
    safetensors({ __metadata__: {} }),
    safetensors([1, 2, 3]),
  ]) {
    assert.equal(readModelSummary(bad), null);
  }
});

test('fuzz: random bytes and mutated headers never throw', () => {
  let s = 12345;
  const random = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 4294967296;
  };
  const good = safetensors({ __metadata__: { summary: JSON.stringify({ step: 5, epoch: 0 }) } });
  for (let i = 0; i < 3000; i++) {
    const bytes = i % 2 ? good.slice() : new Uint8Array(Math.floor(random() * 200));
    for (let k = 0; k < 1 + random() * 6; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    const r = readModelSummary(bytes);
    assert.ok(r === null || (Number.isSafeInteger(r.step) && r.step >= 0));
    // A config made of junk maps to settings the parser checks, without throwing.
    const junk = {
      model: { encoder: [random() * 1e9, 'x'], latent: random() < 0.5 ? NaN : 'z', kind: bytes[0] },
      train: { lr: random() < 0.5 ? Infinity : -1, noise: bytes[1] },
    };
    assert.doesNotThrow(() => parseHash(hashForConfig(junk, 'reconstruct', LESSONS), { lessonIds: LESSONS }));
  }
});

test('a loaded model is shown in the lesson built around its kind, else where it fits', async () => {
  const ids = Object.keys(FAKE);
  const vae = { model: { kind: 'vae', encoder: [64], latent: 2, activation: 'relu' }, train: { beta: 0.5, seed: 3 } };
  let r = await lessonForModel(vae, FAKE.reconstruct, load, ids);
  assert.equal(r.mod.id, 'generate');
  assert.equal(r.state.beta, 0.5);
  assert.equal(r.state.seed, 3);
  assert.deepEqual(r.differ, []);
  assert.deepEqual(r.problems, []);
  // A plain model stays in a lesson that trains plain models ...
  const plain = {
    model: { kind: 'autoencoder', encoder: [64], latent: 8, activation: 'relu' },
    train: { noise: 'none' },
  };
  r = await lessonForModel(plain, FAKE.latent, load, ids);
  assert.equal(r.mod.id, 'latent');
  // ... and leaves one that would train another kind (denoise adds noise).
  r = await lessonForModel(plain, FAKE.denoise, load, ids);
  assert.equal(r.mod.id, 'reconstruct');
  assert.deepEqual(r.differ, []);
  // A denoising model goes to the denoise lesson with its noise.
  r = await lessonForModel(
    { model: { encoder: [64], latent: 8, activation: 'relu' }, train: { noise: 'masking', noiseLevel: 0.5 } },
    FAKE.reconstruct,
    load,
    ids,
  );
  assert.equal(r.mod.id, 'denoise');
  assert.equal(r.state.noise, 'masking');
  assert.equal(r.state.level, 0.5);
  // What no lesson can show is named.
  r = await lessonForModel(
    { model: { encoder: [64], latent: 8, activation: 'relu', output: 'identity' }, train: {} },
    FAKE.reconstruct,
    load,
    ids,
  );
  assert.deepEqual(r.differ, ['output']);
  // A lesson module that cannot be loaded is skipped.
  r = await lessonForModel(vae, FAKE.reconstruct, async () => null, ids);
  assert.equal(r.mod.id, 'reconstruct');
  assert.ok(r.differ.includes('kind'));
});
