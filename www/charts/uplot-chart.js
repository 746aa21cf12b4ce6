// The one uPlot wrapper behind every line chart (loss, terms, quality, PCA
// versus model, recommender RMSE). It owns what they share: axis styling and
// series colours from the theme's CSS variables, the projector's thicker lines
// and larger type (--chart-line-scale, --chart-font-size), following the
// container's width, rebuilding on the theme signal (app/theme.js), and
// drawing new data at most once a frame. A chart keeps only its own series,
// scales and data. uPlot is vendored to www/vendor/ by `npm run vendor`.

import { onThemeChange } from '../app/theme.js';
import { afterPaint, cssVar } from '../lib/dom.js';
import { describe, describeSeries } from './describe.js';

/**
 * uPlot, loaded when the first chart builds: setting up its module takes the browser's locale data
 * (its number and date formats), so on a phone it is a task of its own after the lesson shows,
 * not a part of the page's first one. (dist/ names the file up front: scripts/build-dist.mjs.)
 */
let uPlotModule = null;
const loadUPlot = () => {
  uPlotModule ??= import('../vendor/uPlot.esm.js').then(
    (m) => new Promise((resolve) => setTimeout(() => resolve(m.default), 0)),
  );
  return uPlotModule;
};

/** The type size uPlot's axis sizes below are written for; larger type widens the axes in proportion. */
const BASE_FONT = 13;

/** A value formatter for the legend: `digits` significant digits, '–' for a gap. */
export const formatValue = (digits) => (_u, v) => (v == null || !Number.isFinite(v) ? '–' : v.toPrecision(digits));

/** The x series of a chart over training steps (or another integer x named `label`). */
export const stepSeries = (label = 'step') => ({ label, value: (_u, v) => (v == null ? '–' : String(v)) });

/** Tick labels with `digits` significant digits. */
export const tickValues = (digits) => (_u, splits) => splits.map((v) => (v == null ? '' : +v.toPrecision(digits)));

/**
 * The theme as a chart needs it, read now.
 * -> { colour(name, fallback), lineScale }  colour reads a CSS custom property, e.g. '--series-1'
 */
export function lineTheme() {
  return {
    colour: (name, fallback = '#06c') => cssVar(name) || fallback,
    lineScale: Number(cssVar('--chart-line-scale')) || 1,
  };
}

// Series widths, dashes and point sizes are written at the normal scale; presentation mode thickens them.
// `spoken` and `describe` are the text alternative's, not uPlot's.
function scaled({ spoken, describe: _, ...series }, k) {
  const out = { ...series };
  if (series.stroke) out.width = (series.width ?? 1) * k;
  if (series.dash) out.dash = series.dash.map((d) => d * k);
  if (series.points?.size) out.points = { ...series.points, size: series.points.size * k };
  return out;
}

/** "Chart of <y axes> by <x axis>": what a chart is called in words when it has no title of its own. */
const chartTitle = (axes) =>
  `Chart of ${axes
    .slice(1)
    .map((a) => a.label)
    .join(' and ')} by ${axes[0]?.label ?? 'x'}`;

export class UPlotChart {
  /**
   * @param {HTMLElement} container  the chart takes its width
   * @param {{ height: number | (() => number),
   *   options: (theme: ReturnType<typeof lineTheme>) => { scales?: object, axes: object[], series: object[] },
   *   data: () => Array<Array<number|null>>, onDraw?: () => void, title?: string }} spec
   *   options: the chart's own uPlot options, built again on every theme change; axes get the theme's
   *   colours and font, series their widths scaled; data: the columns to draw; onDraw: after each draw.
   *   The container becomes an image whose label says each series' latest value and trend (describe.js):
   *   `title` names the chart (default "Chart of <y axes> by <x axis>"); a series' `spoken` names it there
   *   (default its label), and `describe: false` leaves it out.
   */
  constructor(container, { height, options, data, onDraw = () => {}, title = null }) {
    this.container = container;
    this.title = title;
    this.height = typeof height === 'function' ? height : () => height;
    this.options = options;
    this.data = data;
    this.onDraw = onDraw;
    this.plot = null;
    this.frame = 0;
    this.pending = null;
    // A picture from the start (its words come with the first build), so a label a lesson
    // puts on the box meanwhile is allowed (axe: aria-prohibited-attr on a plain div).
    if (!container.hasAttribute('role')) container.setAttribute('role', 'img');
    if (this.#hasData()) this.build();
    else this.#showEmpty();
    this.resizer = new ResizeObserver(() => this.#resize());
    this.resizer.observe(container);
    this.stopTheme = onThemeChange(() => this.build());
  }

  /** Whether there is a point to plot (the x column is not empty). */
  #hasData() {
    return (this.data()[0]?.length ?? 0) > 0;
  }

  /**
   * Before the first point (a loss chart before training) the box says so in words and in text:
   * uPlot is loaded and the plot built with the first data (schedule), so a page that has nothing
   * to plot yet does not pay for a plot (about 50 ms of a phone's first seconds, most of it the
   * browser's locale data that uPlot's module sets up).
   */
  #showEmpty() {
    const empty = document.createElement('p');
    empty.className = 'chart-empty';
    empty.textContent = 'Nothing to plot yet.';
    this.container.append(empty);
    const { axes } = this.options(lineTheme());
    describe(this.container, 'no values yet', { title: this.title ?? chartTitle(axes), now: true });
  }

