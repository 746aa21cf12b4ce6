// Convolutional: a convolutional autoencoder (the main run) and a dense one
// with about as many weights and biases (a companion, 'dense') train side by
// side. Their validation MSE, BCE and SSIM on one chart, the same validation
// digits through both, the conv layers' feature maps of the drawing and the
// first layer's kernels (conv/feature-maps.js), and a slider that moves the
// digits up to 4 pixels, with both networks' error plotted against the shift.

import { h } from '../lib/dom.js';
import { PIXELS } from '../lib/mnist.js';
import { say } from '../charts/describe.js';
import { choice, range } from '../state/setting-types.js';
import { settingField } from '../state/lesson-settings-form.js';
import { defineLesson } from './kit/lesson.js';
import { card, cards, evenCards } from './kit/cards.js';
import { digitRows } from './kit/canvases.js';
import { fmtInt, fmtLoss } from './kit/format.js';
import { mse, withDrawing } from './kit/pixels.js';
import { calmLive } from './kit/calm-live.js';
import { digitRowsWords } from './kit/alt-text.js';
import { featureMaps } from './conv/feature-maps.js';
import { explain } from './conv/explain.js';
import { scoresCard } from './conv/scores-card.js';
import { ShiftChart } from './conv/shift-chart.js';
import {
  BLOG,
  SMALL,
  convParameterCount,
  convShapeText,
  denseShapeText,
  matchDense,
  shiftImages,
} from './conv/shapes.js';

const COUNT = 10; // digits in the rows
const CURVE_DIGITS = 64; // digits the error-against-shift curve is measured on
const SHIFTS = [-4, -3, -2, -1, 0, 1, 2, 3, 4];
const ROWS_MS = 300;
const MAPS_MS = 600;
/** qualitySummary runs SSIM over 1,000 digits through each network: every few seconds is enough. */
const SCORES_MS = 2500;
/** 9 shifts × 64 digits through each network. */
const SHIFT_MS = 3000;

/** The lesson's presets: each sets the common Conv blocks setting, so the panel, the link and the run agree. */
const NETS = {
  small: { label: 'Small: 8 and 16 channels', conv: SMALL },
  blog: { label: 'Like the Keras blog: 16, 8, 8 channels', conv: BLOG },
};
const sameBlocks = (a, b) => JSON.stringify(a) === JSON.stringify(b);

const shiftWords = (v, axis) => {
  const n = Math.round(v);
  if (n === 0) return 'not moved';
  const way = axis === 'y' ? (n > 0 ? 'down' : 'up') : n > 0 ? 'right' : 'left';
  return `${Math.abs(n)} px ${way}`;
};

const settings = {
  shift: range('Shift', {
    min: -4,
    max: 4,
    step: 1,
    def: 0,
    rebuild: false,
    inPanel: false,
    describe: (v, s) => shiftWords(v, s.axis),
    hint: () => 'Moves the digits (and your drawing) within their 28×28 frame; blank paper comes in at the edge.',
  }),
  axis: choice(
    'Direction',
    [
      ['x', 'Left and right'],
      ['y', 'Up and down'],
    ],
    'x',
    { rebuild: false, inPanel: false },
  ),
};

/** The conv blocks of a state (the small preset's when none are set), and the dense network with about as many parameters. */
function networks(state) {
  const conv = state.conv?.length ? state.conv : SMALL;
  const params = convParameterCount(conv, state.latent);
  return { conv, params, dense: matchDense(params, state.latent) };
}

/** (dx, dy) for a shift along an axis. */
const offsets = (n, axis) => (axis === 'y' ? [0, n] : [n, 0]);

