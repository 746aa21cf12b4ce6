// The latent-space lesson's interpolation card: pick two ends (a validation
// digit of each class, or the drawing; on the person's own data, validation
// rows of each label, or the row the pad card holds), then compare the decoded
// straight path between their codes with a plain cross-fade of their values.
// Not a lesson of its own: latent.js mounts it and tells it when the rows, the
// drawing or the run change.

import { h } from '../../lib/dom.js';
import { parseInteger } from '../../state/setting-types.js';
import { settingField } from '../../state/lesson-settings-form.js';
import { pixelBlend } from './cross-fade.js';
import { digitRows, digitCanvas } from '../kit/canvases.js';
import { card } from '../kit/cards.js';
import { atStep } from '../kit/alt-text.js';
import { rowName } from './classes.js';

/** The path is decoded again at most this often while training. */
const PATH_MS = 400;
const STEP_PRESETS = [5, 8, 10, 12, 16];
/** The interpolation's default ends, among the offered rows: the first validation 0 and the first 1 (on own data, the first two offered). */
const DEFAULT_ENDS = [0, 1];

/** The lesson setting for the number of images along the path (placed in this card, not the panel). */
export const stepsSetting = {
  label: 'Steps along the path',
  default: 10,
  parse: (t) => parseInteger(t, 2, 32, 'the number of steps along the path'),
  format: String,
  control: { type: 'select', options: STEP_PRESETS.map((v) => ({ value: String(v), label: String(v) })) },
  hint: () => 'Images from one end to the other, both ends included.',
  rebuild: false,
  inPanel: false,
};

/**
 * @param {{
 *   lesson,                        the latent lesson (kit/lesson.js): client, store, commit, digits, labels, pictures
 *   classes,                       what the rows and their labels are called (classes.js classesOf)
 *   drawing: () => Float32Array|null,  the drawing (or the pad card's row), one row of values
 *   onEnds: () => void,            the ends changed (the plot marks them)
 * }} options
 * -> { el, ends, setEnd, setPicks, padChanged, endsChanged, updatePickers, update }
 */
