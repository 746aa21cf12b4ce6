// Anomalies: train without one digit class, then flag test digits whose
// reconstruction error is unusually high. Shows the error histograms of the
// normal digits and of the held-out class, a threshold (a percentile of the
// normal validation errors) with precision and recall there, the ROC curve
// with its AUC, and the draw pad as an anomaly meter.
// On a person's own data the held-out class is one of its labels (the
// setting lists them); data without labels has no class to hold out, so it
// trains on every row and shows only how the errors spread, and says so.

import { h } from '../lib/dom.js';
import { settingField } from '../state/lesson-settings-form.js';
import { percentile, displayRange, paintHistogram } from '../charts/histogram.js';
import { rocPointAt, paintRoc } from '../charts/roc.js';
import { describe, say } from '../charts/describe.js';
import { defineLesson } from './kit/lesson.js';
import { picture } from './kit/canvases.js';
import { card, cards, evenCards } from './kit/cards.js';
import { fmtLoss, fmtInt, fmtPercent } from './kit/format.js';
import { mse } from './kit/pixels.js';
import { stat, showStat, clearStats, statList } from './kit/readout.js';
import { lessonInfo } from '../state/own-data.js';
import { LIVE_ROWS, anomalyCard } from './data/anomaly-card.js';
import { explain, faultsHeldOut } from './anomalies/explain.js';
import { anomalySettings, className, heldOutClass as heldOutOf } from './anomalies/settings.js';

const SAMPLES = 16; // validation digits for the pad's Sample button
const SCORE_MS = 2500; // the report scores 2,000 digits: every few seconds while training is plenty
const PAD_MS = 150;
const RANKED_TOP = 5; // own data: the rows ranked worst, with where their error is

/** The person's own data when this lesson trains on it (state/own-data.js), or null: the digits. */
const ownInfo = () => lessonInfo(anomalies);

/** The held-out class of a run on `info` (null: the digits) for `state`: a class number, or null for none. */
export function heldOutClass(state, info = ownInfo()) {
  return heldOutOf(state, info);
}

const settings = anomalySettings(ownInfo);

