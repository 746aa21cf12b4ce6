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

/** The input as an image (src/config.rs image_shape): model.image, or a square gray image of model.input pixels. */
function imageOf(model) {
  const side = Math.round(Math.sqrt(model.input));
  return model.image ?? { channels: 1, height: side, width: side };
}

/**
 * A conv model's blocks (src/config.rs conv_shapes): each one's input and output
 * image, kernel k, stride s, zero padding ⌊k/2⌋, Conv2d weight shape, and the
 * output_padding [rows, columns] that makes its transposed mirror grow back to
 * the block's input size: target + 2p − (n − 1)·s − k, in [0, s).
 */
function convBlocks(model) {
  let from = imageOf(model);
  return (model.conv ?? []).map(({ channels, kernel: k, stride: s }) => {
    const p = Math.floor(k / 2);
    const side = (n) => Math.floor((n + 2 * p - k) / s) + 1;
    const to = { channels, height: side(from.height), width: side(from.width) };
    const back = (n, target) => target + 2 * p - (n - 1) * s - k;
    const block = {
      input: from,
      output: to,
      kernel: k,
      stride: s,
      padding: p,
      weight: [channels, from.channels, k, k],
      outputPadding: [back(to.height, from.height), back(to.width, from.width)],
    };
    from = to;
    return block;
  });
}

const sizeOf = (image) => image.channels * image.height * image.width;
const shapeText = (image) => `${image.channels}×${image.height}×${image.width}`;

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

