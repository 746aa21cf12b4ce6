// What the convolutional encoder makes of one digit: every conv layer's
// feature maps (one small grey picture per channel, all channels of a layer on
// one scale, so a quiet channel looks quiet) and the first layer's kernels as
// k×k pictures on the diverging colour map (each scaled by its own largest
// weight). Each layer's group is one image to assistive technology, labelled
// in words: its shape, which channels respond most, its value range.

import { h } from '../../lib/dom.js';
import { describe, say } from '../../charts/describe.js';
import { paintImage, paintBlank, paintTiles } from '../../draw/images.js';
import { diverging, filterImage } from '../../draw/colour-maps.js';
import { atStep } from '../kit/alt-text.js';
import { convShapes, sizeOf } from './shapes.js';

/** 'encoder.0' -> 'fmap-encoder-0' (a DOM id). */
const idOf = (name) => `fmap-${name.replace('.', '-')}`;

/** The channels of a layer, strongest mean activation first: 'channels 3, 7 and 1'. */
function strongest(values, shape, n = 3) {
  const size = shape.height * shape.width;
  const means = Array.from({ length: shape.channels }, (_, c) => {
    let s = 0;
    for (let i = 0; i < size; i++) s += Math.abs(values[c * size + i]);
    return [c, s / size];
  });
  const top = means.sort((a, b) => b[1] - a[1]).slice(0, n);
  const quiet = means.filter(([, m]) => m === 0).length;
  const names = top.map(([c]) => String(c + 1));
  const list = names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `strongest channels ${list}${quiet ? `; ${quiet} channel${quiet === 1 ? '' : 's'} all zero` : ''}`;
}

/**
 * @param {{ pictures: import('../kit/pictures.js').Pictures }} lesson  the lesson's pictures (theme repaints)
 * -> { el, build(blocks), showMaps(activations, what, step), showKernels(filters, step), clear() }
 */