/** Built when mounted: modules load in node too (the settings tests), where there is no DOM. */
function view(lesson) {
  const { client, store, commit } = lesson;
  // A person's own data (a table, signals, pictures), or null: the digits.
  const own = lesson.data;
  const noun = !own ? 'digit' : own.view === 'image' ? 'image' : 'row';
  const plural = `${noun}s`;
  // The engine keeps a tenth of a person's rows for testing (as many as for validation).
  const tested = own ? (own.rows - own.trainRows) / 2 : 1000;
  /** The rows of the held-out class `c`: "2s", or "“odd” rows". */
  const heldName = (c) => (own ? `${className(c, own)} ${plural}` : `${c}s`);
  let report = null; // the last anomalyReport
  let threshold = null;
  let padError = null; // the drawing's reconstruction error

  const pad = lesson.padCard({
    emptyMessage: 'Draw a digit, a letter or a scribble to see its anomaly score.',
    onChange: (drawing) => {
      if (!drawing) {
        padError = null;
        delete pad.message.dataset.mse;
        showMeter();
      }
      refreshPad();
    },
  });
  pad.el.querySelector('#pad-title').textContent =
    own && !lesson.pictures.shape.digits ? `Anomaly meter: one of your ${plural}` : 'Anomaly meter: draw anything';
  const meterFill = h('div', { class: 'meter-fill' });
  const meterMark = h('div', { class: 'meter-mark', title: 'threshold' });
  const meter = h(
    'div',
    {
      class: 'meter',
      id: 'anomaly-meter',
      role: 'img',
      'aria-label': `${own && !lesson.pictures.shape.digits ? `The chosen ${noun}’s` : 'Your drawing’s'} error against the threshold`,
    },
    meterFill,
    meterMark,
  );
  pad.el.querySelector('.pad-actions').after(meter);

  const training = lesson.trainingCard({ title: 'Reconstruction error' });

  const hist = picture(
    'error-hist',
    'hist-canvas',
    `Histograms of the reconstruction error of normal and held-out test ${plural}`,
  );
  const legend = h('p', { class: 'swatches', id: 'hist-legend' });
  const slider = settingField('pct', settings.pct, { get: store.get, commit });
  const thStat = stat('stat-threshold', 'Threshold (MSE)');
  const precStat = stat('stat-precision', 'Precision');
  const recStat = stat('stat-recall', 'Recall');
  const flagStat = stat('stat-flagged', `Test ${plural} flagged`);
  const scoreButton = h('button', { type: 'button', class: 'button small', id: 'score-now' }, 'Score now');
  const scoredAt = h('p', { class: 'hint', id: 'scored-at' }, 'Not scored yet.');

  const roc = picture('roc', 'roc-canvas', 'ROC curve of the anomaly score');
  const aucStat = stat('stat-auc', 'AUC');
  const rocNote = h('p', { class: 'hint', id: 'roc-note' });

  // Own data: every row of it scored, the worst with the columns (or pixels) where their error is, and a
  // CSV of every row's score (the Your data lesson's card), beside the held-out class's test above.
  const ranked = own
    ? anomalyCard({
        onScore: () => rank().catch(() => {}),
        fetchAll: () => lesson.current(client.scoreRows(0, { withValues: true })),
      })
    : null;
  async function rank() {
    const report = await lesson.current(client.scoreRows(RANKED_TOP, { limit: LIVE_ROWS }));
    ranked.show(report, { pct: store.get().pct, step: lesson.step });
  }
  if (ranked) lesson.refresher(SCORE_MS, () => rank());

  lesson.show(
    cards(pad.el, training.el),
    evenCards(
      card(
        { id: 'hist-title', title: `Error on the ${fmtInt(tested)} test ${plural}`, head: [scoreButton], wrap: true },
        legend,
        hist,
        h(
          'p',
          { class: 'hint' },
          own
            ? `Each colour’s bars are shares of its own ${plural}, so a small class compares with a large one.`
            : 'Each colour’s bars are shares of its own digits, so a class of 100 compares with the other 900.',
        ),
        h('div', { class: 'slider-field' }, slider.el),
        statList([thStat, precStat, recStat, flagStat], 'inline'),
        scoredAt,
      ),
      card(
        { id: 'roc-title', title: 'ROC curve: every threshold at once' },
        statList([aucStat], 'inline'),
        roc,
        rocNote,
      ),
    ),
    ranked?.el,
  );

  /** The meter: the drawing's error on a scale from 0 to twice the threshold, the threshold at the middle. */
  function showMeter() {
    const ok = padError != null && threshold != null;
    meter.hidden = !ok;
    if (!ok) return;
    const share = Math.min(1, padError / (2 * threshold));
    const flagged = padError >= threshold;
    meterFill.style.width = `${(share * 100).toFixed(1)}%`;
    describe(meter, `${say(padError)} against the threshold ${say(threshold)}, ${flagged ? 'flagged' : 'passes'}`);
    meter.dataset.flagged = String(flagged);
    pad.message.dataset.flagged = String(flagged);
    pad.message.textContent =
      `Error (MSE) ${fmtLoss(padError)}: ${flagged ? 'at or above' : 'below'} the threshold ` +
      `${fmtLoss(threshold)}, so ${flagged ? 'flagged as an anomaly' : `it passes as a normal ${noun}`}.`;
  }

  const refreshPad = lesson.refresher(PAD_MS, async () => {
    const { drawing, version } = pad;
    if (!drawing) return;
    const y = await lesson.current(client.reconstruct(Float32Array.from(drawing)));
    if (version !== pad.version) return;
    pad.show('pad-recon', y);
    padError = mse(y, drawing);
    pad.message.dataset.mse = String(padError);
    if (threshold == null) pad.message.textContent = `Error (MSE) ${fmtLoss(padError)}.`;
    showMeter();
  });

  /** Threshold, precision/recall, histogram and ROC point from the last report and the slider. */
  async function showReport() {
    if (!report) return;
    const state = store.get();
    const { testScores, testLabels, valScores, excluded } = report;
    threshold = percentile(valScores, state.pct);
    const isAnomaly = Array.from(testLabels, (l) => l === excluded);
    const point = rocPointAt(testScores, isAnomaly, threshold);
    const normal = testScores.filter((_, i) => !isAnomaly[i]);
    const held = excluded == null ? [] : testScores.filter((_, i) => isAnomaly[i]);
    const normalName = excluded == null ? `all test ${plural}` : `normal ${plural}`;
    legend.replaceChildren(
      ...[
        h('span', { class: 'swatch s1' }, `${normalName} (${fmtInt(normal.length)})`),
        excluded == null
          ? null
          : h('span', { class: 'swatch s2' }, `held-out ${heldName(excluded)} (${fmtInt(held.length)})`),
        h('span', { class: 'swatch line' }, 'threshold'),
      ].filter(Boolean),
    );
    const groups = [{ values: normal, color: '--series-1', name: normalName }];
    if (held.length) groups.push({ values: held, color: '--series-2', name: `held-out ${heldName(excluded)}` });
    paintHistogram(hist, {
      groups,
      ...displayRange(testScores, threshold),
      bins: 30,
      threshold,
      xLabel: 'reconstruction error (MSE)',
    });
    showStat(thStat, threshold);
    showStat(flagStat, point.flagged, fmtInt);
    showMeter();
    roc.hidden = excluded == null;
    if (excluded == null) {
      clearStats(precStat, recStat, aucStat);
      rocNote.textContent = !own
        ? 'Hold out a digit (in the settings) to get anomalies to catch, and a ROC curve.'
        : faultsHeldOut(own)
          ? 'The test windows here are all healthy: the faults are in the held-out windows scored in the card below, with their ROC curve.'
          : own.labelNames?.length
            ? 'Hold out a class (in the settings) to get anomalies to catch, and a ROC curve.'
            : `Your data has no labels, so no class can be held out and nothing says which ${plural} are anomalies: there is no ROC curve. ` +
              `The histogram is the result: the test ${plural} past the threshold are the ones the network rebuilds worst.`;
      return;
    }
    showStat(aucStat, report.auc, (v) => v.toFixed(3));
    paintRoc(roc, { fpr: report.fpr, tpr: report.tpr, point, normal: `${noun}s` });
    rocNote.textContent =
      `The dot is the threshold above: ${fmtPercent(point.fpr, 1)} of normal test ${plural} flagged, ${fmtPercent(point.tpr, 1)} of the ${heldName(excluded)} caught. ` +
      (report.auc < 0.5
        ? own
          ? `An AUC under 0.5: the network rebuilds ${heldName(excluded)} better than typical ones, so high error does not mean ${className(excluded, own)}.`
          : `An AUC under 0.5: the network rebuilds ${excluded}s better than typical digits, so high error does not mean ${excluded}.`
        : 'The dashed diagonal is guessing (AUC 0.5).');
    const forReport = report;
    const pr = await lesson.current(client.call('precisionRecall', threshold));
    if (forReport !== report) return;
    showStat(precStat, pr.precision, (v) => fmtPercent(v, 1));
    showStat(recStat, pr.recall, (v) => fmtPercent(v, 1));
    precStat.value.title = `${pr.truePositives} of ${pr.truePositives + pr.falsePositives} flagged ${plural} are ${heldName(excluded)}`;
    recStat.value.title = `${pr.truePositives} of ${pr.truePositives + pr.falseNegatives} ${heldName(excluded)} flagged`;
  }

  async function scoreNow() {
    if (!lesson.run) return;
    const at = lesson.step;
    const forRun = lesson.run;
    scoreButton.disabled = true;
    try {
      const mine = await lesson.current(client.call('anomalyReport'));
      report = mine;
      // The step is stamped once every number shown is from this report (precision and recall come last).
      await showReport();
      if (report !== mine) return;
      scoredAt.textContent = `Scored at step ${fmtInt(at)}. Refreshed every few seconds while training.`;
      scoredAt.dataset.step = String(at);
    } catch (err) {
      if (forRun !== lesson.run || !err?.message) throw err; // a newer run took over
      // A person's rare class may have no row among the few test rows: the engine cannot draw a ROC curve then.
      const c = heldOutClass(store.get(), own);
      scoredAt.textContent =
        own && c != null && /needs both anomalies/.test(err.message)
          ? `None of the ${fmtInt(tested)} test ${plural} is ${className(c, own)}, so there is nothing to catch: hold out a class with more ${plural}.`
          : `Not scored: ${err.message}`;
      delete scoredAt.dataset.step;
    } finally {
      if (forRun === lesson.run) scoreButton.disabled = false;
    }
  }
  lesson.refresher(SCORE_MS, scoreNow);
  scoreButton.addEventListener('click', () => scoreNow().catch(() => {}));

  function clear() {
    report = null;
    threshold = null;
    padError = null;
    clearStats(thStat, precStat, recStat, flagStat, aucStat);
    for (const c of [hist, roc]) {
      c.getContext('2d').clearRect(0, 0, c.width, c.height);
      c.dataset.painted = 'false';
    }
    legend.replaceChildren();
    rocNote.textContent = '';
    scoredAt.textContent = 'Not scored yet.';
    delete scoredAt.dataset.step;
    showMeter();
  }
  clear();

  return {
    reset() {
      clear();
      ranked?.reset(own);
    },
    update(state, patch) {
      if ('pct' in patch) slider.show(state);
      showReport().catch(() => {});
      if (ranked) rank().catch(() => {});
    },
  };
}