/** A Python literal for a JSON-like value. */
function py(value) {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'float("nan")';
  if (Array.isArray(value)) return `[${value.map(py).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${py(k)}: ${py(v)}`)
      .join(', ')}}`;
  return JSON.stringify(String(value));
}

/** Text for a docstring or comment: printable, no quotes or backslashes that could end it. */
const plain = (text) => String(text).replace(/[^\x20-\x7e\u00a0-\uffff]|["\\]/g, '');

/** f(v) for an activation of src/nn/activation.rs, as PyTorch code. */
function activate(kind, v) {
  return (
    {
      relu: `F.relu(${v})`,
      leaky_relu: `F.leaky_relu(${v}, 0.01)`,
      sigmoid: `torch.sigmoid(${v})`,
      tanh: `torch.tanh(${v})`,
    }[kind] ?? v
  );
}

/** f'(a) written from h = f(a), as the engine's `derivative_from_output`. */
function slope(kind, h) {
  return (
    {
      relu: `(${h} > 0).float()`,
      leaky_relu: `torch.where(${h} > 0, torch.ones_like(${h}), torch.full_like(${h}, 0.01))`,
      sigmoid: `${h} * (1 - ${h})`,
      tanh: `1 - ${h}**2`,
    }[kind] ?? `torch.ones_like(${h})`
  );
}

const ACT_NAMES = {
  relu: 'ReLU',
  leaky_relu: 'leaky ReLU',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  identity: 'no activation',
};
const NOISE_NAMES = {
  gaussian: 'Gaussian noise',
  masking: 'masking noise',
  salt_pepper: 'salt-and-pepper noise',
  block: 'block occlusion',
};
const reluLike = (kind) => kind === 'relu' || kind === 'leaky_relu';
const capital = (text) => text[0].toUpperCase() + text.slice(1);

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

function moduleClass({ model: m }) {
  const vae = m.kind === 'vae';
  const blocks = convBlocks(m);
  const conv = blocks.length > 0;
  const widths = [m.input, ...m.encoder, m.latent];
  const hidden = conv || m.encoder.length > 0;
  const last = conv ? sizeOf(blocks.at(-1).output) : widths.at(-2);
  const act = (v) => activate(m.activation, v);
  const drop = (v) => (m.dropout > 0 ? `self.dropout(${v})` : v);
  const outAct = m.output === 'sigmoid' ? 'a sigmoid output' : 'a linear output';
  const hiddenAct =
    m.activation === 'identity'
      ? 'No activation on the hidden layers'
      : `${capital(ACT_NAMES[m.activation])} after each hidden layer`;
  const codeAct = vae ? 'a Gaussian code (μ, log σ²)' : `${ACT_NAMES[m.latentActivation]} on the code`;
  const images = [imageOf(m), ...blocks.map((b) => b.output)].map(shapeText);
  const shapes = conv ? [...images, m.latent, ...images.toReversed()] : [...widths, ...widths.toReversed().slice(1)];

  // Initialisation (src/model/autoencoder.rs init_for): He before ReLU-like units, Xavier elsewhere.
  // PyTorch's fans for nn.Linear and nn.Conv2d are the engine's; transposed convolutions get init_transposed.
  const he = (a) => m.init === 'he' || (m.init === 'auto' && reluLike(a));
  const groups = { he: [], xavier: [] };
  const put = (a, expr) => groups[he(a) ? 'he' : 'xavier'].push(expr);
  if (hidden) put(m.activation, '*self.encoder');
  if (vae) put('identity', '*self.code.values()');
  else put(m.latentActivation, 'self.code');
  if (conv) put(m.activation, 'self.decoder[0]');
  else {
    if (hidden) put(m.activation, '*self.decoder[:-1]');
    put('identity', 'self.decoder[-1]');
  }
  const init = [];
  if (groups.he.length) {
    init.push(
      `        for layer in [${groups.he.join(', ')}]:`,
      '            nn.init.kaiming_uniform_(layer.weight, nonlinearity="relu")  # He: U(±√(6/fan_in))',
    );
  }
  if (groups.xavier.length) {
    init.push(
      `        for layer in [${groups.xavier.join(', ')}]:`,
      '            nn.init.xavier_uniform_(layer.weight)  # Xavier: U(±√(6/(fan_in + fan_out)))',
    );
  }
  if (conv) {
    if (blocks.length > 1) {
      init.push(
        '        for layer in self.decoder[1:-1]:',
        `            init_transposed(layer, he=${py(he(m.activation))})`,
      );
    }
    init.push(`        init_transposed(self.decoder[-1], he=${py(he('identity'))})  # the output layer`);
  }
  init.push(
    '        for layer in self.modules():',
    `            if isinstance(layer, ${conv ? '(nn.Linear, nn.Conv2d, nn.ConvTranspose2d)' : 'nn.Linear'}):`,
    '                nn.init.zeros_(layer.bias)',
  );

  const code = vae
    ? `nn.ModuleDict({"mu": nn.Linear(${last}, ${m.latent}), "logvar": nn.Linear(${last}, ${m.latent})})`
    : `nn.Linear(${last}, ${m.latent})`;
  const encodeEnd = vae
    ? ['        return self.code["mu"](x), self.code["logvar"](x)']
    : [`        return ${activate(m.latentActivation, 'self.code(x)')}`];
  const output = m.output === 'sigmoid' ? 'torch.sigmoid(self.decode_logits(z))' : 'self.decode_logits(z)';
  const list = (name, layers) => [
    `        self.${name} = nn.ModuleList([`,
    ...layers.map((l) => `            ${l},`),
    '        ])',
  ];
  const linears = (w) => w.slice(1).map((b, i) => `nn.Linear(${w[i]}, ${b})`);
  const pair = ([a, b]) => (a === b ? String(a) : `(${a}, ${b})`);
  const window = (b) => `${b.kernel}, stride=${b.stride}, padding=${b.padding}`;
  const transposed = (b) =>
    `nn.ConvTranspose2d(${b.output.channels}, ${b.input.channels}, ${window(b)}` +
    `${b.outputPadding.some((n) => n !== 0) ? `, output_padding=${pair(b.outputPadding)}` : ''})`;
  const layers = conv
    ? [
        '        # Each block: a k×k convolution with zero padding k // 2, then the activation.',
        ...list(
          'encoder',
          blocks.map((b) => `nn.Conv2d(${b.input.channels}, ${b.output.channels}, ${window(b)})`),
        ),
        `        self.code = ${code}  # from the flattened feature maps`,
        '        # A dense layer back to the feature maps, then the blocks mirrored by transposed',
        '        # convolutions; output_padding gives each the size its block started from.',
        ...list('decoder', [`nn.Linear(${m.latent}, ${last})`, ...blocks.toReversed().map(transposed)]),
      ]
    : [
        `        self.encoder = nn.ModuleList([${linears(widths.slice(0, -1)).join(', ')}])`,
        `        self.code = ${code}`,
        `        self.decoder = nn.ModuleList([${linears(widths.toReversed()).join(', ')}])`,
      ];
  const encode = conv
    ? [
        '        x = x.reshape(-1, *self.IMAGE)  # rows of C·H·W values to images',
        '        for layer in self.encoder:',
        `            x = ${drop(act('layer(x)'))}`,
        "        x = x.flatten(1)  # channel-major, as the playground's code layer reads the feature maps",
      ]
    : ['        for layer in self.encoder:', `            x = ${drop(act('layer(x)'))}`];
  const decode = conv
    ? [
        `        z = ${drop(act('self.decoder[0](z)'))}.reshape(-1, *self.FEATURES)`,
        '        for layer in self.decoder[1:-1]:',
        `            z = ${drop(act('layer(z)'))}`,
        '        return self.decoder[-1](z).flatten(1)  # images back to rows',
      ]
    : [
        '        for layer in self.decoder[:-1]:',
        `            z = ${drop(act('layer(z)'))}`,
        '        return self.decoder[-1](z)',
      ];
  const windows = blocks.map((b) => `${b.kernel}×${b.kernel} stride ${b.stride}`).join(', ');
  const tuple = (image) => `(${image.channels}, ${image.height}, ${image.width})`;
  return [
    conv ? initTransposed() : null,
    'class Autoencoder(nn.Module):',
    `    """${shapes.join(' → ')}.`,
    '',
    conv ? `    Convolutions ${windows} (zero padding k // 2), a dense code from the` : null,
    conv ? '    flattened feature maps, and the blocks mirrored by transposed convolutions.' : null,
    `    ${hiddenAct}, ${codeAct}, ${outAct}."""`,
    '',
    conv ? `    IMAGE = ${tuple(imageOf(m))}  # an input's channels, rows, columns` : null,
    conv ? `    FEATURES = ${tuple(blocks.at(-1).output)}  # the last block's feature maps` : null,
    conv ? '' : null,
    '    def __init__(self):',
    '        super().__init__()',
    "        # Named as in the playground's file: encoder.0.weight, code.bias, decoder.0.weight, ...",
    ...layers,
    m.dropout > 0 ? `        self.dropout = nn.Dropout(${py(m.dropout)})  # after each hidden activation` : null,
    ...init,
    '',
    '    def encode(self, x):',
    vae ? '        """The Gaussian code of each digit: its mean μ and log-variance log σ²."""' : null,
    ...encode,
    ...encodeEnd,
    '',
    '    def decode_logits(self, z):',
    ...decode,
    '',
    '    def decode(self, z):',
    `        return ${output}`,
    '',
    '    def forward(self, x):',
    vae
      ? '        """Reconstructions decoded from the mean code z = μ, as the playground shows them."""'
      : '        """Reconstructions, as the playground shows them."""',
    vae
      ? '        mu, _ = self.encode(x)\n        return self.decode(mu)'
      : '        return self.decode(self.encode(x))',
  ]
    .filter((l) => l !== null)
    .join('\n');
}

