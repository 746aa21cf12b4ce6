// The pure parts behind the "what was learned" lessons: the scatter plot's
// scales, ticks and hit testing (www/charts/scatter.js), the colour maps and filter
// images (www/draw/colour-maps.js) with each theme's palettes (www/css/page.css), the pixel blend (www/lessons/latent/cross-fade.js) and the log
// range of the autoencoder-vs-PCA chart (www/charts/mse-chart.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extentOf, scaleOf, niceTicks, nearestPoint, labelCentres, alignSigns } from '../../www/charts/scatter.js';
import { readFileSync } from 'node:fs';
import { contrastRatio, luminance, diverging, filterImage } from '../../www/draw/colour-maps.js';
import { parseColour } from '../../www/draw/images.js';
import { pixelBlend } from '../../www/lessons/latent/cross-fade.js';
import { logRange } from '../../www/charts/mse-chart.js';

const close = (a, b, eps = 1e-9) => Math.abs(a - b) <= eps;

test('extentOf widens the data bounds by the margin and survives empty, degenerate and non-finite input', () => {
  assert.deepEqual(extentOf(Float32Array.of(0, 0, 10, 20), 0.1), { x0: -1, x1: 11, y0: -2, y1: 22 });
  assert.deepEqual(extentOf([], 0.1), { x0: -1, x1: 1, y0: -1, y1: 1 });
  assert.deepEqual(extentOf([3, 5], 0.1), { x0: 2.5, x1: 3.5, y0: 4.5, y1: 5.5 }, 'one point gets a unit box');
  assert.deepEqual(
    extentOf([NaN, 1, 0, 0, 2, Infinity, 4, 2], 0),
    { x0: 0, x1: 4, y0: 0, y1: 2 },
    'non-finite points are skipped',
  );
  const flat = extentOf([0, 7, 10, 7], 0);
  assert.ok(flat.y1 > flat.y0 && close((flat.y0 + flat.y1) / 2, 7), 'points on a horizontal line keep a finite height');
});

test('scaleOf maps the bounds onto the area with y up, and back', () => {
  const s = scaleOf({ x0: -2, x1: 2, y0: 0, y1: 10 }, { left: 40, top: 10, right: 440, bottom: 210 });
  assert.equal(s.px(-2), 40);
  assert.equal(s.px(2), 440);
  assert.equal(s.py(0), 210, 'the lowest value is at the bottom');
  assert.equal(s.py(10), 10);
  for (const [x, y] of [
    [0, 5],
    [-1.3, 7.9],
    [1.99, 0.01],
  ]) {
    assert.ok(close(s.x(s.px(x)), x, 1e-12) && close(s.y(s.py(y)), y, 1e-12), `round trip of (${x}, ${y})`);
  }
});

test('niceTicks gives at most about `count` ticks, 1, 2 or 5 × 10^k apart, inside the range', () => {
  assert.deepEqual(niceTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(-3.7, 2.2, 5), [-2, 0, 2]);
  assert.deepEqual(niceTicks(-3.7, 2.2, 7), [-3, -2, -1, 0, 1, 2]);
  assert.deepEqual(niceTicks(0.013, 0.061, 4), [0.02, 0.04, 0.06]);
  assert.deepEqual(
    niceTicks(0.013, 0.061, 5),
    [0.02, 0.03, 0.04, 0.05, 0.06],
    'no float dust: 0.03, not 0.030000000000000002',
  );
  assert.deepEqual(niceTicks(1, 1), []);
  assert.deepEqual(niceTicks(0, NaN), []);
  for (const [lo, hi] of [
    [-123.4, 987.6],
    [0.0001, 0.00037],
    [-1e6, -2e5],
  ]) {
    const t = niceTicks(lo, hi, 6);
    assert.ok(t.length >= 2 && t.length <= 7, `${t.length} ticks for [${lo}, ${hi}]`);
    assert.ok(
      t.every((v) => v >= lo && v <= hi),
      `ticks inside [${lo}, ${hi}]: ${t}`,
    );
    const step = t[1] - t[0];
    const mant = step / 10 ** Math.floor(Math.log10(step));
    assert.ok(
      [1, 2, 5].some((m) => close(mant, m, 1e-6)),
      `step ${step} is 1, 2 or 5 × 10^k`,
    );
  }
});