const anomalies = defineLesson({
  id: 'anomalies',
  title: 'Anomalies',
  settingsTitle: 'Anomaly detection',
  settings,
  config(state, cfg) {
    cfg.train.excludeClass = heldOutClass(state);
    return cfg;
  },
  lead: (lesson) =>
    faultsHeldOut(lesson.data)
      ? 'Train an autoencoder on healthy machines only, then use its reconstruction error to catch the faulty windows in a held-out set, ' +
        'and see which sensor, and when, the error comes from. No faulty window is needed to train.'
      : !lesson.data
        ? 'Train an autoencoder without one kind of digit, then use its reconstruction error to catch that ' +
          'digit among all the others. You would use this to spot fraud, faulty parts or odd sensor readings when you only have examples of normal data.'
        : lesson.data.labelNames?.length
          ? 'Train an autoencoder without one of your data’s classes, then use its reconstruction error to catch that ' +
            'class among all the others. You would use this to spot fraud, faulty parts or odd sensor readings when you only have examples of normal data.'
          : 'Train an autoencoder on your data and rank its rows by reconstruction error: the ones it rebuilds worst are the odd ones out. ' +
            'You would use this to spot fraud, faulty parts or odd sensor readings when you only have examples of normal data.',
  explain,
  digits: SAMPLES,
  view,
});

// Its defaults follow the data it trains on, so they are read when a link's settings are (a getter): a code
// smaller than a person's short rows (a code as wide as the row could copy every row, odd ones too), and a
// minibatch that still fits once a class is held out of a small data set's training rows.
Object.defineProperty(anomalies, 'defaults', {
  enumerable: true,
  get: () => {
    const info = ownInfo();
    if (!info) return { encoder: [64], latent: 16 };
    return {
      encoder: [64],
      latent: Math.min(16, Math.max(1, Math.floor(info.width / 2))),
      batch: Math.min(64, Math.max(1, Math.floor(info.trainRows / 4))),
    };
  },
});

export default anomalies;