/** A transposed convolution's initialisation with the engine's fans (src/nn/conv/mod.rs ConvTranspose2d::new). */
function initTransposed() {
  return [
    'def init_transposed(layer, he):',
    '    """He (he=True) or Xavier weights for a transposed convolution, with the fans the',
    '    playground counts: each output pixel is reached by ⌈k/s⌉² positions of each input',
    "    channel, so fan_in = C_in·⌈k/s⌉² and fan_out = C_out·⌈k/s⌉². (PyTorch's own init",
    '    functions would take C_out·k² as the fan-in of a ConvTranspose2d weight [C_in, C_out, k, k].)"""',
    '    c_in, c_out, k, _ = layer.weight.shape',
    '    reach = -(-k // layer.stride[0])  # ⌈k/s⌉',
    '    fan_in, fan_out = c_in * reach**2, c_out * reach**2',
    '    bound = (6 / fan_in) ** 0.5 if he else (6 / (fan_in + fan_out)) ** 0.5',
    '    nn.init.uniform_(layer.weight, -bound, bound)',
    '',
    '',
  ].join('\n');
}

function reconstructionLoss(c, logits) {
  if (c.train.loss === 'bce')
    return `F.binary_cross_entropy_with_logits(${logits}, target)  # BCE per pixel, from the logits`;
  const y = c.model.output === 'sigmoid' ? `torch.sigmoid(${logits})` : logits;
  return `F.mse_loss(${y}, target)  # mean squared error per pixel`;
}

