// "Show code": every lesson's default settings, and each variant the engine has
// (noise kinds, sparse L1/KL, contractive, VAE with β, activations, optimisers,
// losses, dropout, init, weight penalties, early stopping, a held-out digit,
// convolutional models), give a script that Python compiles (python3 -m py_compile; torch is not
// needed), that names the settings, and whose noise does what src/noise.rs does
// (tests/python/check_noise.py runs it on a numpy stand-in for torch). Names,
// shapes and numbers against the engine: tests/pytorch_script.rs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LESSONS } from '../../www/lessons/index.js';
import { defaultState, parameterCount, trainerConfigs } from '../../www/state/url-state.js';
import {
  ENGINE_DEFAULTS,
  fullConfig,
  pytorchScript,
  scriptFileName,
  stateDictLayout,
} from '../../www/state/pytorch-script.js';

const PYTHON_DIR = fileURLToPath(new URL('../python/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pytorch-script-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

let written = 0;
/** Writes `text` to a fresh .py file and returns its path. */
function pyFile(text) {
  const path = join(dir, `script_${written++}.py`);
  writeFileSync(path, text);
  return path;
}

/** python3 -m py_compile on scripts ({ what: text }, in one run); fails the test naming each that does not compile. */
function compiles(scripts) {
  const files = Object.entries(scripts).map(([what, text]) => [what, pyFile(text)]);
  const r = spawnSync('python3', ['-m', 'py_compile', ...files.map(([, path]) => path)], { encoding: 'utf8' });
  assert.ok(!r.error, `python3 is needed for this test: ${r.error?.message}`);
  const failed = files.filter(([, path]) => r.stderr.includes(path)).map(([what]) => what);
  assert.equal(r.status, 0, `these scripts do not compile: ${failed.join(', ')}\n${r.stderr}`);
}

const lessonModules = await Promise.all(LESSONS.map(async (l) => (await l.load()).default));

/** The main trainer's config for a lesson's defaults, with `patch` applied to the settings. */
function lessonConfig(id, patch = {}) {
  const lesson = lessonModules.find((m) => m.id === id);
  return trainerConfigs({ ...defaultState(lesson), ...patch }, lesson).main;
}

/** A lesson's config (settings `patch`) made convolutional: `blocks` in model.conv, no dense hidden layers. */
function convConfig(id, blocks, patch = {}) {
  const cfg = lessonConfig(id, patch);
  return { ...cfg, model: { ...cfg.model, encoder: [], conv: blocks } };
}

/** The reconstruct lesson's config with raw engine keys changed (some have no field in the form). */
function withKeys(model = {}, train = {}) {
  const cfg = lessonConfig('reconstruct');
  return { model: { ...cfg.model, ...model }, train: { ...cfg.train, ...train } };
}

test('every lesson’s default settings give a script that compiles', () => {
  assert.equal(lessonModules.length, LESSONS.length);
  const scripts = {};
  for (const lesson of lessonModules) {
    const state = defaultState(lesson);
    const cfg = trainerConfigs(state, lesson).main;
    const script = pytorchScript(cfg, { lesson: lesson.id, title: lesson.title });
    scripts[lesson.id] = script;
    assert.match(script, new RegExp(`LR = ${state.lr}\\n`), lesson.id);
    assert.match(script, new RegExp(`BATCH_SIZE = ${state.batch}\\n`), lesson.id);
    assert.match(script, new RegExp(`SEED = ${state.seed}\\n`), lesson.id);
    assert.match(script, new RegExp(`nn\\.Linear\\(\\d+, ${state.latent}\\)`), `${lesson.id}: the code layer`);
    assert.ok(script.includes(`autoencoder_${lesson.id.replace(/-/g, '_')}.safetensors`), lesson.id);
    assert.ok(script.includes(`"${lesson.title}" model`), lesson.id);
    // The file's tensors: as many numbers as the settings form counts for the network the config
    // describes (a lesson may set its own, e.g. conv blocks from its own settings).
    const numbers = stateDictLayout(cfg).reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    const net = { ...state, encoder: cfg.model.encoder, conv: cfg.model.conv ?? [], latent: cfg.model.latent };
    const vaeExtra = cfg.model.kind === 'vae' ? (net.encoder.at(-1) ?? 784) * net.latent + net.latent : 0;
    assert.equal(numbers, parameterCount(net) + vaeExtra, lesson.id);
  }
  compiles(scripts);
});

test('the lessons’ own settings reach the script', () => {
  const denoise = pytorchScript(lessonConfig('denoise', { noise: 'salt_pepper', level: 0.45 }));
  assert.match(denoise, /NOISE_LEVEL = 0\.45 {2}# salt-and-pepper noise/);
  assert.match(denoise, /loss = objective\(model, corrupt\(clean\), clean\)/);
  assert.match(denoise, /"noise": "salt_pepper",/);
  const sparse = pytorchScript(lessonConfig('sparse', { kind: 'kl', weight: 0.01, target: 0.1 }));
  assert.match(sparse, /SPARSITY_WEIGHT = 0\.01\b/);
  assert.match(sparse, /SPARSITY_TARGET = 0\.1\b/);
  assert.match(sparse, /return torch\.sigmoid\(self\.code\(x\)\)/, 'the KL penalty needs a sigmoid code');
  const contractive = pytorchScript(lessonConfig('contractive', { lambda: 0.03 }));
  assert.match(contractive, /CONTRACTIVE = 0\.03\b/);
  assert.match(contractive, /slope = h \* \(1 - h\)/);
  const vae = pytorchScript(lessonConfig('generate', { beta: 4 }));
  assert.match(vae, /BETA = 4\b/);
  assert.match(vae, /nn\.ModuleDict\(\{"mu": nn\.Linear\(256, 2\), "logvar": nn\.Linear\(256, 2\)\}\)/);
  assert.match(vae, /binary_cross_entropy_with_logits/);
  const anomalies = pytorchScript(lessonConfig('anomalies', { exclude: '7' }));
  assert.match(anomalies, /EXCLUDE_CLASS = 7\b/);
  assert.match(anomalies, /x = x\[mnist\.targets\[:count\] != EXCLUDE_CLASS\]/);
  const filters = pytorchScript(lessonConfig('filters', { decay: 0.001 }));
  assert.match(filters, /WEIGHT_DECAY = 0\.001\b/);
  assert.match(filters, /"weight_decay": WEIGHT_DECAY/);
  const plain = pytorchScript(lessonConfig('reconstruct'));
  for (const absent of ['corrupt(', 'NOISE_LEVEL', 'SPARSITY', 'CONTRACTIVE', 'BETA', 'WEIGHT_DECAY', 'PATIENCE']) {
    assert.ok(!plain.includes(absent), `the plain autoencoder's script has no ${absent}`);
  }
});

test('each variant the engine has gives a script that compiles', () => {
  const variants = {
    ...Object.fromEntries(
      ['gaussian', 'masking', 'salt_pepper', 'block'].map((noise) => [
        `noise ${noise}`,
        lessonConfig('denoise', { noise, level: 0.5 }),
      ]),
    ),
    'sparse L1': lessonConfig('sparse', { kind: 'l1' }),
    'sparse KL': lessonConfig('sparse', { kind: 'kl' }),
    contractive: lessonConfig('contractive', { lambda: 0.1 }),
    'VAE β 0': lessonConfig('generate', { beta: 0 }),
    'VAE MSE, deep': lessonConfig('generate', { loss: 'mse', encoder: [512, 256, 128], latent: 16 }),
    'VAE, no hidden layer': lessonConfig('generate', { encoder: [] }),
    ...Object.fromEntries(
      ['relu', 'leaky_relu', 'sigmoid', 'tanh', 'identity'].map((act) => [
        `activation ${act}`,
        lessonConfig('reconstruct', { act }),
      ]),
    ),
    ...Object.fromEntries(
      ['relu', 'leaky_relu', 'sigmoid', 'tanh', 'identity'].map((a) => [
        `contractive, ${a} code`,
        withKeys({ latentActivation: a }, { contractive: 0.1 }),
      ]),
    ),
    ...Object.fromEntries(
      ['adam', 'sgd', 'momentum'].map((opt) => [`optimiser ${opt}`, lessonConfig('reconstruct', { opt })]),
    ),
    'BCE loss': lessonConfig('reconstruct', { loss: 'bce' }),
    'no hidden layer': lessonConfig('recommend'),
    'eight hidden layers': lessonConfig('reconstruct', { encoder: [512, 256, 256, 128, 128, 64, 64, 32] }),
    'dropout, He init, identity output': withKeys({ dropout: 0.3, init: 'he', output: 'identity' }),
    'Xavier init': withKeys({ init: 'xavier' }),
    'L1 and L2 on the weights': withKeys({}, { l1: 0.0001, weightDecay: 0.001 }),
    'early stopping': withKeys({}, { patience: 5 }),
    'a fresh seed': withKeys({}, { seed: null }),
    'every default': {},
  };
  compiles(Object.fromEntries(Object.entries(variants).map(([what, cfg]) => [what, pytorchScript(cfg)])));
  const dropout = pytorchScript(variants['dropout, He init, identity output']);
  assert.match(dropout, /self\.dropout = nn\.Dropout\(0\.3\)/);
  assert.match(dropout, /x = self\.dropout\(F\.relu\(layer\(x\)\)\)/);
  assert.match(dropout, /for layer in \[\*self\.encoder, self\.code, \*self\.decoder\[:-1\], self\.decoder\[-1\]\]:/);
  assert.doesNotMatch(dropout, /xavier_uniform_/);
  assert.match(dropout, /return self\.decode_logits\(z\)\n/, 'an identity output');
  const l1 = pytorchScript(variants['L1 and L2 on the weights']);
  assert.match(l1, /add_l1_gradient\(model\)\n {12}optimizer\.step\(\)/);
  const sgd = pytorchScript(variants['optimiser momentum']);
  assert.match(sgd, /torch\.optim\.SGD\(model\.parameters\(\), lr=LR, momentum=0\.9\)/);
  assert.match(pytorchScript(variants['early stopping']), /if bad_epochs >= PATIENCE:/);
  assert.match(pytorchScript(variants['a fresh seed']), /SEED = None\n[\s\S]*torch\.seed\(\)/);
});

test('the script’s noise does what the engine’s does', () => {
  const run = (noise, level) => {
    const path = pyFile(pytorchScript(lessonConfig('denoise', { noise, level })));
    const r = spawnSync('python3', [join(PYTHON_DIR, 'check_noise.py'), path], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${noise}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const masking = run('masking', 0.3);
  assert.ok(Math.abs(masking.zeros - 0.3) < 0.01, `masking zeroes 30% of the pixels: ${masking.zeros}`);
  const salt = run('salt_pepper', 0.4);
  assert.ok(Math.abs(salt.zeros - 0.2) < 0.01, `salt and pepper: half of the 40% hit turn black: ${salt.zeros}`);
  assert.ok(salt.min === 0 && salt.max === 1);
  const gaussian = run('gaussian', 0.5);
  assert.ok(gaussian.min >= 0 && gaussian.max <= 1, 'Gaussian noise is clipped to [0, 1]');
  assert.ok(gaussian.changed > 0.4, `white pixels move down half the time: ${gaussian.changed}`);
  // A square of side round(level × 28): 0.5 → 14 pixels, 196 zeroed per digit; 0 → none.
  assert.deepEqual(run('block', 0.5).blocks, [196]);
  assert.deepEqual(run('block', 0.25).blocks, [49]);
  assert.deepEqual(run('block', 0).blocks, [0]);
});

test('the tensor list is the playground file’s, weights [in, out] there and [out, in] in PyTorch', () => {
  const ae = stateDictLayout({ model: { encoder: [256, 64], latent: 32 } });
  assert.deepEqual(
    ae.map((t) => t.name),
    [
      'encoder.0.weight',
      'encoder.0.bias',
      'encoder.1.weight',
      'encoder.1.bias',
      'code.weight',
      'code.bias',
      'decoder.0.weight',
      'decoder.0.bias',
      'decoder.1.weight',
      'decoder.1.bias',
      'decoder.2.weight',
      'decoder.2.bias',
    ],
  );
  assert.deepEqual(ae[0], { name: 'encoder.0.weight', shape: [256, 784], fileShape: [784, 256] });
  assert.deepEqual(ae.at(-1), { name: 'decoder.2.bias', shape: [784], fileShape: [784] });
  const vae = stateDictLayout({ model: { kind: 'vae', encoder: [], latent: 2 } });
  assert.deepEqual(
    vae.map((t) => `${t.name} ${t.fileShape}`),
    [
      'code.mu.weight 784,2',
      'code.mu.bias 2',
      'code.logvar.weight 784,2',
      'code.logvar.bias 2',
      'decoder.0.weight 2,784',
      'decoder.0.bias 784',
    ],
  );
});

test('a convolutional model: Conv2d blocks, a dense code, ConvTranspose2d mirrors with output_padding', () => {
  const blocks = [
    { channels: 16, kernel: 3, stride: 2 },
    { channels: 32, kernel: 3, stride: 2 },
  ];
  const cfg = convConfig('reconstruct', blocks);
  const script = pytorchScript(cfg);
  assert.match(
    script,
    /"conv": \[\{"channels": 16, "kernel": 3, "stride": 2\}, \{"channels": 32, "kernel": 3, "stride": 2\}\],/,
  );
  assert.match(script, /IMAGE = \(1, 28, 28\)/);
  assert.match(script, /FEATURES = \(32, 7, 7\)/);
  assert.match(
    script,
    /nn\.Conv2d\(1, 16, 3, stride=2, padding=1\),\n {12}nn\.Conv2d\(16, 32, 3, stride=2, padding=1\),/,
  );
  assert.match(script, /self\.code = nn\.Linear\(1568, 32\)/);
  assert.match(
    script,
    /nn\.Linear\(32, 1568\),\n {12}nn\.ConvTranspose2d\(32, 16, 3, stride=2, padding=1, output_padding=1\),\n {12}nn\.ConvTranspose2d\(16, 1, 3, stride=2, padding=1, output_padding=1\),/,
  );
  assert.match(script, /init_transposed\(self\.decoder\[-1\], he=False\)/, 'the output layer: Xavier');
  assert.match(script, /t\.t\(\) if t\.dim\(\) == 2 else t/, 'only dense weights are transposed');
  assert.match(script, /1×28×28 → 16×14×14 → 32×7×7 → 32 → 32×7×7 → 16×14×14 → 1×28×28/);
  // The file's tensors: as many numbers as src/config.rs param_count: per block 2·c·c'·k² + c + c'
  // (305 and 9264), then the dense code and its mirror 2·1568·32 + 1568 + 32 (101952).
  const layout = stateDictLayout(cfg);
  assert.equal(
    layout.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0),
    305 + 9264 + 101952,
  );
  assert.deepEqual(
    layout.map((t) => `${t.name} ${t.fileShape}`),
    [
      'encoder.0.weight 16,1,3,3',
      'encoder.0.bias 16',
      'encoder.1.weight 32,16,3,3',
      'encoder.1.bias 32',
      'code.weight 1568,32',
      'code.bias 32',
      'decoder.0.weight 32,1568',
      'decoder.0.bias 1568',
      'decoder.1.weight 32,16,3,3',
      'decoder.1.bias 16',
      'decoder.2.weight 16,1,3,3',
      'decoder.2.bias 1',
    ],
  );
  assert.deepEqual(layout[0].shape, layout[0].fileShape, 'kernels are PyTorch’s shape in the file');
  assert.deepEqual(layout[4].shape, [32, 1568], 'nn.Linear keeps [out, in]');

  // Stride 1 keeps the size: no output_padding. A 4×7×28 image needs different padding for rows and columns.
  const same = pytorchScript(convConfig('reconstruct', [{ channels: 8, kernel: 5, stride: 1 }]));
  assert.match(same, /nn\.ConvTranspose2d\(8, 1, 5, stride=1, padding=2\)/);
  const wide = withKeys(
    {
      encoder: [],
      conv: [
        { channels: 8, kernel: 3, stride: 2 },
        { channels: 16, kernel: 2, stride: 3 },
      ],
      image: { channels: 4, height: 7, width: 28 },
    },
    {},
  );
  const wideScript = pytorchScript(wide);
  assert.match(wideScript, /IMAGE = \(4, 7, 28\)/);
  assert.match(wideScript, /FEATURES = \(16, 2, 5\)/);
  assert.match(wideScript, /nn\.ConvTranspose2d\(16, 8, 2, stride=3, padding=1, output_padding=\(1, 2\)\)/);
  assert.match(wideScript, /nn\.ConvTranspose2d\(8, 4, 3, stride=2, padding=1, output_padding=\(0, 1\)\)/);
  assert.match(wideScript, /"image": \{"channels": 4, "height": 7, "width": 28\},/);

  const variants = {
    'conv AE': cfg,
    'conv, 4×7×28 image': wide,
    'conv VAE': convConfig('generate', blocks, { beta: 4 }),
    'conv VAE, one block': convConfig('generate', [blocks[0]]),
    'conv, one block, dropout': withKeys({ encoder: [], conv: [blocks[0]], dropout: 0.2, init: 'he' }),
    'conv, denoising, sparse, contractive, L1 and L2': withKeys(
      { encoder: [], conv: blocks, latentActivation: 'sigmoid' },
      { noise: 'block', sparsity: 'kl', contractive: 0.1, l1: 0.001, weightDecay: 0.001, patience: 3 },
    ),
  };
  compiles(Object.fromEntries(Object.entries(variants).map(([what, c]) => [what, pytorchScript(c)])));
  const dropout = pytorchScript(variants['conv, one block, dropout']);
  assert.match(dropout, /z = self\.dropout\(F\.relu\(self\.decoder\[0\]\(z\)\)\)\.reshape\(-1, \*self\.FEATURES\)/);
  assert.doesNotMatch(dropout, /self\.decoder\[1:-1\]:\n {12}init_transposed/, 'one block: the output layer only');
});

test('the config is filled in with the engine’s defaults, as a saved file holds it', () => {
  const full = fullConfig({ model: { latent: 8, unknown: 1 }, train: { lr: 0.01, excludeClass: 3 } });
  assert.equal(full.model.latent, 8);
  assert.equal(full.train.lr, 0.01);
  assert.equal(full.train.excludeClass, 3);
  assert.equal(full.train.eps, 1e-8);
  assert.ok(!('unknown' in full.model), 'keys the engine does not have are left out');
  assert.deepEqual(Object.keys(full.model), Object.keys(ENGINE_DEFAULTS.model));
  assert.deepEqual(Object.keys(full.train), Object.keys(ENGINE_DEFAULTS.train));
  assert.ok(!('conv' in full.model) && !('image' in full.model), 'a dense model’s file has no conv or image');
  const conv = fullConfig({
    model: {
      encoder: [],
      conv: [{ channels: 8, kernel: 3, stride: 2, extra: 1 }],
      image: { channels: 1, height: 28, width: 28 },
    },
  }).model;
  assert.deepEqual(conv.conv, [{ channels: 8, kernel: 3, stride: 2 }]);
  assert.deepEqual(conv.image, { channels: 1, height: 28, width: 28 });
  assert.deepEqual(Object.keys(conv).slice(0, 5), ['kind', 'input', 'encoder', 'conv', 'image']);
  full.model.encoder.push(1);
  assert.deepEqual(ENGINE_DEFAULTS.model.encoder, [256, 64], 'the defaults are not shared');
});

test('names and text from outside cannot break the script', () => {
  assert.equal(scriptFileName('compare-pca'), 'autoencoder_compare_pca.py');
  assert.equal(scriptFileName('reconstruct'), 'autoencoder_reconstruct.py');
  assert.equal(scriptFileName(''), 'autoencoder_model.py');
  const script = pytorchScript(
    {},
    { lesson: 'x"""; import os', title: 'A """ title\\', link: 'http://x/#a="""\nimport os\u0000' },
  );
  compiles({ 'hostile names': script });
  assert.doesNotMatch(script, /^import os/m, 'nothing from a name or link becomes code');
});