test('nearestPoint finds the closest point within the radius, in pixels', () => {
  const s = scaleOf({ x0: 0, x1: 10, y0: 0, y1: 10 }, { left: 0, top: 0, right: 100, bottom: 100 });
  const pts = Float32Array.of(1, 1, 5, 5, 5.3, 5, 9, 9);
  assert.equal(nearestPoint(pts, s, 50, 50, 5), 1);
  assert.equal(nearestPoint(pts, s, 53, 50, 5), 2);
  assert.equal(nearestPoint(pts, s, 90, 10, 5), 3, 'data y 9 is pixel y 10');
  assert.equal(nearestPoint(pts, s, 30, 30, 5), -1, 'nothing within the radius');
  assert.equal(nearestPoint(new Float32Array(0), s, 0, 0, 5), -1);
});

test('labelCentres puts each label at the median of its points', () => {
  const pts = [0, 0, 1, 10, 100, 1, 5, 5, 7, 7];
  const centres = labelCentres(pts, Uint8Array.of(0, 0, 0, 1, 1), 3);
  assert.deepEqual(centres[0], { x: 1, y: 1, count: 3 }, 'the median ignores the outlier at x = 100');
  assert.deepEqual(centres[1], { x: 6, y: 6, count: 2 });
  assert.equal(centres[2].count, 0);
});

test('alignSigns turns a mirrored projection back the way the previous one faced', () => {
  const prev = [1, 2, -1, 0.5, 3, -2, -3, -0.5];
  assert.deepEqual(alignSigns(prev, prev), [1, 1]);
  const mirrored = prev.map((v, i) => (i % 2 ? v : -v * 1.1)); // x flipped (and moved a little by training)
  assert.deepEqual(alignSigns(prev, mirrored), [-1, 1]);
  assert.deepEqual(
    alignSigns(
      prev,
      prev.map((v) => -v),
    ),
    [-1, -1],
  );
  assert.deepEqual(alignSigns(null, prev), [1, 1], 'nothing to align with');
  assert.deepEqual(alignSigns(prev.slice(2), prev), [1, 1], 'different points');
});

/** The custom properties of each theme in www/css/page.css: { light, dark, projector } of { name: value }. */
function themes() {
  const css = readFileSync(new URL('../../www/css/page.css', import.meta.url), 'utf8');
  const vars = (block) =>
    Object.fromEntries([...block.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]));
  const blockAfter = (marker) => {
    const at = css.indexOf(marker);
    assert.ok(at >= 0, `page.css has ${marker}`);
    const open = css.indexOf('{', at + marker.length - 1);
    return css.slice(open, css.indexOf('}', open));
  };
  const light = vars(blockAfter(':root {'));
  const dark = { ...light, ...vars(blockAfter('@media (prefers-color-scheme: dark) {\n  :root {')) };
  const projector = { ...light, ...vars(blockAfter(':root[data-present] {')) };
  return { light, dark, projector };
}

test('every theme gives the digit classes ten distinct colours with 3:1 contrast on its cards', () => {
  assert.ok(close(contrastRatio('#000000', '#ffffff'), 21, 1e-9));
  assert.ok(close(luminance([255, 255, 255]), 1, 1e-12) && luminance([0, 0, 0]) === 0);
  for (const [name, theme] of Object.entries(themes())) {
    const card = theme['--surface'];
    const colours = Array.from({ length: 10 }, (_, d) => theme[`--class-${d}`]);
    assert.equal(new Set(colours.map((c) => c?.toLowerCase())).size, 10, `${name}: ten distinct colours`);
    for (const c of colours)
      assert.ok(
        contrastRatio(c, card) >= 3,
        `${name}: ${c} on ${card} has contrast ${contrastRatio(c, card).toFixed(2)}`,
      );
  }
});

