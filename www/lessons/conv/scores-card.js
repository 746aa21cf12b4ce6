// The two networks' scores: a table (parameters as the engine counts them,
// and the validation MSE, BCE and SSIM of the last measurement), one chart of
// all three over training for both networks, and a line saying which one is
// ahead. The lesson measures; this card shows.

import { h } from '../../lib/dom.js';
import { LineChart } from '../../charts/line-chart.js';
import { card } from '../kit/cards.js';
import { fmtInt, fmtPercent } from '../kit/format.js';
import { showStat, clearStats } from '../kit/readout.js';
import { calmLive } from '../kit/calm-live.js';

const WHO = [
  ['dense', 'Dense'],
  ['conv', 'Convolu\u00adtional'], // a soft hyphen: it may break on a phone
];
const KEYS = ['params', 'mse', 'bce', 'ssim'];
const fmtSsim = (v) => v.toFixed(3);

/** -> { el, reset(shapes), showParams(dense, conv), push(step, dense, conv), destroy() } */
export function scoresCard() {
  const cells = {}; // 'dense-mse' -> a readout ({ value: <td> }, kit/readout.js)
  for (const [who] of WHO)
    for (const k of KEYS) cells[`${who}-${k}`] = { value: h('td', { id: `stat-${who}-${k}` }, '–') };
  const table = h(
    'table',
    { class: 'data-table compact conv-scores', id: 'conv-scores' },
    h(
      'thead',
      {},
      h('tr', {}, ...['Network', 'Parameters', 'MSE', 'BCE', 'SSIM'].map((t) => h('th', { scope: 'col' }, t))),
    ),
    h(
      'tbody',
      {},
      ...WHO.map(([who, name]) =>
        h(
          'tr',
          { class: `net-${who}` },
          h('th', { scope: 'row' }, name),
          ...KEYS.map((k) => cells[`${who}-${k}`].value),
        ),
      ),
    ),
  );
  const shapes = h('p', { class: 'hint net-shapes', id: 'net-shapes' });
  const box = h('div', { class: 'chart small', id: 'conv-versus-chart' });
  const verdict = h('p', { class: 'conv-verdict', id: 'conv-verdict' });
  const calm = calmLive(verdict);
  const el = card(
    {
      id: 'versus-title',
      title: 'Validation error, side by side',
      hint: 'Both networks on the 1,000 validation digits, measured every few seconds. MSE and BCE (left axis, log scale): lower is better. SSIM (right axis, dotted): higher is better, 1 is perfect.',
      className: 'chart-card',
    },
    table,
    shapes,
    box,
    verdict,
  );
  const data = [[], [], [], [], [], [], []]; // step; dense and conv MSE, BCE, SSIM
  const chart = new LineChart(box, {
    x: 'step',
    y: 'MSE, BCE (log)',
    y2: 'SSIM',
    log: true,
    points: true,
    series: [
      { label: 'dense MSE', color: '--series-2' },
      { label: 'conv MSE', color: '--series-1' },
      { label: 'dense BCE', color: '--series-2', dash: [6, 4] },
      { label: 'conv BCE', color: '--series-1', dash: [6, 4] },
      { label: 'dense SSIM', color: '--series-2', dash: [2, 3], scale: 'y2' },
      { label: 'conv SSIM', color: '--series-1', dash: [2, 3], scale: 'y2' },
    ],
  });

  /** Which network is ahead on the validation digits, in words. */
  function judge(step, d, c) {
    verdict.replaceChildren();
    if (!(d.mse > 0 && c.mse > 0)) return;
    const conv = c.mse < d.mse;
    verdict.dataset.ahead = conv ? 'conv' : 'dense';
    verdict.append(
      h('strong', {}, conv ? 'The convolutional network is ahead. ' : 'The dense network is ahead. '),
      `${step ? `At step ${fmtInt(step)} its` : 'Before training, its'} validation MSE is ` +
        `${fmtPercent(conv ? 1 - c.mse / d.mse : 1 - d.mse / c.mse)} lower, with about as many parameters.`,
    );
  }

  return {
    el,
    /** A new run: no numbers; `text` says both networks' shapes. */
    reset(text) {
      for (const col of data) col.length = 0;
      chart.setData(data.map((col) => col.slice()));
      clearStats(...Object.values(cells));
      shapes.textContent = text;
      verdict.replaceChildren();
      delete verdict.dataset.ahead;
    },
    /** The parameter counts. */
    showParams(dense, conv) {
      showStat(cells['dense-params'], dense, fmtInt);
      showStat(cells['conv-params'], conv, fmtInt);
    },
    /** One measurement of both ({ mse, bce, ssim } each) at `step` (a later one at the same step replaces it). */
    push(step, d, c) {
      for (const [who, s] of [
        ['dense', d],
        ['conv', c],
      ]) {
        showStat(cells[`${who}-mse`], s.mse);
        showStat(cells[`${who}-bce`], s.bce);
        showStat(cells[`${who}-ssim`], s.ssim, fmtSsim);
      }
      const row = [step, d.mse, c.mse, d.bce, c.bce, d.ssim, c.ssim].map((v) => (Number.isFinite(v) ? v : null));
      const same = data[0].length && data[0].at(-1) === step;
      data.forEach((col, i) => {
        if (same) col[col.length - 1] = row[i];
        else col.push(row[i]);
      });
      chart.setData(data.map((col) => col.slice()));
      judge(step, d, c);
    },
    destroy() {
      chart.destroy();
      calm.disconnect();
    },
  };
}