export function featureMaps({ pictures }) {
  const layersEl = h('div', { class: 'fmap-layers', id: 'fmap-layers' });
  const kernelsEl = h('div', { class: 'fmap-grid kernels', id: 'conv-kernels', 'aria-label': 'First-layer kernels' });
  const el = h(
    'div',
    { class: 'fmaps' },
    layersEl,
    h(
      'figure',
      { class: 'fmap-layer kernels-layer' },
      h('figcaption', {}, h('strong', {}, 'Kernels of encoder.0:'), ' the patterns its channels look for'),
      kernelsEl,
      h(
        'div',
        { class: 'diverging-scale', 'aria-hidden': 'true' },
        h('span', { class: 'bar' }),
        h('span', { class: 'ends' }, h('span', {}, '− largest'), h('span', {}, '0'), h('span', {}, '+ largest')),
      ),
    ),
  );
  let groups = []; // [{ name, shape, el, canvases }]
  let kernelCanvases = [];
  let kernel = 3;

  /** Empty groups for a network's conv blocks (a new run: the layers may have changed). */
  function build(blocks) {
    const shapes = convShapes(blocks).slice(1);
    kernel = blocks[0]?.kernel ?? 3;
    groups = shapes.map((shape, i) => {
      const name = `encoder.${i}`;
      const canvases = Array.from({ length: shape.channels }, () =>
        h('canvas', { width: shape.width, height: shape.height, class: 'fmap' }),
      );
      const grid = h(
        'div',
        {
          class: 'fmap-grid',
          id: idOf(name),
          dataset: { channels: shape.channels, height: shape.height, width: shape.width },
          style: `--tile: ${shape.height >= 14 ? 48 : 40}px`,
        },
        ...canvases,
      );
      const title = `${name} · ${shape.channels}×${shape.height}×${shape.width}`;
      const el = h(
        'figure',
        { class: 'fmap-layer' },
        h(
          'figcaption',
          {},
          h('strong', {}, `${name}:`),
          ` ${shape.channels} channels of ${shape.height}×${shape.width}`,
        ),
        grid,
      );
      describe(grid, 'not shown yet', { title: `Feature maps of ${title}`, now: true });
      return { name, shape, el, grid, canvases };
    });
    layersEl.replaceChildren(...groups.map((g) => g.el));
    const count = blocks[0]?.channels ?? 0;
    kernelCanvases = Array.from({ length: count }, () => h('canvas', { width: kernel, height: kernel, class: 'fmap' }));
    kernelsEl.replaceChildren(...kernelCanvases);
    kernelsEl.dataset.count = String(count);
    kernelsEl.dataset.kernel = String(kernel);
    describe(kernelsEl, 'not shown yet', {
      title: `The first layer’s ${count} kernels, ${kernel}×${kernel} each`,
      now: true,
    });
    clear();
  }

  /** Every picture blank (a new run, before the first answer). */
  function clear() {
    for (const g of groups) {
      for (const c of g.canvases) {
        pictures.draw(c, (p) => paintBlank(c, { width: g.shape.width, height: g.shape.height, palette: p.digits }));
      }
      delete g.grid.dataset.step;
    }
    for (const c of kernelCanvases) {
      pictures.draw(c, (p) =>
        paintBlank(c, { width: kernel, height: kernel, palette: { paper: p.diverging.mid, ink: p.diverging.mid } }),
      );
    }
    delete kernelsEl.dataset.step;
  }

  /**
   * The conv layers' values from activations() (layers 'encoder.i' of C×H×W values, channel-major),
   * `what` names the digit ('your drawing'), `step` the training step they are from.
   */
  function showMaps(activations, what, step) {
    for (const g of groups) {
      const layer = activations.layers.find((l) => l.name === g.name);
      if (!layer || layer.values.length !== sizeOf(g.shape)) continue;
      const v = layer.values;
      let lo = 0;
      let hi = 0;
      for (const x of v) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
      const size = g.shape.height * g.shape.width;
      // ReLU maps go from paper (0) to ink (the layer's largest value); signed ones (tanh, identity) diverge around 0.
      const signed = lo < 0;
      const scale = Math.max(hi, -lo) || 1;
      g.canvases.forEach((c, ch) => {
        const part = Float32Array.from(v.subarray(ch * size, (ch + 1) * size), (x) => x / scale);
        pictures.draw(c, (p) =>
          signed
            ? paintTiles(c, {
                count: 1,
                cols: 1,
                width: g.shape.width,
                height: g.shape.height,
                gap: 0,
                background: p.diverging.mid,
                tile: (_k, put) => {
                  for (let i = 0; i < size; i++)
                    put(i % g.shape.width, Math.floor(i / g.shape.width), diverging(part[i], p.diverging));
                },
              })
            : paintImage(c, part, { width: g.shape.width, height: g.shape.height, palette: p.digits }),
        );
      });
      g.grid.dataset.step = String(step);
      g.grid.dataset.max = String(hi);
      describe(
        g.grid,
        `${what} ${atStep(step)}: ${layer.activation} outputs from ${say(lo)} to ${say(hi)} (darkest ink = ${say(scale)}), ${strongest(v, g.shape)}`,
      );
    }
  }

  /** The first block's kernels from filters(): `encoder` is (C_in·k·k) × C_out, column j = channel j's kernel. */
  function showKernels(filters, step) {
    const { units, encoder } = filters;
    const taps = kernel * kernel;
    if (units !== kernelCanvases.length || encoder.length !== taps * units) return;
    let lo = Infinity;
    let hi = -Infinity;
    for (const w of encoder) [lo, hi] = [Math.min(lo, w), Math.max(hi, w)];
    kernelCanvases.forEach((c, j) => {
      const { image } = filterImage(encoder, units, j, 'columns', taps);
      pictures.draw(c, (p) =>
        paintTiles(c, {
          count: 1,
          cols: 1,
          width: kernel,
          height: kernel,
          gap: 0,
          background: p.diverging.mid,
          tile: (_k, put) => {
            for (let i = 0; i < taps; i++) put(i % kernel, Math.floor(i / kernel), diverging(image[i], p.diverging));
          },
        }),
      );
    });
    kernelsEl.dataset.step = String(step);
    describe(
      kernelsEl,
      `${atStep(step)}, weights from ${say(lo)} to ${say(hi)}, each kernel scaled by its own largest weight`,
    );
  }

  return { el, build, showMaps, showKernels, clear };
}
