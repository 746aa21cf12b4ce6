// The training card: the loss chart with its log-scale switch and the readout
// (epoch, step, samples/s, smoothed training loss, validation loss), with the
// ids the tests and the app rely on (#stat-step, #stat-loss, #log-scale, ...).

import { h } from '../../lib/dom.js';
import { LossChart } from '../../charts/loss-chart.js';
import { fmtInt, fmtLoss, lossName } from './format.js';
import { stat, showStat, clearStats, statList } from './readout.js';
import { card } from './cards.js';
import { reportProgress } from '../../app/progress.js';

export class TrainingCard {
  /**
   * @param {{ store, commit, title?: string, penalty?: string, extra?: Node[] }} options
   *   penalty names a term added to the loss on the y axis ('MSE + sparsity'); extra goes under the chart
   */
  constructor({ store, commit, title = 'Training loss', penalty = '', extra = [] }) {
    this.penalty = penalty;
    this.epoch = stat('stat-epoch', 'Epoch');
    this.step = stat('stat-step', 'Step');
    this.rate = stat('stat-rate', 'Samples/s');
    this.loss = stat('stat-loss', 'Train loss');
    this.val = stat('stat-val', 'Val. loss');
    const box = h('div', { class: 'chart', id: 'loss-chart' });
    this.logBox = h('input', { type: 'checkbox', id: 'log-scale' });
    this.logBox.checked = store.get().scale === 'log';
    this.logBox.addEventListener('change', () => commit({ scale: this.logBox.checked ? 'log' : 'linear' }));
    this.el = card(
      {
        id: 'chart-title',
        title,
        head: [h('label', { class: 'check', for: 'log-scale' }, this.logBox, ' Log scale')],
        className: 'chart-card',
      },
      statList([this.epoch, this.step, this.rate, this.loss, this.val]),
      box,
      ...extra,
    );
    this.chart = new LossChart(box, { log: this.logBox.checked, lossName: lossName(store.get(), penalty) });
    this.clear();
  }

  /**
   * A new run: empty chart and readout, or, for a model that has trained
   * (`info` of a loaded or restored run: { step, epoch, valLoss? }), its step
   * and epoch, and its validation loss as the chart's first point.
   */
  reset(state, info = {}) {
    this.chart.reset({ lossName: lossName(state, this.penalty) });
    this.clear();
    const { step = 0, epoch = 0, valLoss = null } = info;
    if (!(step > 0)) return;
    // One step with no batch loss: the chart starts there, training's points follow from step + 1.
    this.chart.push(step, [null], Number.isFinite(valLoss) ? [{ step, valLoss }] : []);
    showStat(this.step, step, fmtInt);
    showStat(this.epoch, epoch, fmtInt);
    if (this.chart.lastVal != null) showStat(this.val, this.chart.lastVal);
  }

  clear() {
    clearStats(this.epoch, this.step, this.rate, this.loss, this.val);
    showStat(this.step, 0, fmtInt);
    delete this.loss.value.dataset.lastLoss;
    this.#report(0);
  }

  /** A training slice's stats event (the main trainer's numbers). */
  stats(msg) {
    this.chart.push(msg.firstStep, msg.losses, msg.epochs);
    showStat(this.step, msg.step, fmtInt);
    showStat(this.epoch, msg.epoch, fmtInt);
    if (Number.isFinite(msg.samplesPerSec)) showStat(this.rate, msg.samplesPerSec, fmtInt);
    if (this.chart.lastSmoothed != null) {
      this.loss.value.textContent = fmtLoss(this.chart.lastSmoothed);
      this.loss.value.dataset.lastLoss = String(this.chart.lastSmoothed);
    }
    if (this.chart.lastVal != null) showStat(this.val, this.chart.lastVal);
    this.#report(msg.step);
  }

  /** The page's compact readout beside Play (app/progress.js) shows what this card shows. */
  #report(step) {
    const loss = this.chart.lastSmoothed;
    reportProgress({ step, loss, stepText: fmtInt(step), lossText: fmtLoss(loss) });
  }

  setScale(scale) {
    this.logBox.checked = scale === 'log';
    this.chart.setLog(scale === 'log');
  }

  destroy() {
    this.chart.destroy();
    reportProgress({ step: 0, loss: null, stepText: '0', lossText: '–' });
  }
}