test('every theme has its own digit, pad and diverging palette, with ink far from paper', () => {
  const all = themes();
  const keys = [
    '--digit-paper',
    '--digit-ink',
    '--pad-bg',
    '--pad-ink',
    '--diverging-neg',
    '--diverging-pos',
    '--heat',
  ];
  for (const [name, theme] of Object.entries(all)) {
    for (const k of keys) assert.match(theme[k] ?? '', /^#[0-9a-f]{6}$/i, `${name}: ${k}`);
    assert.ok(contrastRatio(theme['--digit-ink'], theme['--digit-paper']) >= 7, `${name}: digit ink on paper`);
    assert.ok(contrastRatio(theme['--pad-ink'], theme['--pad-bg']) >= 7, `${name}: pad ink on its paper`);
    for (const end of ['--diverging-neg', '--diverging-pos'])
      assert.ok(contrastRatio(theme[end], theme['--digit-paper']) >= 3, `${name}: ${end} stands out from the paper`);
  }
  // The projector's paper is the black of its page, whatever the system's light or dark setting.
  assert.equal(all.projector['--digit-paper'], all.projector['--bg']);
  assert.notEqual(all.projector['--digit-paper'], all.light['--digit-paper']);
});

test('the diverging map is the paper at 0 and a full hue at ±1, symmetric and clamped', () => {
  const { light } = themes();
  const p = {
    neg: parseColour(light['--diverging-neg']),
    mid: parseColour(light['--digit-paper']),
    pos: parseColour(light['--diverging-pos']),
  };
  assert.deepEqual(diverging(0, p), p.mid);
  assert.deepEqual(diverging(1, p), p.pos);
  assert.deepEqual(diverging(-1, p), p.neg);
  assert.deepEqual(diverging(5, p), p.pos, 'clamped above');
  assert.deepEqual(diverging(-Infinity, p), p.mid, 'non-finite counts as 0');
  assert.deepEqual(diverging(NaN, p), p.mid);
  const half = diverging(0.5, p);
  half.forEach((v, i) => {
    assert.ok(Math.abs(v - (p.mid[i] + p.pos[i]) / 2) <= 0.5, `channel ${i} halfway: ${v}`);
  });
  // The same |t| is the same distance from the paper on either side (in proportion to each end).
  const d = (c, end) => Math.hypot(...c.map((v, i) => v - p.mid[i])) / Math.hypot(...end.map((v, i) => v - p.mid[i]));
  assert.ok(Math.abs(d(diverging(0.3, p), p.pos) - d(diverging(-0.3, p), p.neg)) < 0.01);
});

test('filterImage reads column j (encoder) or row j (decoder) and scales it by its largest |weight|', () => {
  const units = 3;
  const pixels = 4;
  // inputs × units: weight of pixel p for unit j is 10p + j, with pixel 2 of unit 1 negative and largest.
  const enc = new Float32Array(pixels * units).map((_, i) => 10 * Math.floor(i / units) + (i % units));
  enc[2 * units + 1] = -50;
  const { image, max } = filterImage(enc, units, 1, 'columns', pixels);
  assert.equal(max, 50);
  assert.deepEqual(Array.from(image), [1 / 50, 11 / 50, -1, 31 / 50].map(Math.fround));
  // units × outputs: row j is unit j's pattern.
  const dec = Float32Array.of(0, 0, 0, 0, 2, -4, 1, 0, 9, 9, 9, 9);
  assert.deepEqual(Array.from(filterImage(dec, units, 1, 'rows', pixels).image), [0.5, -1, 0.25, 0]);
  assert.deepEqual(
    filterImage(dec, units, 0, 'rows', pixels),
    { image: new Float32Array(4), max: 0 },
    'an all-zero filter stays 0',
  );
  const bad = filterImage(Float32Array.of(NaN, 2, -1, 0), 1, 0, 'rows', 4);
  assert.deepEqual(Array.from(bad.image), [0, 1, -0.5, 0], 'a NaN weight is drawn as 0');
});

test('pixelBlend cross-fades from a to b, both ends included', () => {
  const a = Float32Array.of(0, 1, 0.5);
  const b = Float32Array.of(1, 0, 0.5);
  const out = pixelBlend(a, b, 5);
  assert.equal(out.length, 15);
  assert.deepEqual(Array.from(out.subarray(0, 3)), Array.from(a));
  assert.deepEqual(Array.from(out.subarray(12, 15)), Array.from(b));
  assert.deepEqual(Array.from(out.subarray(6, 9)), [0.5, 0.5, 0.5]);
  assert.deepEqual(Array.from(out.subarray(3, 6)), [0.25, 0.75, 0.5]);
  assert.throws(() => pixelBlend(a, Float32Array.of(1), 3), /differ in size/);
  assert.throws(() => pixelBlend(a, b, 1), /at least 2/);
  assert.throws(() => pixelBlend(a, b, 2.5), /whole number/);
});

test('logRange brackets the positive values on a log axis', () => {
  const [lo, hi] = logRange([0.2, 0.05, null, 0.019, 0.019]);
  assert.ok(lo < 0.019 && lo > 0.015 && hi > 0.2 && hi < 0.25, `[${lo}, ${hi}]`);
  const [flo, fhi] = logRange([0.03, 0.03]);
  assert.ok(flo < 0.03 && fhi > 0.03 && fhi / flo > 1.5, 'a flat line gets room around it');
  assert.deepEqual(logRange([null, 0, -1, NaN]), [0.001, 1], 'nothing plottable');
});
