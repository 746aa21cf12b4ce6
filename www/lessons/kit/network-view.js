// "Inside the network": the current architecture drawn layer by layer with
// every layer's activations for one digit (charts/network-diagram.js), the
// ReLU units dead on the whole validation set, the first layer's weights of a
// hovered unit, and each layer's gradient norm and update ratio ‖Δw‖/‖w‖ over
// training on log-scale charts. Its own lesson (lessons/inside.js) and a panel
// any lesson can open (kit/inside-panel.js). Everything comes from the
// worker's answers, paced: activations and the layer statistics a few times a
// second, the dead units (a pass over the validation digits) every few seconds.

import { h } from '../../lib/dom.js';
import { PIXELS } from '../../lib/mnist.js';
import { paintTiles } from '../../draw/images.js';
import { diverging, filterImage } from '../../draw/colour-maps.js';
import { NetworkDiagram } from '../../charts/network-diagram.js';
import { LineChart } from '../../charts/line-chart.js';
import { describeSeries } from '../../charts/describe.js';
import { architecture, LayerHistory } from '../inside/architecture.js';
import { card } from './cards.js';
import { digitCanvas } from './canvases.js';

const ACTIVATIONS_MS = 300;
const STATS_MS = 250;
const DEAD_MS = 3000;
const CHOICES = 8; // validation digits to choose from

const sci = (v) => (v == null || !Number.isFinite(v) ? '–' : v.toExponential(2));

/**
 * @param {object} lesson  the lesson (kit/lesson.js)
 * @param {{ drawing?: () => Float32Array|null }} [options]  the pad's drawing, shown instead of the chosen digit when there is one
 * -> { el, reset(), refresh(), destroy() }
 */
