// Latent space: the codes of 1,000 validation digits as a scatter plot,
// coloured by their labels (which the network never sees), refreshed as it
// trains. With a 2-number code the plot is the codes themselves; with more it
// is their projection on the first two principal components. Hover a dot to
// see its digit, click anywhere to decode that point, and compare the decoded
// path between two digits with a plain pixel cross-fade (interpolation.js).
// On the person's own data the dots are their validation rows, coloured by
// the data's labels (one colour when it has none: latent/classes.js), and
// every picture is a row drawn at its shape.

import { h } from '../lib/dom.js';
import { ScatterPlot, alignSigns, labelCentres } from '../charts/scatter.js';
import { describe, say } from '../charts/describe.js';
import { defineLesson } from './kit/lesson.js';
import { card, evenCards } from './kit/cards.js';
import { digitCanvas, picture } from './kit/canvases.js';
import { fmtPercent } from './kit/format.js';
import { atStep } from './kit/alt-text.js';
import { interpolationCard, stepsSetting } from './latent/interpolation.js';
import { trailsControl } from './latent/trails.js';
import { classesOf, columnsText, labelColours, pickRows, rowName } from './latent/classes.js';
import { grouped } from '../lib/numbers.js';

const POINTS = 1000;
/** The map is re-encoded at most this often while training: 1,000 digits through the encoder is a pause for the worker. */
const MAP_MS = 1000;
const PICK_MS = 40;

const settings = { steps: stepsSetting };

/** Built when mounted: modules load in node too (the settings tests), where there is no DOM. */
function explain() {
  return {
    body: [
      'The encoder turns each digit into a short list of numbers, its code; the decoder turns a code back into an image. ' +
        'The space of all possible codes is the latent space. The network is never told which digit is which, ' +
        'yet as it trains, digits of the same kind land near each other, because similar images need similar codes to be rebuilt well.',
      'Every point of the plane is a code, not only the dots. Clicking decodes one: between the clusters you often get blends, ' +
        'and far outside them shapes that are not digits at all. A plain autoencoder is not asked to fill the space evenly; ' +
        'a VAE is (see the Generate lesson).',
      'Interpolation walks the straight line between two codes and decodes each step. If the codes capture shape, the walk ' +
        'morphs one digit into another through digit-like images; the pixel cross-fade below it just fades one image out and the other in.',
    ],
    tryThis: [
      'Watch the clusters separate as training starts. Which digits stay mixed longest? (4, 7 and 9 often do.)',
      'With Trails on, press Reset and then Play: each dot drags a fading tail of its last few places, so you can see whole classes being pulled apart, fast at first, then settling.',
      'Raise the latent size to 16: the plot becomes a projection, and clusters may overlap here while being apart in the other directions.',
      'Draw a digit badly on purpose and see where its star lands.',
      'Interpolate from a 1 to a 0 at latent size 2: the path may pass through other digits on its way.',
    ],
    interview: [
      [
        'Why do labels cluster if the autoencoder never sees labels?',
        'Digits of one kind share most of their pixels, so the encoder saves reconstruction error by giving them nearby codes. Clustering is a side effect, which is why codes make good features for a classifier.',
      ],
      [
        'Why can interpolation in a plain autoencoder give garbage?',
        'Nothing makes the space between the training codes decode to something sensible; a VAE’s KL term (or an adversarial or contractive penalty) regularises it.',
      ],
      [
        'PCA of the codes versus t-SNE or UMAP?',
        'PCA is a linear projection, so a clicked point can be mapped back to a code and decoded. t-SNE and UMAP show neighbourhoods better but have no inverse.',
      ],
    ],
  };
}

/** The plot in words: how many dots, which plane, and where the middle of each label's dots is. */
function mapWords(m, step, classes) {
  const plane = m.projected
    ? `the plane of the codes’ first two principal components (${fmtPercent(m.explained)} of their variance)`
    : 'the codes themselves (z₁ across, z₂ up)';
  const dots = `${grouped(m.labels.length)} ${classes.many} ${atStep(step)} in ${plane}`;
  const centres = labelCentres(m.points, m.labels, classes.names.length);
  if (!classes.labelled) {
    const [c] = centres;
    return `${dots}, all in one colour: your data has no labels. Middle of the dots: (${say(c.x)}, ${say(c.y)})`;
  }
  const words = centres
    .map((c, d) => (c.count ? `${classes.names[d]} at (${say(c.x)}, ${say(c.y)})` : ''))
    .filter(Boolean);
  const whose = classes.one === 'digit' ? 'each digit’s dots' : 'the dots of each label';
  return `${dots}. Middle of ${whose}: ${words.join('; ')}`;
}