function objective(c) {
  const t = c.train;
  const pixels = c.model.input;
  if (c.model.kind === 'vae') {
    return [
      'def kl_divergence(mu, logvar):',
      '    """KL(N(μ, σ²) ‖ N(0, I)) per digit, in nats, averaged over the batch."""',
      '    return (-0.5 * (1 + logvar - mu**2 - torch.exp(logvar))).sum(1).mean()',
      '',
      '',
      'def objective(model, x, target):',
      '    """What the optimiser minimises: the reconstruction loss per pixel, plus β times',
      `    the KL per digit spread over its ${pixels} pixels (to sit beside the per-pixel loss)."""`,
      '    mu, logvar = model.encode(x)',
      '    z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)  # the reparameterisation trick',
      `    loss = ${reconstructionLoss(c, 'model.decode_logits(z)')}`,
      `    return loss + BETA * kl_divergence(mu, logvar) / ${pixels}`,
    ].join('\n');
  }
  const lines = [
    'def objective(model, x, target):',
    '    """What the optimiser minimises, as in the playground."""',
    '    h = model.encode(x)',
    `    loss = ${reconstructionLoss(c, 'model.decode_logits(h)')}`,
  ];
  if (t.sparsity === 'l1') {
    lines.push('    loss = loss + SPARSITY_WEIGHT * h.abs().sum(1).mean()  # L1 sparsity: λ·Σ|h| per digit');
  } else if (t.sparsity === 'kl') {
    lines.push(
      '    # KL sparsity: λ·Σ_j KL(ρ ‖ ρ̂_j), ρ̂_j the mean activation of code unit j over the batch',
      '    rho, rho_hat = SPARSITY_TARGET, h.mean(0).clamp(1e-6, 1 - 1e-6)',
      '    kl = rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))',
      '    loss = loss + SPARSITY_WEIGHT * kl.sum()',
    );
  }
  if (t.contractive > 0) {
    lines.push(
      "    # Contractive: λ‖∂h/∂a‖²_F for the code layer's input a, exactly: Σ_j f'(a_j)² · Σ_i W_ji²",
      `    slope = ${slope(c.model.latentActivation, 'h')}  # f' of the code's activation, written from h`,
      '    w_sq = (model.code.weight**2).sum(1)  # Σ_i W_ji² per code unit (nn.Linear keeps W as [out, in])',
      '    loss = loss + CONTRACTIVE * (slope**2 * w_sq).sum(1).mean()',
    );
  }
  lines.push('    return loss');
  return lines.join('\n');
}

/** The engine's input corruption (src/noise.rs); the target stays the clean digit. */
function corrupt(c) {
  const side = Math.round(Math.sqrt(c.model.input));
  const body = {
    gaussian: ['    return (x + NOISE_LEVEL * torch.randn_like(x)).clamp(0, 1)'],
    masking: ['    return x.masked_fill(torch.rand_like(x) < NOISE_LEVEL, 0.0)'],
    salt_pepper: [
      '    hit = torch.rand_like(x) < NOISE_LEVEL',
      '    salt = torch.rand_like(x) < 0.5  # half white, half black',
      '    return torch.where(hit, salt.float(), x)',
    ],
    block: [
      `    side = min(${side}, int(NOISE_LEVEL * ${side} + 0.5))  # the square's side, in pixels`,
      '    if side == 0:',
      '        return x',
      `    at = torch.arange(${side}, device=x.device)`,
      `    top = torch.randint(0, ${side} - side + 1, (len(x), 1), device=x.device)`,
      `    left = torch.randint(0, ${side} - side + 1, (len(x), 1), device=x.device)`,
      '    rows = (at >= top) & (at < top + side)',
      '    cols = (at >= left) & (at < left + side)',
      `    return x.masked_fill((rows[:, :, None] & cols[:, None, :]).reshape(len(x), ${c.model.input}), 0.0)`,
    ],
  }[c.train.noise];
  const what = {
    gaussian: 'x + σ·N(0, 1), clipped to [0, 1]',
    masking: 'each pixel set to 0 with probability NOISE_LEVEL',
    salt_pepper: 'each pixel set to 0 or 1 (half each) with probability NOISE_LEVEL',
    block: `one square of side NOISE_LEVEL × ${side}, at a random place, set to 0`,
  }[c.train.noise];
  return [
    'def corrupt(x):',
    `    """The denoising autoencoder's input: ${what}.`,
    '    A fresh corruption every batch; the target stays the clean digit."""',
    ...(body ?? ['    return x']),
  ].join('\n');
}

