// The loss-terms card of the lessons whose loss has more than one part
// (reconstruction plus a sparsity, contractive or KL term, or two networks
// side by side): a readout per term and a chart of them over the steps.

import { h } from '../../lib/dom.js';
import { TermsChart } from '../../charts/line-chart.js';
import { card } from './cards.js';
import { stat, showStat, clearStats, statList } from './readout.js';

export class TermsCard {
  /**
   * @param {{ id: string, title: string, y: string, y2?: string,
   *   series: Array<{ key, trainer?, label, color, scale?, dash?, stat: [string, string] }>,  stat: the readout's [id, label]
   *   extra?: Array<ReturnType<typeof stat>> }} options  extra: more readouts after the terms', filled by the lesson
   */
  constructor({ id, title, y, y2, series, extra = [] }) {
    this.readouts = series.map((s) => stat(...s.stat));
    this.extra = extra;
    const box = h('div', { class: 'chart small', id: 'terms-chart' });
    this.el = card({ id, title }, statList([...this.readouts, ...extra]), box);
    this.chart = new TermsChart(box, { y, y2, series });
  }

  /** A new run: no history, no numbers. */
  reset() {
    this.chart.reset();
    clearStats(...this.readouts, ...this.extra);
  }

  /** A stats event: the terms' new steps, and each term's latest smoothed value in its readout. */
  stats(msg) {
    this.chart.push(msg);
    this.readouts.forEach((s, i) => {
      showStat(s, this.chart.last(i));
    });
  }

  destroy() {
    this.chart.destroy();
  }
}
