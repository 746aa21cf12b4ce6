// The PyTorch script's network (www/state/pytorch-script.js): the nn.Module
// the engine builds from the same config (src/model/autoencoder.rs), with the
// same layers, activations and initialisation, and a conv model's blocks as
// src/config.rs shapes them.

import { ACT_NAMES, activate, capital, py, reluLike } from './python.js';

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
export function convBlocks(model) {
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

export const sizeOf = (image) => image.channels * image.height * image.width;
const shapeText = (image) => `${image.channels}×${image.height}×${image.width}`;

export function moduleClass({ model: m }) {
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