function optimizer({ train: t }) {
  const args = {
    adam: `lr=LR, betas=(${py(t.beta1)}, ${py(t.beta2)}), eps=${py(t.eps)}`,
    sgd: 'lr=LR',
    momentum: `lr=LR, momentum=${py(t.momentum)}`,
  }[t.optimizer];
  const cls = t.optimizer === 'adam' ? 'torch.optim.Adam' : 'torch.optim.SGD';
  const doc = {
    adam: 'Adam with bias correction (Kingma & Ba), as in the playground.',
    sgd: 'Plain stochastic gradient descent: w -= lr·g.',
    momentum: 'SGD with heavy-ball momentum: v = μ·v + g; w -= lr·v.',
  }[t.optimizer];
  const lines = ['def make_optimizer(model):', `    """${doc}"""`];
  if (t.weightDecay > 0) {
    lines.push(
      "    # Weight decay on the weights only (the playground leaves biases free): λ·W joins each weight's gradient.",
      '    weights = [p for name, p in model.named_parameters() if name.endswith(".weight")]',
      '    biases = [p for name, p in model.named_parameters() if name.endswith(".bias")]',
      '    groups = [{"params": weights, "weight_decay": WEIGHT_DECAY}, {"params": biases, "weight_decay": 0.0}]',
      `    return ${cls}(groups, ${args})`,
    );
  } else lines.push(`    return ${cls}(model.parameters(), ${args})`);
  if (t.l1 > 0) {
    lines.push(
      '',
      '',
      'def add_l1_gradient(model):',
      '    """The L1 penalty λ‖W‖₁ as the playground applies it: λ·sign(W) joins each weight\'s gradient."""',
      '    with torch.no_grad():',
      '        for name, p in model.named_parameters():',
      '            if name.endswith(".weight"):',
      '                p.grad += L1 * torch.sign(p)',
    );
  }
  return lines.join('\n');
}

function digits({ model: m, train: t }) {
  return [
    'def load_digits(train, count):',
    '    """The first `count` digits of MNIST\'s training (or test) set, as rows of',
    `    ${m.input} pixels in [0, 1]: the playground's pixels are bytes / 255 too."""`,
    '    mnist = datasets.MNIST("data", train=train, download=True)',
    `    x = mnist.data[:count].reshape(-1, ${m.input}).float() / 255`,
    t.excludeClass === null ? null : '    x = x[mnist.targets[:count] != EXCLUDE_CLASS]',
    '    return x',
  ]
    .filter((l) => l !== null)
    .join('\n');
}

function evaluate(c) {
  const vae = c.model.kind === 'vae';
  const loss =
    c.train.loss === 'bce' ? '    loss = F.binary_cross_entropy(y.clamp(1e-7, 1 - 1e-7), x).item()' : '    loss = mse';
  return [
    '@torch.no_grad()',
    'def evaluate(model, x):',
    `    """Validation loss and MSE as the playground reports them: no dropout${vae ? ', and z = μ' : ''}."""`,
    '    model.eval()',
    '    y = model(x)',
    '    mse = F.mse_loss(y, x).item()',
    loss,
    vae ? `    loss += BETA * kl_divergence(*model.encode(x)).item() / ${c.model.input}` : null,
    '    model.train()',
    '    return loss, mse',
  ]
    .filter((l) => l !== null)
    .join('\n');
}