  /**
   * (Re)creates the plot from the current theme, options and data, just after
   * the next frame is painted (and uPlot has loaded): building a plot takes tens of milliseconds (the
   * first canvas text loads the font), so the lesson around it shows first
   * (the stylesheets keep the plot's height free meanwhile: .chart's min-height).
   * Several calls before then build once; before the first point, none (#showEmpty).
   */
  build() {
    if (this.pending || (!this.plot && !this.#hasData())) return;
    const pending = afterPaint()
      .then(loadUPlot)
      .then((uPlot) => {
        if (this.pending === pending) this.#build(uPlot);
      });
    this.pending = pending;
  }

  #build(uPlot) {
    this.pending = null;
    this.plot?.destroy();
    this.container.querySelector(':scope > .chart-empty')?.remove();
    const theme = lineTheme();
    const fontSize = Number(cssVar('--chart-font-size')) || BASE_FONT;
    const k = fontSize / BASE_FONT;
    const font = `${fontSize}px ${cssVar('--font-sans') || 'system-ui, sans-serif'}`;
    const grid = theme.colour('--grid', '#ddd');
    const axis = {
      stroke: theme.colour('--text-muted', '#555'),
      font,
      labelFont: font,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
    };
    const { scales, axes, series } = this.options(theme);
    this.words = {
      x: axes[0]?.label ?? 'x',
      title: this.title ?? chartTitle(axes),
      series: series.slice(1).map((s) => (s.describe === false ? null : (s.spoken ?? s.label))),
    };
    const opts = {
      width: Math.max(200, Math.floor(this.container.clientWidth) || 400),
      height: this.height(),
      scales: { x: { time: false }, ...scales },
      axes: axes.map((a) => ({
        ...axis,
        ...a,
        labelSize: Math.round(22 * k),
        ...(a.size && { size: Math.round(a.size * k) }),
      })),
      series: series.map((s) => scaled(s, theme.lineScale)),
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    };
    this.plot = new uPlot(opts, this.data(), this.container);
    this.onDraw();
    this.#describe(true);
  }

  /** Draws the current data on the next frame (several calls in one frame draw once). */
  schedule() {
    if (this.frame || this.pending) return; // a build on its way draws the latest data
    if (!this.plot) {
      this.build(); // the first point
      return;
    }
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.plot?.setData(this.data());
      this.onDraw();
      this.#describe();
    });
  }

  /** The text alternative: every described series' latest value, at the calm pace of describe.js. */
  #describe(now = false) {
    const { x, title, series } = this.words;
    const words = () => {
      const [xs, ...columns] = this.data();
      const parts = columns.map((ys, i) => (series[i] ? describeSeries(series[i], xs, ys, x) : ''));
      return parts.filter(Boolean).join('; ') || 'no values yet';
    };
    describe(this.container, words, { title, now });
  }

  /** Stops observing the page and removes the plot. */
  destroy() {
    this.resizer.disconnect();
    this.stopTheme();
    cancelAnimationFrame(this.frame);
    this.pending = null; // a build on its way does nothing
    this.plot?.destroy();
  }

  #resize() {
    const width = Math.floor(this.container.clientWidth);
    if (this.plot && width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: this.height() });
  }
}