export function networkView(lesson, { drawing = () => null } = {}) {
  const { client, pictures } = lesson;
  let choices = null; // CHOICES validation digits
  let layers = null;
  let filters = null; // { encoder, units, step }
  let hovered = -1;

  const select = h(
    'select',
    { id: 'inside-digit', on: { change: () => activations() } },
    ...Array.from({ length: CHOICES }, (_, i) => h('option', { value: String(i) }, `Validation digit ${i + 1}`)),
  );
  const source = h('p', { class: 'hint', id: 'inside-source' }, '');
  const note = h('p', { class: 'hint', id: 'inside-note' }, 'Loading the network’s insides…');
  const deadTotal = h('span', { class: 'nd-dead-total', id: 'inside-dead' }, '');
  const weights = digitCanvas({
    id: 'inside-weights',
    class: 'digit-canvas large',
    'aria-label': 'The weights into the hovered unit of the first hidden layer, as a 28 by 28 picture',
  });
  const weightsCaption = h('figcaption', { id: 'inside-weights-caption' }, 'Hover a unit of encoder.0');
  const holder = h('div', { class: 'network-holder' });
  const diagram = new NetworkDiagram(holder, {
    pictures,
    onUnit: (layer, unit) => {
      if (layer.name !== 'encoder.0') return;
      hovered = unit;
      showWeights();
    },
  });
  const diagramCard = card(
    {
      id: 'inside-title',
      title: 'The network, layer by layer',
      hint: 'Each block is one layer, its bar as tall as the layer is wide. The cells are its units’ values for one digit; a cross marks a ReLU unit that is zero for every validation digit.',
      head: [deadTotal],
      wrap: true,
      className: 'inside-card',
    },
    h('div', { class: 'inside-controls' }, h('label', { for: 'inside-digit' }, 'Digit '), select, source),
    holder,
    h('figure', { class: 'digit inside-weights' }, weights, weightsCaption),
    note,
  );

  // Gradients: one series per layer, on log axes.
  const gradBox = h('div', { class: 'chart small', id: 'grad-chart' });
  const ratioBox = h('div', { class: 'chart small', id: 'ratio-chart' });
  const gradCard = card(
    {
      id: 'grad-title',
      title: 'Gradients, layer by layer',
      hint: 'Per layer, after each refresh: the gradient’s norm ‖∇w‖ and how much the step changed the weights, ‖Δw‖/‖w‖ (a healthy net is around 10⁻³). Log scales: one grid line is ten times more.',
      className: 'inside-card',
    },
    h('h4', {}, 'Gradient norm ‖∇w‖'),
    gradBox,
    h('h4', {}, 'Update ratio ‖Δw‖/‖w‖'),
    ratioBox,
  );
  const history = new LayerHistory();
  let charts = null;
  const el = h('div', { class: 'inside-view' }, diagramCard, gradCard);

  function buildCharts(names) {
    for (const c of charts ?? []) c.destroy();
    gradBox.replaceChildren();
    ratioBox.replaceChildren();
    const series = names.map((n, i) => ({ label: n, color: `--class-${i % 10}` }));
    const opts = { x: 'step', series, log: true, height: 200, format: sci };
    charts = [new LineChart(gradBox, { ...opts, y: '‖∇w‖' }), new LineChart(ratioBox, { ...opts, y: '‖Δw‖/‖w‖' })];
    gradBox.dataset.layers = names.join(',');
    ratioBox.dataset.layers = names.join(',');
  }

  function drawCharts() {
    if (!charts || charts[0].options.series.length !== history.names.length) buildCharts(history.names);
    const filled = (cols) => String(cols.filter((c) => c.some((v) => v != null)).length);
    charts[0].setData([history.steps, ...history.grad]);
    charts[1].setData([history.steps, ...history.ratio]);
    gradBox.dataset.filled = filled(history.grad);
    ratioBox.dataset.filled = filled(history.ratio);
    const words = (cols) => history.names.map((n, i) => describeSeries(n, history.steps, cols[i])).join(' ');
    gradBox.setAttribute('aria-label', `Gradient norm per layer by step. ${words(history.grad)}`);
    ratioBox.setAttribute('aria-label', `Update ratio per layer by step. ${words(history.ratio)}`);
  }

  const inView = () => el.isConnected;
  // The engine sums the layer statistics of one step after each read
  // (`layerStats(true)`): the curves get a point a refresh, as before, and the
  // steps between cost nothing (summing every step cost the default model
  // about 4% of its step with Adam, up to a tenth otherwise). On while this
  // view lives, per run.
  let tracking = false;

  const layerStats = lesson.refresher(STATS_MS, async () => {
    if (!inView()) return;
    tracking = true;
    const s = await lesson.current(client.call('layerStats', true));
    // step 0: no step summed yet (the first read asks for the next one).
    if (s.step > 0 && history.push(s.step, s)) drawCharts();
  });

  const activations = lesson.refresher(ACTIVATIONS_MS, async () => {
    if (!inView()) return;
    if (!layers) {
      const cfg = await lesson.current(client.call('config'));
      layers = architecture(cfg.model);
      diagram.setLayers(layers);
    }
    if (!choices) ({ images: choices } = await lesson.current(client.validationImages(CHOICES)));
    const drawn = drawing();
    const i = Number(select.value);
    const x = drawn ?? choices.subarray(i * PIXELS, (i + 1) * PIXELS);
    source.textContent = drawn ? 'Showing your drawing (clear the pad to choose a digit).' : '';
    select.disabled = Boolean(drawn);
    if (!lesson.labLoaded) note.textContent = 'Loading the lab build for the activations…';
    const a = await lesson.current(client.call('activations', x.slice()));
    lesson.labLoaded = true;
    diagram.setActivations(a.layers);
    diagram.el.dataset.step = String(lesson.step);
    note.textContent = `The activations after step ${lesson.step}.`;
  });

  const dead = lesson.refresher(DEAD_MS, async () => {
    if (!inView() || !layers) return;
    const d = await lesson.current(client.call('deadUnits'));
    const total = diagram.setDead(d.layers);
    const relu = d.layers.some((l) => l.dead?.length);
    deadTotal.textContent = relu ? `Dead ReLU units: ${total}` : 'No ReLU layers';
    deadTotal.dataset.count = String(total);
  });

  async function showWeights() {
    if (hovered < 0) return;
    if (!filters || filters.step !== lesson.step) {
      const step = lesson.step;
      const f = await lesson.current(client.call('filters'));
      filters = { ...f, step };
    }
    const j = hovered;
    const { encoder, units } = filters;
    pictures.draw(weights, (p) =>
      paintTiles(weights, {
        count: 1,
        cols: 1,
        gap: 0,
        background: p.diverging.mid,
        tile: (_j, put) => {
          const { image } = filterImage(encoder, units, j, 'columns');
          for (let k = 0; k < PIXELS; k++) put(k % 28, Math.floor(k / 28), diverging(image[k], p.diverging));
        },
      }),
    );
    weights.dataset.unit = String(j);
    weightsCaption.textContent = `Weights into encoder.0 unit ${j} (blue −, red +)`;
  }

  return {
    el,
    /** A new run: the architecture may have changed; the curves start again. */
    reset() {
      tracking = false; // a new run's trainer starts with the sums off
      layers = null;
      filters = null;
      history.reset();
      diagram.clear();
      if (charts) drawCharts();
      deadTotal.textContent = '';
      delete deadTotal.dataset.count;
    },
    /** Asks for every part again now (the pad changed, the panel opened). */
    refresh() {
      activations();
      layerStats();
      dead();
    },
    destroy() {
      for (const r of [layerStats, activations, dead]) r.stop();
      if (tracking) client.call('trackLayerStats', false).catch(() => {}); // the run may be gone already
      for (const c of charts ?? []) c.destroy();
    },
  };
}