function view(lesson) {
  const { client, pictures } = lesson;
  const classes = classesOf(lesson.data);
  const { one, many } = classes;
  const onDigits = one === 'digit';
  let picks = null; // the validation rows offered as the path's ends (latent/classes.js pickRows)
  let map = null; // the last latentMap, its points turned by `signs`
  let signs = [1, 1]; // plot = plane × signs: keeps a projection from mirroring between refreshes
  let hovered = -1;
  let picked = null; // { x, y, index } clicked in the plane
  let padCode = null; // the drawing's code, when it has at most 2 numbers

  // The plot, its hover card and legend.
  const colouring = onDigits
    ? 'coloured by digit'
    : classes.labelled
      ? 'coloured by label'
      : 'all in one colour (your data has no labels)';
  const plotCanvas = picture(
    'latent-plot',
    'scatter',
    `Scatter plot of the codes of the validation ${many}, ${colouring}. Arrow keys move a cross whose point is decoded below.`,
    { tabindex: 0 },
  );
  const tipCanvas = digitCanvas({ 'aria-hidden': 'true' });
  const tipText = h('span', { class: 'tip-label' });
  const tip = h('div', { class: 'scatter-tip', id: 'latent-tip', hidden: true }, tipCanvas, tipText);
  const axes = h('p', { class: 'hint', id: 'latent-axes' }, 'Waiting for the network…');
  // One entry per label (the colours repeat past ten, as the plot's do); one for all the dots when there are none.
  const legend = h(
    'ul',
    {
      class: 'digit-legend',
      id: 'latent-legend',
      'aria-label': onDigits ? 'Colours of the digits' : 'Colours of the labels',
    },
    classes.names.map((name, d) =>
      h(
        'li',
        {},
        h('span', { class: 'legend-dot', style: `background: var(--class-${d % 10})`, dataset: { digit: String(d) } }),
        classes.labelled ? name : `Your data has no labels, so every ${one} has the same colour.`,
      ),
    ),
  );
  const decoded = digitCanvas({
    id: 'latent-decoded',
    class: 'digit-canvas large recon',
    'aria-label': 'The image decoded from the clicked point',
  });
  const decodeNote = h(
    'p',
    { class: 'hint', id: 'latent-decode-note' },
    'Click anywhere in the plane to decode that point.',
  );
  const nearCanvas = digitCanvas({
    id: 'latent-near',
    class: 'digit-canvas large',
    'aria-label': `The validation ${one} under the clicked point`,
  });
  const nearCaption = h('figcaption', {}, `${one[0].toUpperCase()}${one.slice(1)} there`);
  const useFrom = h('button', { type: 'button', class: 'button small', id: 'latent-use-from' }, 'Start path here');
  const useTo = h('button', { type: 'button', class: 'button small', id: 'latent-use-to' }, 'End path here');
  const near = h(
    'div',
    { class: 'near-digit', hidden: true },
    h('figure', { class: 'digit' }, nearCanvas, nearCaption),
    h('div', { class: 'near-actions' }, useFrom, useTo),
  );

  const plot = lesson.own(
    new ScatterPlot(plotCanvas, {
      colours: () => labelColours(classes.names.length), // asked at each paint, so the dots follow the theme
      // Own data: its labels' names at their points (none without labels); the digits: their numbers.
      names: () => (lesson.data ? (classes.labelled ? classes.names : []) : null),
      onHover: showTip,
      onPick: (p) => {
        picked = p;
        showNear();
        plot.setMarks({ click: { x: p.x, y: p.y } });
        decodePick();
      },
    }),
  );

  const trails = trailsControl(plot);

  const pad = lesson.padCard({
    emptyMessage: onDigits
      ? 'Draw a digit to see where its code lands (the ★ in the plot).'
      : 'Draw on the pad to see where its code lands (the ★ in the plot).',
    samples: 16,
    onChange: (drawing) => {
      if (!drawing) {
        padCode = null;
        plot.setMarks({ star: null });
        markEnds();
      }
      interp.padChanged();
      refreshPad();
      if (interp.ends.from?.kind === 'pad') interp.endsChanged();
    },
  });
  const training = lesson.trainingCard({});
  const interp = interpolationCard({ lesson, classes, drawing: () => pad.drawing, onEnds: markEnds });
  const plotTitle = (count) => `The codes of ${grouped(count)} validation ${many}`;

  const plotCard = card(
    {
      id: 'plot-title',
      title: plotTitle(POINTS),
      className: 'scatter-card',
      head: [trails.toggle],
    },
    axes,
    h('div', { class: 'scatter-wrap' }, plotCanvas, tip),
    legend,
    trails.note,
    h(
      'div',
      { class: 'decode-row' },
      h('figure', { class: 'digit' }, decoded, h('figcaption', {}, 'Decoded at ✛')),
      decodeNote,
      near,
    ),
  );
  const plotHeading = plotCard.querySelector('#plot-title');
  lesson.show(evenCards(plotCard, h('div', { class: 'card-stack' }, training.el, pad.el)), interp.el);
  useFrom.addEventListener('click', () => picked?.index >= 0 && interp.setEnd('from', picked.index));
  useTo.addEventListener('click', () => picked?.index >= 0 && interp.setEnd('to', picked.index));
  pictures.digit(decoded, null);

  /** Where an end sits in the plane, when that is known. */
  function endPoint(end) {
    if (end?.kind === 'digit' && map) return { x: map.points[2 * end.index], y: map.points[2 * end.index + 1] };
    if (end?.kind === 'pad' && padCode) return padCode;
    return null;
  }

  function markEnds() {
    const { ends } = interp;
    const p = endPoint(ends.from);
    const q = endPoint(ends.to);
    plot.setMarks({
      path: p && q ? [p, q] : null,
      rings: [ends.from, ends.to].filter((e) => e?.kind === 'digit').map((e) => e.index),
    });
  }

  function showTip(index) {
    hovered = index;
    const { digits, labels } = lesson;
    if (index < 0 || !digits || !labels || !map) {
      tip.hidden = true;
      return;
    }
    const pos = plot.toPixel(map.points[2 * index], map.points[2 * index + 1]);
    if (!pos) return;
    pictures.digit(tipCanvas, digits, { offset: index * pictures.size });
    tipText.textContent = tipWords(index, labels[index]);
    tip.dataset.index = String(index);
    tip.hidden = false;
    const w = plotCanvas.clientWidth;
    tip.style.left = `${Math.min(pos.left + 12, w - tip.offsetWidth - 4)}px`;
    tip.style.top = `${Math.max(4, pos.top - tip.offsetHeight - 10)}px`;
  }

  /** The tip's words for validation row `index`: "a 3"; on own data its label (or number), and a table row's first values. */
  function tipWords(index, label) {
    if (onDigits) return `a ${label}`;
    const name = classes.labelled ? `${classes.names[label] ?? label}, ${one} ${index + 1}` : `${one} ${index + 1}`;
    const { data } = lesson;
    return data.view === 'columns' ? `${name}: ${columnsText(data, lesson.digits, index * pictures.size)}` : name;
  }

  function showNear() {
    const i = picked?.index ?? -1;
    near.hidden = i < 0 || !lesson.digits;
    if (near.hidden) return;
    pictures.digit(nearCanvas, lesson.digits, { offset: i * pictures.size });
    nearCaption.textContent = `Dot there: ${rowName(classes, i, lesson.labels[i])}`;
  }

  function showAxes() {
    const { latent } = lesson;
    axes.dataset.projected = String(map.projected);
    if (map.projected) {
      axes.textContent =
        `Each code has ${latent} numbers, so this is a projection: the codes’ first two principal components ` +
        `(PC 1, PC 2), the two directions in which they vary most. They explain ${fmtPercent(map.explained)} of the codes’ variance; ` +
        `dots that overlap here may still be apart in the other ${latent - 2} directions.`;
      axes.dataset.explained = String(map.explained);
      plot.setAxisLabels('PC 1', 'PC 2');
      decodeNote.textContent =
        `Click anywhere to decode that point. With ${latent} numbers per code, the click goes back through the inverse of the projection: ` +
        `its two coordinates along PC 1 and PC 2, and the codes’ average in the other ${latent - 2} directions.`;
    } else {
      axes.textContent =
        latent === 1
          ? `Each code is a single number z₁, drawn across; the height means nothing (z₂ is 0 for every ${one}).`
          : 'Each code is two numbers: z₁ across, z₂ up. These are the codes themselves, not a projection.';
      delete axes.dataset.explained;
      plot.setAxisLabels('z₁', latent === 1 ? '—' : 'z₂');
      decodeNote.textContent =
        'Click anywhere in the plane to decode that point: the decoder is given exactly those numbers as the code.';
    }
  }

  async function decodeNow() {
    if (!map || !picked) return;
    const y = await lesson.current(
      client.call('decodePoints', Float32Array.of(picked.x * signs[0], picked.y * signs[1])),
    );
    pictures.digit(decoded, y);
    describe(decoded, `the point (${say(picked.x)}, ${say(picked.y)}) ${atStep(lesson.step)}`);
    decoded.dataset.x = String(picked.x);
    decoded.dataset.y = String(picked.y);
  }
  const decodePick = lesson.refresher(PICK_MS, decodeNow, { auto: false });

  // The map and what hangs on it: the dots, then the clicked point's image (the plane may have moved).
  lesson.refresher(MAP_MS, async () => {
    const m = await lesson.current(client.call('latentMap', POINTS));
    signs = m.projected && map?.projected ? alignSigns(map.points, m.points) : [1, 1];
    for (let i = 0; i < m.points.length; i += 2) {
      m.points[i] *= signs[0];
      m.points[i + 1] *= signs[1];
    }
    map = m;
    plot.setPoints(m.points, m.labels);
    trails.show(m);
    showAxes();
    plotHeading.textContent = plotTitle(m.labels.length); // own data may have fewer validation rows
    describe(plotCanvas, () => mapWords(m, lesson.step, classes));
    markEnds();
    requestAnimationFrame(() => showTip(hovered)); // after the plot has its new scale
    if (picked) await decodeNow();
  });

  // The drawing: its reconstruction, and its code when that is a point of the plot.
  const refreshPad = lesson.refresher(100, async () => {
    const { drawing, version } = pad;
    const { latent } = lesson;
    if (!drawing) return;
    const y = await lesson.current(client.reconstruct(drawing.slice()));
    const z = latent <= 2 ? await lesson.current(client.call('encode', drawing)) : null;
    if (version !== pad.version) return;
    pad.show('pad-recon', y);
    if (z) {
      padCode = { x: z[0], y: latent === 2 ? z[1] : 0 };
      plot.setMarks({ star: padCode });
      pad.message.textContent =
        latent === 2
          ? `Its code: z₁ = ${z[0].toFixed(2)}, z₂ = ${z[1].toFixed(2)}, the ★ in the plot.`
          : `Its code: z₁ = ${z[0].toFixed(2)}, the ★ in the plot.`;
    } else {
      padCode = null;
      pad.message.textContent = onDigits
        ? `Its code has ${latent} numbers; the plot’s projection is fitted to the validation digits only, so the drawing is not placed on it.`
        : `Its code has ${latent} numbers; the ★ marks a code of 1 or 2 numbers only, which the plot shows as it is.`;
    }
    markEnds();
  });

  return {
    reset() {
      map = null;
      picked = null;
      padCode = null;
      tip.hidden = true;
      near.hidden = true;
      pictures.digit(decoded, null);
      plot.setMarks({ click: null, star: null, path: null, rings: [] });
      plot.setPoints(new Float32Array(0), new Uint8Array(0));
      trails.clear();
    },
    ready() {
      if (!picks) {
        picks = pickRows(classes, lesson.labels);
        interp.setPicks(picks);
      }
      interp.updatePickers();
      interp.endsChanged();
    },
    update(state, patch) {
      interp.update(state, patch);
    },
  };
}

export default defineLesson({
  id: 'latent',
  title: 'Latent space',
  settingsTitle: 'Latent space',
  settings,
  defaults: { latent: 2 },
  note: (state) =>
    state.latent === 2
      ? 'A code of 2 numbers: the plot shows the codes themselves.'
      : `A code of ${state.latent} numbers: the plot shows a 2-D projection of it. Set the latent size to 2 to see the codes themselves.`,
  lead:
    'Each dot is one validation digit placed at its code, coloured by the digit it shows. ' +
    'The network never sees these labels, yet similar digits gather as it learns. Hover a dot to see it; click anywhere to decode that point.',
  explain,
  digits: POINTS,
  view,
});
