// "Show code": the current settings as a runnable PyTorch script. The script
// builds what the engine builds from the same config (src/model, src/nn,
// src/noise.rs): the same layers, activations and initialisation, the same
// objective (loss, input noise, sparsity and contractive penalties, the VAE's
// KL and β), the same optimiser and hyper-parameters; it trains on MNIST from
// torchvision and saves a safetensors file in the playground's own format
// (src/checkpoint.rs: the same tensor names, dense weights as [in, out],
// convolution kernels as PyTorch holds them, the config and a summary as JSON
// in the metadata), so Load model… opens it. A convolutional model (model.conv,
// issue 16) is an nn.Module of nn.Conv2d blocks, a dense code and the blocks
// mirrored by nn.ConvTranspose2d, as src/model/autoencoder.rs builds it.
//
// No DOM: node compiles every lesson's script (tests/unit-js/pytorch-script.test.mjs),
// and tests/pytorch_script.rs checks its tensors and numbers against the engine.

import { convBlocks, moduleClass, sizeOf } from './pytorch/network.js';
import { NOISE_NAMES, plain, py } from './pytorch/python.js';
import { corrupt, digits, evaluate, files, main, objective, optimizer } from './pytorch/training.js';

/** The engine's defaults (src/config.rs `Default`), filled in where the page's config is silent. */
export const ENGINE_DEFAULTS = Object.freeze({
  model: Object.freeze({
    kind: 'autoencoder',
    input: 784,
    encoder: Object.freeze([256, 64]),
    latent: 32,
    activation: 'relu',
    latentActivation: 'identity',
    output: 'sigmoid',
    dropout: 0,
    init: 'auto',
  }),
  train: Object.freeze({
    loss: 'mse',
    optimizer: 'adam',
    lr: 0.002,
    momentum: 0.9,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: 0,
    l1: 0,
    batchSize: 64,
    seed: 1,
    patience: null,
    noise: 'none',
    noiseLevel: 0.3,
    sparsity: 'none',
    sparsityWeight: 0.001,
    sparsityTarget: 0.05,
    contractive: 0,
    beta: 1,
    excludeClass: null,
  }),
});

/** The playground's file format tag (src/checkpoint.rs FORMAT). */
export const FILE_FORMAT = 'autoencoder-playground/1';

/**
 * A trainer config (as the worker gets it) with every key the engine has: what its saved file's metadata holds.
 * A conv model's `conv` and `image` are there only when given, as the engine writes them (src/config.rs).
 */
export function fullConfig(cfg = {}) {
  const fill = (defaults, given = {}) =>
    Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, given[k] === undefined ? v : given[k]]));
  const { kind, input, encoder, ...rest } = fill(ENGINE_DEFAULTS.model, cfg.model);
  const { conv = [], image = null } = cfg.model ?? {};
  const model = { kind, input, encoder: [...encoder] };
  if (conv.length) model.conv = conv.map(({ channels, kernel, stride }) => ({ channels, kernel, stride }));
  if (image) model.image = { channels: image.channels, height: image.height, width: image.width };
  return { model: { ...model, ...rest }, train: fill(ENGINE_DEFAULTS.train, cfg.train) };
}

/**
 * The tensors of the model `cfg` declares, in the engine's parameter order:
 * [{ name, shape, fileShape }] with `shape` as PyTorch holds it (nn.Linear
 * weights are [out, in]) and `fileShape` as the playground's file holds it
 * ([in, out]). Convolution kernels are PyTorch's shape in both: [out, in, k, k]
 * for Conv2d, [in, out, k, k] for ConvTranspose2d.
 */
export function stateDictLayout(cfg) {
  const { model } = fullConfig(cfg);
  const out = [];
  const tensor = (name, shape, fileShape, bias) =>
    out.push({ name: `${name}.weight`, shape, fileShape }, { name: `${name}.bias`, shape: [bias], fileShape: [bias] });
  const linear = (name, a, b) => tensor(name, [b, a], [a, b], b);
  const code = (last) => {
    if (model.kind === 'vae') {
      linear('code.mu', last, model.latent);
      linear('code.logvar', last, model.latent);
    } else linear('code', last, model.latent);
  };
  const blocks = convBlocks(model);
  if (blocks.length) {
    const flat = sizeOf(blocks.at(-1).output);
    for (const [i, b] of blocks.entries()) tensor(`encoder.${i}`, b.weight, b.weight, b.output.channels);
    code(flat);
    linear('decoder.0', model.latent, flat);
    // decoder.j mirrors block L − j: a ConvTranspose2d [in, out, k, k] from its output channels back to its input's.
    for (const [j, b] of blocks.toReversed().entries())
      tensor(`decoder.${j + 1}`, b.weight, b.weight, b.input.channels);
    return out;
  }
  const widths = [model.input, ...model.encoder, model.latent];
  const last = widths.length - 2;
  for (let i = 0; i < last; i++) linear(`encoder.${i}`, widths[i], widths[i + 1]);
  code(widths[last]);
  const back = [...widths].reverse();
  for (let i = 0; i + 1 < back.length; i++) linear(`decoder.${i}`, back[i], back[i + 1]);
  return out;
}

/** The script's file name: autoencoder_<lesson>.py (a name Python can import). */
export function scriptFileName(lesson = 'model') {
  return `autoencoder_${safeName(lesson)}.py`;
}

const safeName = (text) => String(text).replace(/[^A-Za-z0-9_]/g, '_') || 'model';