function files(c) {
  const conv = c.model.conv !== undefined;
  return [
    'def to_playground(model):',
    '    """The tensors as the playground keeps them. nn.Linear holds its weight as',
    '    [out, in] and computes x @ W.T + b; the playground holds W as [in, out] and',
    conv
      ? '    computes x @ W + b, so every dense weight (the 2-D tensors) is transposed.\n' +
        '    Convolution kernels are kept as PyTorch keeps them ([out, in, k, k] for Conv2d,\n' +
        '    [in, out, k, k] for ConvTranspose2d), and biases as they are."""'
      : '    computes x @ W + b, so every weight (the 2-D tensors) is transposed; biases stay as they are."""',
    '    return {',
    '        name: (t.t() if t.dim() == 2 else t).detach().cpu().contiguous()',
    '        for name, t in model.state_dict().items()',
    '    }',
    '',
    '',
    'def from_playground(tensors):',
    '    """The inverse of to_playground: a state dict for load_state_dict."""',
    '    return {name: (t.t() if t.dim() == 2 else t).contiguous() for name, t in tensors.items()}',
    '',
    '',
    'def save_model(model, path, step=0, epoch=0, val_loss=None, val_mse=None):',
    '    """Writes the model as the playground saves it: float32 safetensors with the',
    '    settings and a training summary as JSON in the metadata. Load model… opens it."""',
    '    summary = {"step": step, "epoch": epoch, "valLoss": val_loss, "valMse": val_mse}',
    '    metadata = {"format": FORMAT, "config": json.dumps(CONFIG), "summary": json.dumps(summary)}',
    '    save_file(to_playground(model), path, metadata=metadata)',
    '',
    '',
    'def load_model(path):',
    '    """A model from a file the playground saved (Save model) or save_model wrote."""',
    '    with safe_open(path, framework="pt") as f:',
    '        metadata = f.metadata() or {}',
    '    if metadata.get("format") != FORMAT:',
    '        raise ValueError(f"{path} is not a model file of the Autoencoder Playground")',
    '    network = json.loads(metadata["config"])["model"]',
    '    if network != CONFIG["model"]:',
    '        raise ValueError(f"{path} holds another network: {network}")',
    '    model = Autoencoder()',
    '    model.load_state_dict(from_playground(load_file(path)))',
    '    return model',
  ].join('\n');
}

function main(c, name) {
  const t = c.train;
  const early = t.patience !== null;
  const input = t.noise === 'none' ? 'clean' : 'corrupt(clean)';
  const seed = t.seed === null ? '    torch.seed()  # no seed was set: a fresh one' : '    torch.manual_seed(SEED)';
  return [
    'def main():',
    seed,
    '    device = "cuda" if torch.cuda.is_available() else "cpu"',
    '    x_train = load_digits(train=True, count=TRAIN_DIGITS).to(device)',
    '    x_val = load_digits(train=False, count=VAL_DIGITS).to(device)',
    '    model = Autoencoder().to(device)',
    '    optimizer = make_optimizer(model)',
    '    step = 0',
    early ? '    best_loss, best_state, bad_epochs = float("inf"), None, 0' : null,
    '    for epoch in range(1, EPOCHS + 1):',
    '        order = torch.randperm(len(x_train), device=device)',
    '        total = 0.0',
    '        # Whole batches only: the last, partial one is left out, as in the playground.',
    '        for first in range(0, len(order) - BATCH_SIZE + 1, BATCH_SIZE):',
    '            clean = x_train[order[first : first + BATCH_SIZE]]',
    `            loss = objective(model, ${input}, clean)`,
    '            optimizer.zero_grad()',
    '            loss.backward()',
    t.l1 > 0 ? '            add_l1_gradient(model)' : null,
    '            optimizer.step()',
    '            step += 1',
    '            total += loss.item()',
    '        val_loss, val_mse = evaluate(model, x_val)',
    '        train_loss = total / (len(order) // BATCH_SIZE)',
    '        print(f"epoch {epoch}  step {step}  training loss {train_loss:.5f}  validation loss {val_loss:.5f}")',
    ...(early
      ? [
          '        if val_loss < best_loss:',
          '            best_loss, best_state, bad_epochs = val_loss, copy.deepcopy(model.state_dict()), 0',
          '        else:',
          '            bad_epochs += 1',
          '            if bad_epochs >= PATIENCE:',
          '                model.load_state_dict(best_state)  # the best weights, as the playground restores them',
          '                val_loss, val_mse = evaluate(model, x_val)',
          '                print(f"early stopping: no better validation loss for {PATIENCE} epochs")',
          '                break',
        ]
      : []),
    `    path = "autoencoder_${name}.safetensors"`,
    '    save_model(model, path, step, epoch, val_loss, val_mse)',
    '    print(f"saved {path}: open it in the playground with Load model...")',
  ]
    .filter((l) => l !== null)
    .join('\n');
}