function view(lesson) {
  const { client, store, commit, pictures } = lesson;
  let curveInputs = null; // { axis, x }: the curve's digits at every shift
  let rowsInput = null; // { key, x }: the rows' digits at the slider's shift
  const curve = { dense: null, conv: null, axis: 'x', step: 0 }; // MSE at each shift, as last measured
  const shiftOf = () => Math.round(store.get().shift);
  const moved = (images, count) => shiftImages(images, count, ...offsets(shiftOf(), store.get().axis));

  const pad = lesson.padCard({
    stages: [
      { id: 'pad-input', caption: 'Input', label: 'Your drawing as the networks see it, moved by the slider' },
      { id: 'pad-dense', caption: 'Dense', label: 'The dense network’s reconstruction of your drawing' },
      { id: 'pad-conv', caption: 'Convolutional', label: 'The convolutional network’s reconstruction of your drawing' },
    ],
    emptyMessage: 'Draw a digit: both networks copy it, and its feature maps appear below.',
    onChange: () => {
      showShiftedDrawing();
      refreshRows();
      refreshMaps();
    },
  });
  const inputCaption = pad.canvases['pad-input'].nextElementSibling;
  const scores = lesson.own(scoresCard());

  // The rows: the validation digits moved by the slider, and both networks' copies.
  const shiftField = settingField('shift', settings.shift, { get: store.get, commit });
  const axisField = settingField('axis', settings.axis, { get: store.get, commit });
  const { el: rowsEl, rows } = digitRows(COUNT, [
    { id: 'conv-orig', label: 'Original' },
    { id: 'conv-dense', label: 'Dense', className: 'recon' },
    { id: 'conv-conv', label: 'Convolutional', className: 'recon' },
  ]);
  pictures.row(rows['conv-orig'], null);
  lesson.answers(rows['conv-dense']);
  lesson.answers(rows['conv-conv']);
  lesson.describe(rowsEl, 'Validation digits through both networks', () =>
    digitRowsWords({
      pictures,
      labels: lesson.labels,
      rows: [
        { name: `originals, ${shiftWords(shiftOf(), store.get().axis)}`, canvases: rows['conv-orig'] },
        { name: 'dense', canvases: rows['conv-dense'], against: rows['conv-orig'] },
        { name: 'convolutional', canvases: rows['conv-conv'], against: rows['conv-orig'] },
      ],
    }),
  );

  const shiftBox = h('div', { class: 'chart small', id: 'shift-chart' });
  const shiftNote = h('p', { class: 'hint', id: 'shift-note' });
  lesson.own(calmLive(shiftNote));
  const maps = featureMaps(lesson);
  const mapsSource = h('p', { class: 'hint', id: 'fmap-source' });
  const terms = lesson.termsCard({
    id: 'terms-title',
    title: 'Training loss, side by side',
    y: 'loss (smoothed)',
    series: [
      { key: 'recon', trainer: 'dense', label: 'dense', color: '--series-2', stat: ['stat-dense-recon', 'Dense'] },
      { key: 'recon', label: 'convolutional', color: '--series-1', stat: ['stat-conv-recon', 'Convolutional'] },
    ],
  });
  const training = lesson.trainingCard({ title: 'Training loss (convolutional network)' });

  // The presets set the common Conv blocks setting (the panel shows it; a link carries it).
  const presetButtons = Object.entries(NETS).map(([id, net]) =>
    h(
      'button',
      {
        type: 'button',
        class: 'button small',
        id: `conv-${id}`,
        on: { click: () => commit({ conv: net.conv.map((b) => ({ ...b })) }) },
      },
      net.label,
    ),
  );
  const presetNote = h('p', { class: 'hint', id: 'conv-net' });
  const showPreset = (state) => {
    const { conv } = networks(state);
    for (const [i, net] of Object.values(NETS).entries()) {
      presetButtons[i].setAttribute('aria-pressed', String(sameBlocks(net.conv, conv)));
    }
    presetNote.textContent = `${conv.length} conv blocks: ${convShapeText(conv, state.latent)}, mirrored back up with transposed convolutions. Type other blocks in the Network settings’ Conv blocks field.`;
  };
  showPreset(store.get());
  lesson.own(store.subscribe((state) => showPreset(state)));

  lesson.show(
    card(
      { id: 'conv-net-title', title: 'Convolutional network' },
      presetNote,
      h('p', { role: 'group', 'aria-label': 'Convolutional presets' }, presetButtons[0], ' ', presetButtons[1]),
    ),
    cards(pad.el, scores.el),
    card(
      {
        id: 'fmap-title',
        title: 'Inside the convolutional encoder',
        hint: 'Each small picture is one channel’s feature map: where its kernel found its pattern in the image. Darker ink = stronger response, on one scale per layer.',
      },
      mapsSource,
      maps.el,
    ),
    card(
      {
        id: 'rows-title',
        title: 'Validation digits through both',
        hint: 'Move the digits with the slider: both networks were trained on centred digits only.',
      },
      h('div', { class: 'shift-fields' }, shiftField.el, axisField.el),
      rowsEl,
    ),
    evenCards(
      card(
        {
          id: 'shift-title',
          title: 'Error against shift',
          hint: `Validation MSE of each network on ${CURVE_DIGITS} digits moved by −4 … +4 pixels, measured as training goes. The rings mark the slider’s shift.`,
        },
        shiftBox,
        shiftNote,
      ),
      terms.el,
    ),
    training.el,
  );
  const shiftChart = lesson.own(new ShiftChart(shiftBox));

  /** The drawing moved by the slider, on the pad's first stage (the pad paints it unmoved). */
  function showShiftedDrawing() {
    inputCaption.textContent = shiftOf() ? `Input, ${shiftWords(shiftOf(), store.get().axis)}` : 'Input';
    if (pad.drawing) pad.show('pad-input', moved(pad.drawing, 1));
  }

  /** The rows' digits at the slider's shift (painted as the originals), made again when the shift changes. */
  function rowsDigits() {
    const key = `${shiftOf()},${store.get().axis}`;
    if (rowsInput?.key !== key) {
      rowsInput = { key, x: moved(lesson.digits, COUNT) };
      pictures.row(rows['conv-orig'], rowsInput.x);
    }
    return rowsInput.x;
  }

  // The rows and the drawing through both networks.
  const refreshRows = lesson.refresher(ROWS_MS, async () => {
    const { drawing, version } = pad;
    const input = drawing ? moved(drawing, 1) : null;
    const x = withDrawing(rowsDigits(), COUNT, input);
    const [yc, yd] = await lesson.current(
      Promise.all([client.reconstruct(x.slice()), client.callOn('dense', 'reconstruct', x)]),
    );
    pictures.row(rows['conv-conv'], yc);
    pictures.row(rows['conv-dense'], yd);
    if (!input || version !== pad.version) return;
    const [c, d] = [yc.subarray(COUNT * PIXELS), yd.subarray(COUNT * PIXELS)];
    pad.show('pad-conv', c);
    pad.show('pad-dense', d);
    const [ec, ed] = [mse(c, input), mse(d, input)];
    pad.message.textContent = `Error on your drawing (MSE): dense ${fmtLoss(ed)}, convolutional ${fmtLoss(ec)}.`;
    pad.message.dataset.denseMse = String(ed);
    pad.message.dataset.convMse = String(ec);
  });

  // The conv layers' feature maps of the drawing (or of the first validation digit), and the first layer's kernels.
  const refreshMaps = lesson.refresher(MAPS_MS, async () => {
    const { drawing } = pad;
    const where = shiftOf() ? `, ${shiftWords(shiftOf(), store.get().axis)}` : '';
    const what = drawing ? 'your drawing' : `validation digit 1 (a ${lesson.labels[0]})`;
    const x = moved(drawing ?? lesson.digits.subarray(0, PIXELS), 1);
    const step = lesson.step;
    const [acts, filters] = await lesson.current(Promise.all([client.call('activations', x), client.call('filters')]));
    maps.showMaps(acts, `${what}${where}`, step);
    maps.showKernels(filters, step);
    mapsSource.textContent = drawing
      ? `Your drawing${where}.`
      : `Validation digit 1 (a ${lesson.labels[0]})${where}. Draw a digit to see yours.`;
  });

  lesson.refresher(SCORES_MS, async () => {
    const at = lesson.step;
    const [c, d] = await lesson.current(
      Promise.all([client.call('qualitySummary'), client.callOn('dense', 'qualitySummary')]),
    );
    scores.push(at, d, c);
  });

  // The error against the shift: the curve's digits at every shift, through both networks.
  const refreshShift = lesson.refresher(SHIFT_MS, async () => {
    const { axis } = store.get();
    if (curveInputs?.axis !== axis) {
      const x = new Float32Array(SHIFTS.length * CURVE_DIGITS * PIXELS);
      SHIFTS.forEach((s, i) => {
        x.set(shiftImages(lesson.digits, CURVE_DIGITS, ...offsets(s, axis)), i * CURVE_DIGITS * PIXELS);
      });
      curveInputs = { axis, x };
    }
    const { x } = curveInputs;
    const step = lesson.step;
    const [yc, yd] = await lesson.current(
      Promise.all([client.reconstruct(x.slice()), client.callOn('dense', 'reconstruct', x)]),
    );
    const n = CURVE_DIGITS * PIXELS;
    const errors = (y) => SHIFTS.map((_, i) => mse(y.subarray(i * n, (i + 1) * n), x.subarray(i * n, (i + 1) * n)));
    Object.assign(curve, { conv: errors(yc), dense: errors(yd), axis, step });
    drawShift();
  });

  /** The curves with the slider's shift marked, and how much each network's error grows at ±4 pixels. */
  function drawShift() {
    shiftChart.show(SHIFTS, curve.dense, curve.conv, shiftOf());
    if (!curve.conv) {
      shiftNote.textContent = '';
      return;
    }
    const zero = SHIFTS.indexOf(0);
    const edge = (ys) => (ys[0] + ys[ys.length - 1]) / 2;
    const grows = (ys) => `${say(ys[zero])} centred, ${say(edge(ys))} at ±4 px (×${(edge(ys) / ys[zero]).toFixed(1)})`;
    shiftNote.textContent =
      `${curve.step ? `At step ${fmtInt(curve.step)}` : 'Before training'}, moved ${curve.axis === 'y' ? 'up and down' : 'left and right'}: ` +
      `dense ${grows(curve.dense)}; convolutional ${grows(curve.conv)}.`;
  }

  return {
    reset(_info, state) {
      const { conv, dense } = networks(state);
      maps.build(conv);
      scores.reset(
        `Dense: ${denseShapeText(dense.encoder, dense.latent)}. Convolutional: ${convShapeText(conv, state.latent)} and back up.`,
      );
      Object.assign(curve, { conv: null, dense: null });
      drawShift();
      mapsSource.textContent = 'Waiting for the network…';
    },
    async ready() {
      rowsInput = null;
      curveInputs = null;
      rowsDigits();
      // The parameters as the engine counts them: every weight and bias, flat.
      const [pc, pd] = await lesson.current(
        Promise.all([client.call('parameters'), client.callOn('dense', 'parameters')]),
      );
      scores.showParams(pd.length, pc.length);
    },
    /** The slider or the direction moved: new inputs, the same networks. */
    update(state) {
      shiftField.show(state);
      axisField.show(state);
      showShiftedDrawing();
      if (!lesson.digits) return;
      rowsDigits();
      drawShift();
      refreshRows();
      refreshMaps();
      if (curve.axis !== state.axis) refreshShift();
    },
  };
}