/**
 * The script for trainer config `cfg` (`trainerConfigs(state, lesson).main`).
 * @param {object} cfg
 * @param {{ lesson?: string, title?: string, link?: string }} [about] the lesson's id and
 *   title, and the page's link, named in the script's docstring
 * @returns {string}
 */
export function pytorchScript(cfg, { lesson = 'model', title = null, link = null } = {}) {
  const c = fullConfig(cfg);
  const name = safeName(lesson);
  const parts = [
    header(name, title, link),
    imports(c),
    settings(c),
    configDict(c),
    moduleClass(c),
    objective(c),
    c.train.noise === 'none' ? null : corrupt(c),
    optimizer(c),
    digits(c),
    evaluate(c),
    files(c),
    main(c, name),
    'if __name__ == "__main__":\n    main()\n',
  ];
  return parts.filter(Boolean).join('\n\n\n');
}

function header(name, title, link) {
  const what = title ? `"${plain(title)}" model` : 'model';
  return [
    `"""The Autoencoder Playground's ${what} as a PyTorch script.`,
    '',
    'The same network, initialisation, loss, optimiser and settings as the',
    "playground's, trained on MNIST from torchvision on your own machine (on a GPU",
    `when PyTorch finds one). It writes autoencoder_${name}.safetensors in the`,
    "playground's own format: open that file there with Load model… to explore",
    'what this training learned.',
    '',
    '    pip install torch torchvision safetensors',
    `    python autoencoder_${name}.py`,
    '',
    'PyTorch draws its own random numbers, so the same seed gives another run of',
    "the same recipe, not the playground's numbers step for step.",
    link ? `\nSettings from ${plain(link)}` : null,
    '"""',
  ]
    .filter((l) => l !== null)
    .join('\n');
}

function imports(c) {
  return [
    c.train.patience === null ? null : 'import copy',
    'import json',
    '',
    'import torch',
    'import torch.nn.functional as F',
    'from safetensors import safe_open',
    'from safetensors.torch import load_file, save_file',
    'from torch import nn',
    'from torchvision import datasets',
  ]
    .filter((l) => l !== null)
    .join('\n');
}

function settings({ train: t, model: m }) {
  const lines = [
    "# The playground's settings",
    `SEED = ${py(t.seed)}`,
    `BATCH_SIZE = ${py(t.batchSize)}`,
    `LR = ${py(t.lr)}`,
    'EPOCHS = 10  # passes over the training digits (the playground trains until you pause it)',
    "TRAIN_DIGITS = 8_000  # the playground's training digits; 60_000 uses all of MNIST's",
    "VAL_DIGITS = 1_000  # validation digits, from MNIST's test set",
  ];
  const add = (cond, line) => cond && lines.push(line);
  add(t.noise !== 'none', `NOISE_LEVEL = ${py(t.noiseLevel)}  # ${NOISE_NAMES[t.noise] ?? t.noise}`);
  add(t.sparsity !== 'none', `SPARSITY_WEIGHT = ${py(t.sparsityWeight)}  # λ of the sparsity penalty`);
  add(t.sparsity === 'kl', `SPARSITY_TARGET = ${py(t.sparsityTarget)}  # ρ, the target mean activation`);
  add(t.contractive > 0, `CONTRACTIVE = ${py(t.contractive)}  # λ of the contractive penalty`);
  add(m.kind === 'vae', `BETA = ${py(t.beta)}  # weight of the KL term (1: the ELBO)`);
  add(t.weightDecay > 0, `WEIGHT_DECAY = ${py(t.weightDecay)}  # L2 penalty ½λ‖W‖² on the weights`);
  add(t.l1 > 0, `L1 = ${py(t.l1)}  # L1 penalty λ‖W‖₁ on the weights`);
  add(t.patience !== null, `PATIENCE = ${py(t.patience)}  # early stopping: epochs without a better validation loss`);
  add(t.excludeClass !== null, `EXCLUDE_CLASS = ${py(t.excludeClass)}  # left out of training and validation`);
  return lines.join('\n');
}

/** The settings as the playground's file carries them, with the constants above in their places. */
function configDict(c) {
  const t = c.train;
  const named = {
    lr: 'LR',
    batchSize: 'BATCH_SIZE',
    seed: 'SEED',
    noiseLevel: t.noise !== 'none' && 'NOISE_LEVEL',
    sparsityWeight: t.sparsity !== 'none' && 'SPARSITY_WEIGHT',
    sparsityTarget: t.sparsity === 'kl' && 'SPARSITY_TARGET',
    contractive: t.contractive > 0 && 'CONTRACTIVE',
    beta: c.model.kind === 'vae' && 'BETA',
    weightDecay: t.weightDecay > 0 && 'WEIGHT_DECAY',
    l1: t.l1 > 0 && 'L1',
    patience: t.patience !== null && 'PATIENCE',
    excludeClass: t.excludeClass !== null && 'EXCLUDE_CLASS',
  };
  const entries = (obj, names = {}) =>
    Object.entries(obj).map(([k, v]) => `        ${JSON.stringify(k)}: ${names[k] || py(v)},`);
  return [
    '# What the playground\'s file carries as its metadata "config": the playground',
    '# builds the network from it when it loads the file, so keep it in step with',
    '# the class below.',
    `FORMAT = ${py(FILE_FORMAT)}`,
    'CONFIG = {',
    '    "model": {',
    ...entries(c.model),
    '    },',
    '    "train": {',
    ...entries(t, named),
    '    },',
    '}',
  ].join('\n');
}