export function interpolationCard({ lesson, classes, drawing, onEnds }) {
  const { client, store, commit, pictures } = lesson;
  const { one } = classes;
  const digits = one === 'digit';
  const yours = pictures.shape.digits ? 'your drawing' : `the chosen ${one}`;
  let steps = store.get().steps;
  let rows = null;
  let picks = []; // the validation rows offered as ends: [{ index, label }] (classes.js pickRows)
  const view = { ends: { from: null, to: null } }; // { kind: 'pad' } | { kind: 'digit', index }

  const pickers = { from: [], to: [] };
  const pickerRows = { from: null, to: null };
  const pickerRow = (end) => {
    const row = h('div', {
      class: 'pickers',
      role: 'group',
      'aria-label': end === 'from' ? 'Start of the path' : 'End of the path',
    });
    pickerRows[end] = row;
    return row;
  };

  /** The picker buttons for the rows offered (`count` of them; the digits' ten are there before the digits load). */
  function buildPickers(count) {
    for (const end of ['from', 'to']) {
      const row = pickerRows[end];
      row.replaceChildren();
      pickers[end] = [];
      if (end === 'from') {
        const c = digitCanvas({ 'aria-hidden': 'true' });
        const b = h(
          'button',
          {
            type: 'button',
            class: 'pick',
            id: 'pick-from-pad',
            'aria-pressed': 'false',
            'aria-label': `Start at ${yours}`,
            title: yours[0].toUpperCase() + yours.slice(1),
            disabled: true,
          },
          c,
        );
        b.addEventListener('click', () => setEnd('from', 'pad'));
        pickers.from.push({ button: b, canvas: c, value: 'pad' });
        row.append(b);
      } else {
        row.append(h('span', { 'aria-hidden': 'true' })); // keeps the rows under the start row's
      }
      for (let k = 0; k < count; k++) {
        const c = digitCanvas({ 'aria-hidden': 'true' });
        const b = h(
          'button',
          {
            type: 'button',
            class: 'pick',
            id: `pick-${end}-${k}`,
            'aria-pressed': 'false',
            'aria-label': `${end === 'from' ? 'Start' : 'End'} at ${pickName(k)}`,
          },
          c,
        );
        b.addEventListener('click', () => picks[k] && setEnd(end, picks[k].index));
        pickers[end].push({ button: b, canvas: c, value: k });
        row.append(b);
      }
    }
  }

  /** The offered row k in words: "a 3" (the digits' pickers are named before the digits load), "row 4 (usual)". */
  const pickName = (k) =>
    digits ? `a ${k}` : picks[k] ? rowName(classes, picks[k].index, picks[k].label) : `${one} ${k + 1}`;
  const blendLabel = one === 'row' ? 'Value blend' : 'Pixel blend';
  const stepsField = settingField('steps', stepsSetting, { get: store.get, commit });
  const rowsBox = h('div', { class: 'interp-rows' });
  const pathNote = h('p', { class: 'hint', id: 'interp-note' });
  lesson.describe(rowsBox, 'The path between the two ends', () => {
    if (!rows) return '';
    const path = pictures.shownOn(rows.rows['interp-path'][0]);
    const decoded = path?.pixels ? `decoded ${atStep(path.step)}` : 'not decoded yet';
    return `${pathNote.textContent.split('.')[0]}, in ${steps} images. Top row: the decoded path, ${decoded}. Bottom row: a ${blendLabel.toLowerCase()}`;
  });

  const blended = one === 'row' ? 'values' : 'pixels';
  view.el = card(
    {
      id: 'interp-title',
      title: `From one ${one} to another`,
      hint:
        'Pick the two ends (or click a dot in the plot and use the buttons under it). ' +
        `The top row decodes evenly spaced codes on the straight line between the two ${classes.many}’ codes; the bottom row cross-fades their ${blended}.`,
      className: 'interp-card',
    },
    h(
      'div',
      { class: 'picker-grid' },
      h('span', { class: 'row-label' }, 'Start'),
      pickerRow('from'),
      h('span', { class: 'row-label' }, 'End'),
      pickerRow('to'),
    ),
    h('div', { class: 'slider-field' }, stepsField.el),
    rowsBox,
    pathNote,
  );

  function buildRows() {
    rows = digitRows(
      steps,
      [
        { id: 'interp-path', label: 'Decoded path', className: 'recon' },
        { id: 'interp-blend', label: blendLabel },
      ],
      { describe: (row, i) => `${row.label}, step ${i + 1} of ${steps}` },
    );
    rowsBox.replaceChildren(rows.el);
    for (const row of Object.values(rows.rows)) pictures.row(row, null);
  }

  const paintRow = (id, pixels) => pictures.row(rows.rows[id], pixels);

  /** The values of an end of the path, or null (no rows yet, or an empty pad). */
  function endImage(end) {
    const images = lesson.digits;
    const { size } = pictures;
    if (!end || !images) return null;
    return end.kind === 'pad' ? drawing() : images.subarray(end.index * size, (end.index + 1) * size);
  }

  function setEnd(which, value) {
    view.ends[which] = value === 'pad' ? { kind: 'pad' } : { kind: 'digit', index: value };
    updatePickers();
    endsChanged();
  }

  function updatePickers() {
    const images = lesson.digits;
    const padImage = drawing();
    for (const which of ['from', 'to']) {
      const end = view.ends[which];
      for (const p of pickers[which]) {
        const index = picks[p.value]?.index;
        const on = p.value === 'pad' ? end?.kind === 'pad' : end?.kind === 'digit' && end.index === index;
        p.button.setAttribute('aria-pressed', String(on));
        if (p.value === 'pad') {
          p.button.disabled = !padImage;
          pictures.digit(p.canvas, padImage);
        } else if (images && index != null) {
          pictures.digit(p.canvas, images, { offset: index * pictures.size });
        }
      }
    }
  }

  function endsChanged() {
    const { ends } = view;
    const { labels } = lesson;
    const a = endImage(ends.from);
    const b = endImage(ends.to);
    paintRow('interp-blend', a && b ? pixelBlend(a, b, steps) : null);
    paintRow('interp-path', null);
    const name = (e) => {
      if (e?.kind === 'pad') return yours;
      if (!e || !labels) return '…';
      return digits
        ? `a ${labels[e.index]} (validation digit ${e.index + 1})`
        : `validation ${rowName(classes, e.index, labels[e.index])}`;
    };
    pathNote.textContent = `From ${name(ends.from)} to ${name(ends.to)}. The decoded path begins and ends with the network’s reconstructions of the two, not the ${classes.many} themselves.`;
    onEnds();
    refreshPath();
  }

  // Asked for with the lesson's other refreshes (stats, halts, pauses), and when the ends change.
  const refreshPath = lesson.refresher(PATH_MS, async () => {
    const a = endImage(view.ends.from);
    const b = endImage(view.ends.to);
    if (!a || !b) return;
    const forSteps = steps;
    const y = await lesson.current(client.call('interpolate', a, b, steps));
    if (forSteps === steps) paintRow('interp-path', y);
  });

  buildRows();
  buildPickers(digits ? 10 : 0);

  return Object.assign(view, {
    setEnd,
    updatePickers,
    endsChanged,
    /** The drawing changed: a path that started at it falls back to the default start once it is cleared. */
    padChanged() {
      if (view.ends.from?.kind === 'pad' && !drawing()) setEnd('from', picks[DEFAULT_ENDS[0]]?.index ?? 0);
      updatePickers();
    },
    /** The validation rows offered as ends, once they are known ([{ index, label }]), and the default ends among them. */
    setPicks(offered) {
      picks = offered;
      if (!digits) buildPickers(picks.length);
      const at = (k) => picks[Math.min(k, picks.length - 1)]?.index ?? 0;
      view.ends = {
        from: { kind: 'digit', index: at(DEFAULT_ENDS[0]) },
        to: { kind: 'digit', index: at(DEFAULT_ENDS[1]) },
      };
    },
    update(state, patch) {
      stepsField.show(state);
      if ('steps' in patch && patch.steps !== steps) {
        steps = patch.steps;
        buildRows();
        endsChanged();
      }
    },
  });
}
