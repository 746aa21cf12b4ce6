// The Your data lesson's anomaly card: every scored row's reconstruction
// error (the held-out sensor windows, or every row of a table or of the
// images), a histogram by label, the threshold (a percentile of the normal
// rows' errors), the ROC curve when labels say which rows are normal, the
// rows that score highest with the columns where their error is, and the
// scores as a CSV file to download.

import { h } from '../../lib/dom.js';
import { displayRange, paintHistogram, percentile } from '../../charts/histogram.js';
import { paintBars } from '../../charts/bars.js';
import { paintRoc, rocPointAt } from '../../charts/roc.js';
import { card } from '../kit/cards.js';
import { picture } from '../kit/canvases.js';
import { fmtInt, fmtLoss, fmtPercent } from '../kit/format.js';
import { stat, showStat, clearStats, statList } from '../kit/readout.js';
import { paintPicture, paintRow } from './row-chart.js';
import { rocCurve, scoresCsv, worstColumns } from './scores.js';

const TOP = 5;
/** As lessons/data.js scores live: the first this many rows. */
export const LIVE_ROWS = 5000;

/** A picture's squared errors summed over its channels and scaled to [0, 1]: where its error is. */
export function errorMap(errors, { channels, height, width }) {
  const plane = height * width;
  const map = new Float32Array(plane);
  for (let c = 0; c < channels; c++) for (let p = 0; p < plane; p++) map[p] += errors[c * plane + p] || 0;
  let top = 0;
  for (const v of map) top = Math.max(top, v);
  return top > 0 ? map.map((v) => v / top) : map;
}

/**
 * onScore(): score now; fetchAll(): a scoreRows report with the values, for the download.
 * -> { el, reset(info), show(report, { pct, step }) }
 */
