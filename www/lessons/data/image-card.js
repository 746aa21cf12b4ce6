// The Your data lesson's card for images of any size (the Quality metrics and
// Filters lessons draw 28×28 digits): the validation reconstructions' MSE,
// BCE, PSNR, SSIM and MS-SSIM (the engine's qualityOf: SSIM per channel,
// averaged), and the first encoder layer's filters drawn at the pictures'
// own size (a dense network; a convolutional one has small kernels instead).

import { h } from '../../lib/dom.js';
import { card } from '../kit/cards.js';
import { fmtLoss } from '../kit/format.js';
import { stat, showStat, clearStats, statList } from '../kit/readout.js';
import { paintPicture } from './row-chart.js';

const FILTERS = 24;

/**
 * Unit j's input weights (column j of the input×units `encoder`) scaled to [0, 1]
 * around 0.5 (0 stays mid-gray): what the unit looks for.
 */
export function filterPicture(encoder, units, j, input) {
  const out = new Float32Array(input);
  let top = 0;
  for (let i = 0; i < input; i++) top = Math.max(top, Math.abs(encoder[i * units + j]));
  for (let i = 0; i < input; i++) out[i] = top > 0 ? 0.5 + (0.5 * encoder[i * units + j]) / top : 0.5;
  return out;
}

/** -> { el, reset(info, config), refresh() } */
export function imageCard(lesson) {
  const { client } = lesson;
  const stats = [
    ['mse', 'MSE', fmtLoss],
    ['bce', 'BCE', fmtLoss],
    ['psnr', 'PSNR (dB)', (v) => v.toFixed(2)],
    ['ssim', 'SSIM', (v) => v.toFixed(3)],
    ['msSsim', 'MS-SSIM', (v) => v.toFixed(3)],
  ].map(([key, label, format]) => ({ key, format, s: stat(`data-q-${key}`, label) }));
  const grid = h('div', { class: 'picture-grid', id: 'data-filters' });
  const filtersNote = h('p', { class: 'hint', id: 'data-filters-note' });
  const el = card(
    { id: 'data-image-title', title: 'Your pictures: quality and filters' },
    h(
      'p',
      { class: 'hint' },
      'Over the validation pictures: MSE, BCE and PSNR over every value; SSIM and MS-SSIM compare local structure, per colour channel.',
    ),
    statList(
      stats.map((x) => x.s),
      'inline',
    ),
    filtersNote,
    grid,
  );
  let info = null;
  let dense = false;

  return {
    el,
    reset(next, config) {
      info = next.view === 'image' ? next : null;
      el.hidden = !info;
      dense = !(config.model.conv?.length > 0);
      clearStats(...stats.map((x) => x.s));
      grid.replaceChildren();
      filtersNote.textContent = dense
        ? 'The first layer’s filters: the weights each unit gives every pixel (gray is 0, light positive, dark negative).'
        : 'A convolutional network has small kernels, not whole-picture filters: the Convolutional lesson shows them for digits.';
    },
    async refresh() {
      if (!info) return;
      const { channels, height, width } = info.shape;
      const q = await lesson.current(client.call('qualityOf', channels, height, width));
      for (const { key, format, s } of stats) showStat(s, q[key], format);
      el.dataset.step = String(lesson.step);
      if (!dense) return;
      const f = await lesson.current(client.call('filters'));
      const n = Math.min(FILTERS, f.units);
      if (grid.children.length !== n) {
        grid.replaceChildren(
          ...Array.from({ length: n }, (_, j) =>
            h('canvas', { class: 'data-picture', role: 'img', 'aria-label': `Filter of unit ${j + 1}` }),
          ),
        );
      }
      [...grid.children].forEach((c, j) => {
        paintPicture(c, filterPicture(f.encoder, f.units, j, info.width), info.shape);
      });
    },
  };
}
