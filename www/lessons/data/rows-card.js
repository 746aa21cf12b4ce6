// The Your data lesson's rows card: validation rows beside the network's
// reconstructions, drawn for what they are (row-chart.js); with the
// denoising variant, the rows as the network gets them (30% of the values
// hidden) and what it rebuilds from those; PCA's reconstructions at the same
// code size on demand; and, for a VAE, rows generated from random codes.

import { h } from '../../lib/dom.js';
import { card } from '../kit/cards.js';
import { paintRow } from './row-chart.js';

const ROWS = 6;

/** -> { el, reset(runInfo, info), ready(), refresh() } */
export function rowsCard(lesson, { extra = [] } = {}) {
  const { client } = lesson;
  const shape = h('p', { class: 'hint', id: 'data-shape' });
  const showPca = h('input', { type: 'checkbox', id: 'data-rows-pca' });
  const pcaField = h('label', { class: 'field' }, showPca, ' Also PCA’s reconstructions (same code size)');
  const box = h('div', { class: 'data-rows', id: 'data-rows' });
  const samplesTitle = h('h4', { id: 'data-samples-title' }, 'Generated from random codes');
  const samples = h('div', { class: 'data-rows', id: 'data-samples' });
  const el = card(
    {
      id: 'data-rows-title',
      title: 'Validation rows and their reconstructions',
      hint: 'Rows the network never trains on. Ink: the row as it is; accent: what the network rebuilds from its code.',
    },
    shape,
    ...extra,
    pcaField,
    box,
    samplesTitle,
    samples,
  );
  let info = null;
  let rows = null; // { values, labels } of the rows shown
  let corrupted = null; // the same rows as a denoising network gets them
  let slots = []; // per row: { clean, recon (images), noisy, pca }
  let denoise = false;
  let vae = false;

  const canvas = (id, kind) =>
    h('canvas', { class: info.view === 'image' ? `data-picture ${kind}` : `row-chart ${kind}`, id });

  function layout() {
    box.replaceChildren();
    slots = Array.from({ length: ROWS }, (_, i) => {
      const slot = {
        noisy: denoise ? canvas(`data-noisy-${i}`, 'noisy') : null,
        clean: canvas(`data-row-${i}`, ''),
        recon: info.view === 'image' ? canvas(`data-recon-${i}`, 'recon') : null,
        pca: showPca.checked ? canvas(`data-pca-${i}`, 'pca') : null,
      };
      box.append(h('div', { class: 'data-row' }, slot.noisy, slot.clean, slot.recon, slot.pca));
      return slot;
    });
  }

  const part = (a, i) => (a ? a.subarray(i * info.width, (i + 1) * info.width) : null);
  const nameOf = (i) =>
    `Validation row ${i + 1}${rows.labels && info.labelNames?.length ? ` (${info.labelNames[rows.labels[i]]})` : ''}`;

  function paint(recon, pca) {
    slots.forEach((s, i) => {
      if (i * info.width >= rows.values.length) return;
      const values = part(rows.values, i);
      if (s.noisy && corrupted) {
        paintRow(s.noisy, { values: part(corrupted, i), info, name: `${nameOf(i)}, as the network gets it` });
      }
      paintRow(s.clean, { values, recon: part(recon, i), info, reconCanvas: s.recon, name: nameOf(i) });
      if (s.pca && pca) {
        if (info.view === 'image') paintRow(s.pca, { values: part(pca, i), info });
        else paintRow(s.pca, { values, recon: part(pca, i), info, name: `${nameOf(i)} and PCA's reconstruction` });
      }
    });
  }

  async function refresh() {
    if (!rows) return;
    const input = (corrupted ?? rows.values).slice();
    const y = await lesson.current(client.reconstruct(input));
    let pca = null;
    if (showPca.checked) {
      await lesson.current(client.call('fitPca', Math.min(lesson.latent, info.width))); // kept: a second call reuses it
      pca = await lesson.current(client.call('pcaReconstruct', rows.values));
    }
    paint(y, pca);
    box.dataset.step = String(lesson.step);
    if (!vae) return;
    const z = await lesson.current(client.call('sample', ROWS));
    [...samples.children].forEach((c, i) => {
      paintRow(c, { values: part(z, i), info, name: `Generated row ${i + 1}` });
    });
    samples.dataset.step = String(lesson.step);
  }

  showPca.addEventListener('change', () => {
    if (!info) return;
    layout();
    if (rows) refresh().catch(() => {}); // a newer run took over
  });

  return {
    el,
    reset(runInfo, next) {
      info = next;
      rows = null;
      corrupted = null;
      const { model, train } = runInfo.config;
      denoise = train.noise !== 'none' && train.noise != null;
      vae = model.kind === 'vae';
      layout();
      el.querySelector('.hint').textContent = denoise
        ? 'Rows the network never trains on. First: the row as the network gets it, 30% of its values hidden (set to 0). ' +
          'Then the row as it is (ink) and what the network rebuilds from the hidden one (accent).'
        : 'Rows the network never trains on. Ink: the row as it is; accent: what the network rebuilds from its code.';
      samplesTitle.hidden = !vae;
      samples.hidden = !vae;
      samples.replaceChildren(
        ...Array.from({ length: vae ? ROWS : 0 }, (_, i) => canvas(`data-sample-${i}`, 'sample')),
      );
      const enc = model.encoder ?? [];
      const conv = model.conv ?? [];
      shape.textContent = conv.length
        ? `Network: ${info.shape.channels}×${info.shape.height}×${info.shape.width} images → conv blocks of ${conv.map((b) => b.channels).join(', ')} channels → a ${model.latent}-number code → back.`
        : `Network: ${[model.input, ...enc, model.latent, ...[...enc].reverse(), model.input].join(' → ')}` +
          (model.output === 'identity' ? ', linear output (the rows are not pixels between 0 and 1).' : '.');
    },
    async ready(runInfo) {
      const r = await lesson.current(client.validationImages(ROWS));
      const noisy = denoise ? await lesson.current(client.call('corrupt', r.images)) : null;
      if (runInfo.run !== lesson.run) return;
      rows = { values: r.images, labels: r.labels };
      corrupted = noisy;
      paint(null, null);
    },
    refresh,
  };
}