export function anomalyCard({ onScore, fetchAll }) {
  const hist = picture('data-hist', 'hist-canvas', 'Histogram of the rows’ anomaly scores');
  const roc = picture('data-roc', 'roc-canvas', 'ROC curve of the anomaly score');
  const aucStat = stat('data-auc', 'AUC');
  const thStat = stat('data-threshold', 'Threshold (MSE)');
  const flagStat = stat('data-flagged', 'Rows flagged');
  const caughtStat = stat('data-caught', 'Anomalies caught');
  const note = h('p', { class: 'hint', id: 'data-anomaly-note' });
  const topList = h('ol', { class: 'top-rows', id: 'data-top-rows' });
  const scoreButton = h(
    'button',
    { type: 'button', class: 'button small', id: 'data-score', on: { click: () => onScore() } },
    'Score now',
  );
  const download = h(
    'button',
    { type: 'button', class: 'button small', id: 'data-download', disabled: true },
    'Download scores (CSV)',
  );
  let info = null;
  let report = null;

  download.addEventListener('click', async () => {
    if (!report || !info) return;
    const forInfo = info;
    let all;
    try {
      all = await fetchAll();
    } catch {
      return; // the run changed meanwhile
    }
    if (forInfo !== info) return;
    const { scores, labels } = all;
    const text = scoresCsv({
      scores,
      labels,
      labelNames: info.labelNames ?? [],
      values: all.values,
      filled: info.missing ? all.filled : null,
      width: info.width,
      columnNames: info.columnNames ?? Array.from({ length: info.width }, (_, j) => `value ${j + 1}`),
      toOriginal: info.mean ? (j, v) => v * info.deviation[j] + info.mean[j] : undefined,
    });
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    const a = h('a', { href: url, download: `anomaly-scores-${info.kind}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });

  const el = card(
    {
      id: 'data-anomaly-title',
      title: 'Anomalies: the rows it rebuilds worst',
      head: [scoreButton, download],
      wrap: true,
    },
    h('p', { class: 'hint', id: 'data-anomaly-what' }),
    hist,
    statList([thStat, flagStat, caughtStat, aucStat], 'inline'),
    roc,
    note,
    h('h4', {}, 'Highest scores, and where their error is'),
    topList,
  );

  return {
    el,
    /** The run's data; no report yet. */
    reset(next) {
      info = next;
      report = null;
      download.disabled = true;
      topList.replaceChildren();
      clearStats(thStat, flagStat, caughtStat, aucStat);
      roc.hidden = true;
      el.querySelector('#data-anomaly-what').textContent =
        info.kind === 'sensors'
          ? `Scored: ${fmtInt(info.scoredRows)} held-out windows the network never trained on, some with a fault.`
          : `Scored: ${info.rows > LIVE_ROWS ? `the first ${fmtInt(LIVE_ROWS)} of the ${fmtInt(info.rows)} rows (the download scores every row)` : `every one of the ${fmtInt(info.rows)} rows`}. ` +
            `The threshold is a percentile of the ${info.normalLabel == null ? 'rows’' : 'normal rows’'} errors.`;
      note.textContent = 'Not scored yet.';
    },

    /** A scoreRows report ({ scores, labels, top }) at the threshold percentile `pct`, made at `step`. */
    show(next, { pct, step }) {
      report = next;
      download.disabled = false;
      const { scores, labels } = report;
      const normalLabel = labels ? info.normalLabel : null;
      const isAnomaly = labels && normalLabel != null ? Array.from(labels, (l) => l !== normalLabel) : null;
      const normal = isAnomaly ? scores.filter((_, i) => !isAnomaly[i]) : scores;
      const threshold = percentile(normal, pct);
      const groups = [
        { values: normal, color: '--series-1', name: isAnomaly ? `${info.labelNames[normalLabel]} rows` : 'all rows' },
      ];
      if (isAnomaly)
        groups.push({ values: scores.filter((_, i) => isAnomaly[i]), color: '--series-2', name: 'the other rows' });
      paintHistogram(hist, {
        groups,
        ...displayRange(scores, threshold),
        bins: 30,
        threshold,
        xLabel: 'reconstruction error (MSE)',
      });
      showStat(thStat, threshold);
      const point = rocPointAt(scores, isAnomaly ?? new Array(scores.length).fill(false), threshold);
      showStat(flagStat, point.flagged, fmtInt);
      const curve = isAnomaly ? rocCurve(scores, isAnomaly) : null;
      roc.hidden = !curve;
      if (curve) {
        showStat(aucStat, curve.auc, (v) => v.toFixed(3));
        showStat(caughtStat, point.tpr, (v) => fmtPercent(v, 1));
        paintRoc(roc, { fpr: curve.fpr, tpr: curve.tpr, point, normal: info.view === 'image' ? 'images' : 'rows' });
        aucStat.value.dataset.auc = String(curve.auc);
        note.textContent =
          `At the threshold, ${fmtPercent(point.tpr, 1)} of the rows that are not “${info.labelNames[normalLabel]}” are caught and ` +
          `${fmtPercent(point.fpr, 1)} of the “${info.labelNames[normalLabel]}” rows are flagged. Scored at step ${fmtInt(step)}.`;
      } else {
        clearStats(aucStat, caughtStat);
        note.textContent = `No labels say which rows are normal, so there is no ROC curve: the ranking below is the result. Scored at step ${fmtInt(step)}.`;
      }
      note.dataset.step = String(step);
      const names = info.columnNames ?? [];
      download.textContent = info.missing ? 'Download scores, missing cells filled (CSV)' : 'Download scores (CSV)';
      topList.replaceChildren(
        ...report.top.slice(0, TOP).map((t, k) => {
          const rowCanvas = h('canvas', { class: 'row-chart small', id: `data-top-${k}` });
          const reconCanvas = info.view === 'image' ? h('canvas', { class: 'data-picture' }) : null;
          const mapCanvas =
            info.view === 'image'
              ? h('canvas', {
                  class: 'data-picture',
                  id: `data-top-map-${k}`,
                  role: 'img',
                  'aria-label': `Where row ${t.row + 1}'s error is: brighter is larger`,
                })
              : null;
          const errCanvas = picture(
            `data-top-errors-${k}`,
            'bars-canvas small',
            `Squared error by column of row ${t.row + 1}`,
          );
          const worst = worstColumns(t.errors, 3)
            .map((j) => names[j] ?? `value ${j + 1}`)
            .join(', ');
          const li = h(
            'li',
            { dataset: { row: String(t.row), score: String(t.score) } },
            h(
              'p',
              {},
              `Row ${fmtInt(t.row + 1)}` +
                (t.label != null && info.labelNames?.length ? ` (${info.labelNames[t.label]})` : '') +
                `: error ${fmtLoss(t.score)}` +
                (info.view === 'image' ? '' : `; largest in ${worst}`),
            ),
            h(
              'div',
              { class: 'top-row-pictures' },
              rowCanvas,
              reconCanvas,
              info.view === 'image' ? mapCanvas : errCanvas,
            ),
          );
          queueMicrotask(() => {
            paintRow(rowCanvas, { values: t.values, recon: t.recon, info, reconCanvas, name: `Row ${t.row + 1}` });
            if (info.view !== 'image') paintBars(errCanvas, t.errors);
            else paintPicture(mapCanvas, errorMap(t.errors, info.shape), { ...info.shape, channels: 1 });
          });
          return li;
        }),
      );
    },
  };
}
