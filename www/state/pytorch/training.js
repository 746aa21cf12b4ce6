// The PyTorch script's training (www/state/pytorch-script.js): the objective
// (loss, sparsity and contractive penalties, the VAE's KL and β), the input
// corruption (src/noise.rs), the optimiser, the digits, the evaluation, the
// playground's file format (src/checkpoint.rs) and the main loop, as the
// engine trains (src/train).

import { py, slope } from './python.js';

function reconstructionLoss(c, logits) {
  if (c.train.loss === 'bce')
    return `F.binary_cross_entropy_with_logits(${logits}, target)  # BCE per pixel, from the logits`;
  const y = c.model.output === 'sigmoid' ? `torch.sigmoid(${logits})` : logits;
  return `F.mse_loss(${y}, target)  # mean squared error per pixel`;
}

export function objective(c) {
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
export function corrupt(c) {
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

export function optimizer({ train: t }) {
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

export function digits({ model: m, train: t }) {
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

export function evaluate(c) {
  const vae = c.model.kind === 'vae';
  const code = vae ? 'model.encode(x)[0]' : 'model.encode(x)';
  // BCE as in training, from the logits (the playground's validation loss too).
  const loss =
    c.train.loss === 'bce'
      ? `    loss = F.binary_cross_entropy_with_logits(model.decode_logits(${code}), x).item()`
      : '    loss = mse';
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

export function files(c) {
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

export function main(c, name) {
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
