// "Show code": the current settings as a PyTorch script (state/pytorch-script.js)
// in a dialog, with Copy and Download, and a few lines on what to change next
// and how a model trained with it comes back (Load model…). A modal <dialog>:
// the browser keeps focus inside it, Escape closes it, and focus goes back to
// the button that opened it. Every text is textContent (lib/dom.js).

import { h } from '../lib/dom.js';
import { pytorchScript, scriptFileName } from '../state/pytorch-script.js';

const INTERVIEW = [
  [
    'Why does the script transpose every weight when it saves?',
    'nn.Linear keeps its weight as [out, in] and computes x·Wᵀ + b; the playground keeps W as [in, out] and ' +
      'computes x·W + b. It is the same matrix read the other way round, so saving writes Wᵀ and loading ' +
      'transposes it back. Biases need no change.',
  ],
  [
    'Why does the loss take logits (binary_cross_entropy_with_logits) instead of the sigmoid’s output?',
    'From the logits, BCE is max(z, 0) − z·t + log(1 + e^−|z|): it never takes the log of a probability that ' +
      'rounded to 0 or 1, so it stays finite, and its gradient is simply sigmoid(z) − t. The playground does the same.',
  ],
  [
    'What does model.eval() change in this model?',
    'Dropout stops dropping units (PyTorch’s dropout already scales the kept ones by 1/(1 − p) while training), ' +
      'and the VAE reconstructs from its mean code μ instead of a random sample. Evaluating without it gives noisy numbers.',
  ],
  [
    'Why is the VAE’s KL divided by 784?',
    'The reconstruction loss is a mean per pixel and the KL a sum per digit. Dividing the KL by the 784 pixels puts ' +
      'both on one scale, so β = 1 keeps the balance of the ELBO.',
  ],
];

/**
 * @param {{ download: (blob: Blob, name: string) => void }} deps  how a file is offered (model-tools.js)
 * @returns {{ open({ config, lesson: { id, title }, link }): void, close(): void }}
 */
export function createCodeDialog({ download }) {
  let ui = null;
  let current = { text: '', file: '' };

  const say = (text) => {
    ui.status.textContent = text;
  };

  async function copy() {
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(current.text);
      say('Copied to the clipboard.');
    } catch {
      getSelection()?.selectAllChildren(ui.code);
      ui.pre.focus();
      say('This browser did not allow copying. The code is selected: press Ctrl+C (⌘C on a Mac) to copy it.');
    }
  }

  function save() {
    download(new Blob([current.text], { type: 'text/x-python;charset=utf-8' }), current.file);
    say(`Downloaded ${current.file}.`);
  }

  function build() {
    const code = h('code', { class: 'language-python' });
    const pre = h('pre', { class: 'code-script', tabindex: '0', 'aria-label': 'The PyTorch script' }, code);
    const status = h('p', { class: 'code-status', role: 'status', 'aria-live': 'polite' });
    const about = h('p', { id: 'code-about', class: 'code-about' });
    const downloadButton = h('button', {
      type: 'button',
      id: 'code-download',
      class: 'button small',
      on: { click: save },
    });
    const dialog = h(
      'dialog',
      { id: 'code-dialog', class: 'code-dialog', 'aria-labelledby': 'code-title', 'aria-describedby': 'code-about' },
      h(
        'div',
        { class: 'code-head' },
        h('h2', { id: 'code-title' }, 'This model as PyTorch code'),
        h('button', { type: 'button', class: 'button small', on: { click: () => dialog.close() } }, 'Close'),
      ),
      about,
      h(
        'div',
        { class: 'code-actions' },
        h(
          'button',
          { type: 'button', id: 'code-copy', class: 'button small primary', autofocus: true, on: { click: copy } },
          'Copy',
        ),
        downloadButton,
        status,
      ),
      pre,
      h(
        'div',
        { class: 'code-notes' },
        h('h3', {}, 'What to change next'),
        h(
          'ul',
          {},
          h(
            'li',
            {},
            'More digits: the playground trains on 8,000 of them. Set TRAIN_DIGITS = 60_000 to use all of ' +
              'MNIST’s training digits, and EPOCHS to train for longer.',
          ),
          h('li', {}, 'A GPU: the script uses one when PyTorch finds it (CUDA); nothing else changes.'),
          h(
            'li',
            {},
            'PyTorch draws its own random numbers, so the same seed gives another run of the same recipe, ' +
              'not the playground’s numbers step for step.',
          ),
        ),
        h('h3', {}, 'Bringing the model back'),
        h(
          'p',
          { class: 'code-back' },
          'When it finishes, the script writes a .safetensors file in the playground’s own format: the same tensor ' +
            'names, the settings in its metadata. Open it here with Load model… and every lesson can explore what ' +
            'it learned, with its step count and validation loss.',
        ),
        h(
          'details',
          {},
          h('summary', {}, 'Interview corner'),
          h('dl', { class: 'qa' }, ...INTERVIEW.flatMap(([q, a]) => [h('dt', {}, q), h('dd', {}, a)])),
        ),
      ),
    );
    document.body.append(dialog);
    return { dialog, code, pre, status, about, download: downloadButton };
  }

  return {
    open({ config, lesson, link = null }) {
      ui ??= build();
      const title = lesson?.title ?? 'this';
      current = {
        text: pytorchScript(config, { lesson: lesson?.id, title: lesson?.title, link }),
        file: scriptFileName(lesson?.id),
      };
      ui.code.textContent = current.text;
      ui.about.textContent =
        `The settings of the ${title} lesson as a script for PyTorch: the same network, initialisation, loss, ` +
        'optimiser and numbers, trained on MNIST on your own machine.';
      ui.download.textContent = `Download ${current.file}`;
      say('');
      ui.pre.scrollTop = 0;
      if (!ui.dialog.open) ui.dialog.showModal();
    },
    close() {
      ui?.dialog.close();
    },
  };
}
