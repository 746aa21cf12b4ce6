// The painting of the 3-D point view (scatter3d.js), one frame at a time:
// the points far to near (nearer ones stronger), the second cloud as rings
// joined to their points, PCA's plane between the points behind it and the
// rest, the three named axes and the key across the top. It reads the view's
// state, fills the view's projection buffers, and writes only the canvas and
// its data-painted and data-first-point. The geometry is in projection3d.js.

import { digitColours } from '../draw/colour-maps.js';
import { behindPlane, depthOrder, fitView, projectInto, projectPoint, rotationMatrix } from './projection3d.js';

const ALPHA_LEVELS = 8; // depth shading in a few steps, so runs of one colour share a fill

/**
 * Paints `view` (a Scatter3d: its points, labels, second cloud, plane, bounds and turn) on a frame
 * of its CanvasChart.
 */
export function paintScatter3d(view, { ctx, w, h, dpr, colours }) {
  const { font, muted, text, surface } = colours;
  const palette = view.labels ? digitColours() : null;
  const single = colours.colour('--series-1', '#1d4ed8');
  const ringSingle = colours.colour('--series-2', '#c2410c');
  const colourOf = (k) => (palette ? palette[view.labels[k] % palette.length] : null);
  const legend = layoutLegend(view, ctx, w, dpr, { font, text, single, ringSingle, palette, colours });

  const inset = 18 * dpr; // room for the axis names
  const fit = fitView(view.bounds, view.corners ?? [], {
    left: inset,
    top: inset + legend.height,
    right: w - inset,
    bottom: h - inset,
  });
  const m = rotationMatrix(view.turn);
  const n = view.points.length / 3;
  const second = view.second?.xyz;
  const total = n + (second ? second.length / 3 : 0);
  const { screen } = view;
  projectInto(view.points, m, fit, screen, 0);
  if (second) projectInto(second, m, fit, screen, n);
  let behind = null;
  if (view.plane && view.corners) {
    behind = view.behind;
    behindPlane(view.points, view.plane, m, behind, 0);
    if (second) behindPlane(second, view.plane, m, behind, n);
  }
  const order = depthOrder(screen, total, behind, view.order);

  paintAxes(view, ctx, m, fit, dpr, { font, muted, surface });

  // Each reconstruction joined to its point, faintly, under everything else.
  if (second && second.length === view.points.length) {
    ctx.strokeStyle = muted;
    ctx.globalAlpha = 0.35;
    ctx.lineWidth = Math.max(1, 0.8 * dpr);
    ctx.beginPath();
    for (let k = 0; k < n; k++) {
      ctx.moveTo(screen[3 * k], screen[3 * k + 1]);
      ctx.lineTo(screen[3 * (n + k)], screen[3 * (n + k) + 1]);
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
  }

  const hidden = behind ? behind.reduce((sum, b, k) => (k < total ? sum + b : sum), 0) : 0;
  const plane = behind ? () => paintPlane(view, ctx, m, fit, dpr, colours) : () => {};
  const styleOf = (k) => (k < n ? (colourOf(k) ?? single) : (colourOf(k - n) ?? ringSingle));
  paintMarks(view, ctx, dpr, { order, n, hidden, plane, styleOf, radius: fit.radius });

  paintLegend(ctx, dpr, legend, { font, text });
  view.canvas.dataset.painted = String(n > 0);
  // Where the first point is drawn (CSS pixels from the canvas's top left), for tests that point at it.
  if (n && Number.isFinite(screen[0] + screen[1]))
    view.canvas.dataset.firstPoint = `${(screen[0] / dpr).toFixed(1)},${(screen[1] / dpr).toFixed(1)}`;
  else delete view.canvas.dataset.firstPoint;
}

// Far to near, the plane between the points behind it and the rest; nearer points stronger. Points
// in a row of one colour, kind and shade share one fill or stroke, so the canvas does little per point.
function paintMarks(view, ctx, dpr, { order, n, hidden, plane, styleOf, radius }) {
  const { screen } = view;
  const dot = 2.6 * dpr,
    ring = 2.4 * dpr;
  let style = '',
    ringRun = false,
    alpha = -1,
    open = false;
  const flush = () => {
    if (!open) return;
    ctx.globalAlpha = alpha;
    if (ringRun) ctx.stroke();
    else ctx.fill();
    open = false;
  };
  ctx.lineWidth = 1.3 * dpr;
  for (let i = 0; i <= order.length; i++) {
    if (i === hidden) {
      flush();
      plane();
    }
    if (i === order.length) break;
    const k = order[i];
    const x = screen[3 * k],
      y = screen[3 * k + 1],
      depth = screen[3 * k + 2];
    if (!Number.isFinite(x + y + depth)) continue;
    const isRing = k >= n;
    const colour = styleOf(k);
    const near = Math.round(((1 - depth / radius) / 2) * (ALPHA_LEVELS - 1)); // 0 far … 7 near
    const shade = 0.4 + (0.55 * Math.max(0, Math.min(ALPHA_LEVELS - 1, near))) / (ALPHA_LEVELS - 1);
    if (!open || colour !== style || isRing !== ringRun || shade !== alpha) {
      flush();
      style = colour;
      ringRun = isRing;
      alpha = shade;
      open = true;
      if (isRing) ctx.strokeStyle = colour;
      else ctx.fillStyle = colour;
      ctx.beginPath();
    }
    const r = isRing ? ring : dot;
    ctx.moveTo(x + r, y);
    ctx.arc(x, y, r, 0, 2 * Math.PI);
  }
  flush();
  ctx.globalAlpha = 1;
}

// The three axes from the box's low corner along each of its edges, each named at its far end.
function paintAxes(view, ctx, m, fit, dpr, { font, muted, surface }) {
  const { min, max } = view.bounds;
  const origin = projectPoint(min, m, fit);
  ctx.strokeStyle = muted;
  ctx.lineWidth = Math.max(1, dpr);
  ctx.font = `600 ${12 * dpr}px ${font}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';
  for (let a = 0; a < 3; a++) {
    const end = min.slice();
    end[a] = max[a];
    const [ex, ey] = projectPoint(end, m, fit);
    ctx.beginPath();
    ctx.moveTo(origin[0], origin[1]);
    ctx.lineTo(ex, ey);
    ctx.stroke();
    // The name just beyond the end, along the axis (or above the end when the axis points at the reader).
    const dx = ex - origin[0],
      dy = ey - origin[1];
    const len = Math.hypot(dx, dy);
    const off = 10 * dpr;
    const lx = len > 1 ? ex + (dx / len) * off : ex;
    const ly = len > 1 ? ey + (dy / len) * off : ey - off;
    ctx.lineWidth = 3 * dpr;
    ctx.strokeStyle = surface;
    ctx.strokeText(view.axes[a], lx, ly);
    ctx.fillStyle = muted;
    ctx.fillText(view.axes[a], lx, ly);
    ctx.strokeStyle = muted;
    ctx.lineWidth = Math.max(1, dpr);
  }
}

function paintPlane(view, ctx, m, fit, dpr, colours) {
  const quad = view.corners.map((p) => projectPoint(p, m, fit));
  const colour = colours.colour('--series-3', '#15803d');
  ctx.beginPath();
  ctx.moveTo(quad[0][0], quad[0][1]);
  for (const [x, y] of quad.slice(1)) ctx.lineTo(x, y);
  ctx.closePath();
  ctx.fillStyle = colour;
  ctx.globalAlpha = 0.16;
  ctx.fill();
  ctx.globalAlpha = 0.8;
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.5 * dpr;
  ctx.stroke();
  ctx.globalAlpha = 1;
  ctx.lineWidth = 1.3 * dpr;
}

// The key, in lines across the top (the cloud is fitted below it): the label names, the second
// cloud and the plane, when there are any. -> { entries: [{ kind, colour, name, x, y }], height }
function layoutLegend(view, ctx, w, dpr, { font, text, single, ringSingle, palette, colours }) {
  const names = view.labels && view.labelNames ? view.labelNames : [];
  const entries = names.map((name, l) => ({ kind: 'dot', colour: palette[l % palette.length], name }));
  if (view.second) {
    // With labels the rings take their point's colour: the key shows only their shape.
    if (!view.labels) entries.push({ kind: 'dot', colour: single, name: view.name });
    entries.push({ kind: 'ring', colour: view.labels ? text : ringSingle, name: view.second.name });
  }
  if (view.plane && view.corners)
    entries.push({ kind: 'quad', colour: colours.colour('--series-3', '#15803d'), name: view.plane.name });
  if (!entries.length) return { entries, height: 0 };
  const line = 16 * dpr;
  const pad = 8 * dpr;
  ctx.font = `${11 * dpr}px ${font}`;
  let x = pad,
    y = pad + line / 2;
  for (const entry of entries) {
    const width = 14 * dpr + ctx.measureText(entry.name).width;
    if (x > pad && x + width > w - pad) {
      x = pad;
      y += line;
    }
    Object.assign(entry, { x, y });
    x += width + 12 * dpr;
  }
  return { entries, height: y + line / 2 };
}

function paintLegend(ctx, dpr, { entries }, { font, text }) {
  ctx.font = `${11 * dpr}px ${font}`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.lineWidth = 1.5 * dpr;
  for (const { kind, colour, name, x, y } of entries) {
    const mx = x + 4 * dpr;
    ctx.beginPath();
    if (kind === 'quad') ctx.rect(mx - 4 * dpr, y - 4 * dpr, 8 * dpr, 8 * dpr);
    else ctx.arc(mx, y, 3.5 * dpr, 0, 2 * Math.PI);
    ctx.fillStyle = colour;
    ctx.strokeStyle = colour;
    if (kind === 'dot') ctx.fill();
    else ctx.stroke();
    ctx.fillStyle = text;
    ctx.fillText(name, x + 14 * dpr, y);
  }
}