export default defineLesson({
  id: 'conv',
  title: 'Convolutional',
  settingsTitle: 'Convolutional network',
  settings,
  defaults: { conv: SMALL, latent: 16, lr: 0.005 },
  config(state, cfg) {
    // This lesson needs a conv model: with Conv blocks set to none it trains the small preset (the note says so).
    if (!cfg.model.conv?.length) {
      cfg.model.encoder = [];
      cfg.model.conv = networks(state).conv.map((b) => ({ ...b }));
    }
    return cfg;
  },
  /** The dense network to compare with: the same code size where the budget allows, the same seed and training. */
  companions(state, main) {
    const { dense } = networks(state);
    delete main.model.conv;
    main.model.encoder = [...dense.encoder];
    main.model.latent = dense.latent;
    return { dense: main };
  },
  note: (state) => {
    const { params, dense } = networks(state);
    const code = dense.latent === state.latent ? '' : ` (a ${dense.latent}-number code: a larger one would not fit)`;
    const typed = state.conv?.length
      ? ''
      : ' Conv blocks is set to none, so the small preset (8 and 16 channels) is used.';
    return (
      `Beside the convolutional network (${fmtInt(params)} weights and biases), a dense one of about as many: ` +
      `${denseShapeText(dense.encoder, dense.latent)}, ${fmtInt(dense.params)}${code}.${typed} The Encoder widths setting is not used here.`
    );
  },
  lead:
    'Images have structure a dense layer ignores: nearby pixels belong together, and a stroke is a stroke wherever it is. ' +
    'A convolution slides one small kernel over the whole image. Here a convolutional autoencoder and a dense one with about ' +
    'as many parameters learn side by side; press Play and compare them.',
  explain,
  digits: CURVE_DIGITS,
  // Convolutional models exist only in the lab build (docs/wasm-api.md): the run, both networks, is built there.
  engine: 'lab',
  view,
});
