// The 3-D point view (www/charts/scatter3d.js) and its geometry (www/charts/projection3d.js):
// rotations, the orthographic projection against hand-worked numbers, painting far to near, the fit
// that keeps every point on the canvas whichever way it turns, and the keys and drags that turn it,
// the last on the real class with a minimal stand-in for the DOM and the canvas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_ROTATION,
  DRAG_STEP,
  KEY_STEP,
  KEY_STEP_LARGE,
  behindPlane,
  boundsOf,
  clampRotation,
  depthOrder,
  fitView,
  keyRotation,
  planeCorners,
  projectInto,
  projectPoint,
  rotationMatrix,
} from '../../www/charts/projection3d.js';

const close = (a, b, eps = 1e-6, what = '') => assert.ok(Math.abs(a - b) <= eps, `${what} ${a} ≠ ${b}`);
const mul = (m, p) => m.map((row) => row[0] * p[0] + row[1] * p[1] + row[2] * p[2]);
const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/** A seeded generator of numbers in [0, 1) (mulberry32), so a failure can be replayed. */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const turns = [
  { yaw: 0, pitch: 0 },
  { yaw: 30, pitch: 20 },
  { yaw: 90, pitch: 0 },
  { yaw: -135, pitch: 75 },
  { yaw: 179, pitch: -90 },
  { yaw: 12.5, pitch: -33.3 },
];

test('every rotation matrix is orthonormal and right-handed (u × v points at the reader, −d)', () => {
  for (const turn of turns) {
    const m = rotationMatrix(turn);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const dot = m[i][0] * m[j][0] + m[i][1] * m[j][1] + m[i][2] * m[j][2];
        close(dot, i === j ? 1 : 0, 1e-12, `row ${i} · row ${j} at ${JSON.stringify(turn)}:`);
      }
    const uv = cross(m[0], m[1]);
    for (let a = 0; a < 3; a++) close(uv[a], -m[2][a], 1e-12, `u × v at ${JSON.stringify(turn)}:`);
  }
});

test('at rest x is right, y up, z toward the reader; a yaw of 90° turns x onto the depth axis', () => {
  const rest = rotationMatrix({ yaw: 0, pitch: 0 });
  assert.deepEqual(mul(rest, [1, 0, 0]).map(Math.round), [1, 0, 0]);
  assert.deepEqual(mul(rest, [0, 1, 0]).map(Math.round), [0, 1, 0]);
  assert.deepEqual(
    mul(rest, [0, 0, 1]).map((v) => Math.round(v) + 0),
    [0, 0, -1],
    'z is nearer (depth −1)',
  );

  const side = rotationMatrix({ yaw: 90, pitch: 0 });
  const x = mul(side, [1, 0, 0]);
  close(x[0], 0, 1e-12, 'x across the screen:');
  close(x[1], 0, 1e-12, 'x up the screen:');
  close(x[2], 1, 1e-12, 'x along the depth (away from the reader):');
  const z = mul(side, [0, 0, 1]);
  close(z[0], 1, 1e-12, 'z now points right:');
  // A positive pitch tilts the front down and shows the top: y leans toward the reader.
  const top = mul(rotationMatrix({ yaw: 0, pitch: 90 }), [0, 1, 0]);
  close(top[2], -1, 1e-12, 'at pitch 90° y points at the reader:');
});

test('a point projects where the hand computation puts it', () => {
  // yaw 30°, pitch 20°; the point is (1, −2, 0.5) from the centre (1, 2, 3); 10 px per unit, middle (50, 60).
  //   u = cos30·1 + sin30·0.5                          = 0.866025 + 0.25              =  1.116025
  //   v = sin20·sin30·1 + cos20·(−2) − sin20·cos30·0.5 = 0.171010 − 1.879385 − 0.148099 = −1.856474
  //   d = cos20·sin30·1 − sin20·(−2) − cos20·cos30·0.5 = 0.469846 + 0.684040 − 0.406899 =  0.746987
  // px = 50 + 10u = 61.16025, py = 60 − 10v = 78.56474 (the canvas's y grows downward).
  const fit = { centre: [1, 2, 3], scale: 10, cx: 50, cy: 60 };
  const m = rotationMatrix({ yaw: 30, pitch: 20 });
  const [px, py, d] = projectPoint([2, 0, 3.5], m, fit);
  close(px, 61.16025, 1e-4, 'px');
  close(py, 78.56474, 1e-4, 'py');
  close(d, 0.746987, 1e-5, 'depth');

  // The bulk projection writes the same numbers, at the offset it is given.
  const out = new Float32Array(9);
  projectInto(Float32Array.of(1, 2, 3, 2, 0, 3.5), m, fit, out, 1);
  assert.deepEqual([...out.slice(0, 3)], [0, 0, 0], 'nothing written before the offset');
  close(out[3], 50, 1e-5, 'the centre projects to the middle:');
  close(out[4], 60, 1e-5, 'the centre projects to the middle:');
  close(out[6], 61.16025, 1e-3, 'bulk px');
  close(out[7], 78.56474, 1e-3, 'bulk py');
  close(out[8], 0.746987, 1e-5, 'bulk depth');
});

test('points are painted far to near; with a plane, those behind it first', () => {
  // screen triples (px, py, depth): depths 0.5, −2, 3, NaN, 1
  const screen = Float32Array.of(0, 0, 0.5, 0, 0, -2, 0, 0, 3, 0, 0, Number.NaN, 0, 0, 1);
  assert.deepEqual([...depthOrder(screen, 5)], [3, 2, 4, 0, 1], 'non-finite first, then 3, 1, 0.5, −2');

  const behind = Uint8Array.of(0, 1, 0, 0, 1);
  assert.deepEqual([...depthOrder(screen, 5, behind)], [4, 1, 3, 2, 0], 'behind (1, −2) first, each group far to near');

  const reuse = new Uint32Array(8);
  const order = depthOrder(screen, 5, null, reuse);
  assert.equal(order.buffer, reuse.buffer, 'the given buffer is reused');
  assert.equal(order.length, 5);

  // Random depths: each next point is no farther than the one before.
  const rnd = random(7);
  const many = new Float32Array(3 * 500).map((_, i) => (i % 3 === 2 ? rnd() * 10 - 5 : 0));
  const o = depthOrder(many, 500);
  for (let i = 1; i < o.length; i++) assert.ok(many[3 * o[i - 1] + 2] >= many[3 * o[i] + 2], `order breaks at ${i}`);

  // The same as a plain sort by (behind first, then depth, then index), with ties and an infinite depth.
  const flags = Uint8Array.from({ length: 500 }, () => (rnd() < 0.3 ? 1 : 0));
  for (let k = 0; k < 500; k += 7) many[3 * k + 2] = 1.25; // ties
  many[3 * 11 + 2] = Number.POSITIVE_INFINITY;
  const depthOf = (k) => (Number.isFinite(many[3 * k + 2]) ? many[3 * k + 2] : Infinity);
  const expected = Array.from({ length: 500 }, (_, k) => k).sort(
    (a, b) => flags[b] - flags[a] || depthOf(b) - depthOf(a) || a - b,
  );
  assert.deepEqual([...depthOrder(many, 500, flags)], expected);
});

test('the fit keeps every point, and the plane, inside the canvas box at every turn, at one size', () => {
  const rnd = random(17);
  for (let trial = 0; trial < 20; trial++) {
    const n = 200;
    const spread = [1 + rnd() * 50, 0.01 + rnd(), 1 + rnd() * 5];
    const shift = [rnd() * 100 - 50, rnd() * 100 - 50, rnd() * 100 - 50];
    const xyz = new Float32Array(3 * n).map((_, i) => shift[i % 3] + (rnd() - 0.5) * spread[i % 3]);
    const plane = {
      mean: shift,
      basis: [
        [0.6, 0.8, 0],
        [0, 0, 1],
      ],
    };
    const corners = planeCorners(xyz, plane);
    const area = { left: 18, top: 18, right: 18 + 200 + rnd() * 400, bottom: 18 + 200 + rnd() * 400 };
    const fit = fitView(boundsOf(xyz), corners, area);
    for (let t = 0; t < 12; t++) {
      const m = rotationMatrix({ yaw: rnd() * 360 - 180, pitch: rnd() * 180 - 90 });
      const out = projectInto(xyz, m, fit, new Float32Array(3 * n));
      for (let k = 0; k < n; k++) {
        const [px, py] = [out[3 * k], out[3 * k + 1]];
        assert.ok(
          px >= area.left && px <= area.right && py >= area.top && py <= area.bottom,
          `point ${k}: ${px}, ${py}`,
        );
      }
      for (const c of corners) {
        const [px, py] = projectPoint(c, m, fit);
        assert.ok(px >= area.left - 1e-6 && px <= area.right + 1e-6, `plane corner x ${px}`);
        assert.ok(py >= area.top - 1e-6 && py <= area.bottom + 1e-6, `plane corner y ${py}`);
      }
    }
  }
  // The fit uses the space: a cube's corners reach the shorter side of the box at some turn.
  const cube = Float32Array.of(-1, -1, -1, 1, 1, 1);
  const fit = fitView(boundsOf(cube), [], { left: 0, top: 0, right: 300, bottom: 100 });
  close(fit.scale * Math.sqrt(3), 50, 1e-9, 'the sphere through the corners is 50 px across the half height:');
  assert.deepEqual([fit.cx, fit.cy], [150, 50]);
});

test('bounds skip non-finite points and widen a flat side; an empty cloud has none', () => {
  assert.equal(boundsOf(new Float32Array(0)), null);
  assert.equal(boundsOf(Float32Array.of(Number.NaN, 0, 0)), null);
  const b = boundsOf(Float32Array.of(0, 5, 2, 4, 5, 2, Number.NaN, 100, 100), Float32Array.of(2, 5, 3));
  assert.deepEqual(b.min, [0, 3, 2]);
  assert.deepEqual(b.max, [4, 7, 3]);
});

test('PCA’s plane spans the points’ extent along its basis; points behind it are found from the turn', () => {
  // Points in the plane z = 1 (x from −2 to 3, y from −1 to 4), plus one off it.
  const xyz = Float32Array.of(-2, 0, 1, 3, 4, 1, 0, -1, 1, 0, 0, 5);
  const plane = {
    mean: [0, 0, 1],
    basis: [
      [2, 0, 0],
      [0, 1, 0],
    ],
  }; // not unit length on purpose
  const corners = planeCorners(xyz, plane);
  assert.deepEqual(corners, [
    [-2, -1, 1],
    [3, -1, 1],
    [3, 4, 1],
    [-2, 4, 1],
  ]);

  const front = Float32Array.of(0, 0, 2, 0, 0, 0); // z = 2 is nearer the reader at rest, z = 0 behind
  const out = behindPlane(front, plane, rotationMatrix({ yaw: 0, pitch: 0 }), new Uint8Array(3), 1);
  assert.deepEqual([...out], [0, 0, 1]);
  const turned = behindPlane(front, plane, rotationMatrix({ yaw: 180, pitch: 0 }), new Uint8Array(2));
  assert.deepEqual([...turned], [1, 0], 'seen from the back, the sides swap');
  const edge = behindPlane(front, plane, rotationMatrix({ yaw: 90, pitch: 0 }), new Uint8Array(2));
  assert.deepEqual([...edge], [0, 0], 'edge-on, the plane hides nothing');
});

test('arrow keys turn by a step (Shift: a larger one), Home goes back, other keys do nothing', () => {
  const at = { yaw: 10, pitch: 5 };
  assert.deepEqual(keyRotation(at, 'ArrowRight'), { yaw: 10 + KEY_STEP, pitch: 5 });
  assert.deepEqual(keyRotation(at, 'ArrowLeft'), { yaw: 10 - KEY_STEP, pitch: 5 });
  assert.deepEqual(keyRotation(at, 'ArrowUp'), { yaw: 10, pitch: 5 - KEY_STEP }, 'up tilts the front up');
  assert.deepEqual(keyRotation(at, 'ArrowDown'), { yaw: 10, pitch: 5 + KEY_STEP });
  assert.deepEqual(keyRotation(at, 'ArrowRight', { shift: true }), { yaw: 10 + KEY_STEP_LARGE, pitch: 5 });
  assert.deepEqual(keyRotation(at, 'Home'), DEFAULT_ROTATION);
  assert.deepEqual(keyRotation(at, 'Home', { home: { yaw: -40, pitch: 0 } }), { yaw: -40, pitch: 0 });
  assert.equal(keyRotation(at, 'a'), null);
  assert.equal(keyRotation(at, 'Enter'), null);
  assert.ok(KEY_STEP > 0 && KEY_STEP_LARGE > KEY_STEP);
  // Pitch stops at straight down; yaw goes round.
  assert.deepEqual(keyRotation({ yaw: 0, pitch: 88 }, 'ArrowDown'), { yaw: 0, pitch: 90 });
  assert.deepEqual(keyRotation({ yaw: 178, pitch: 0 }, 'ArrowRight'), { yaw: -177, pitch: 0 });
  assert.deepEqual(clampRotation({ yaw: -180, pitch: Number.NaN }), { yaw: 180, pitch: 0 });
  assert.deepEqual(clampRotation({ yaw: 725, pitch: -100 }), { yaw: 5, pitch: -90 });
});

// ---- The class itself, on a stand-in for the browser ----

/** Just enough of the browser for Scatter3d and canvas-chart.js: frames run when the test says. */
function fakeBrowser() {
  const frames = [];
  const vars = { '--series-1': '#111111', '--series-2': '#222222', '--series-3': '#333333' };
  for (let d = 0; d < 10; d++) vars[`--class-${d}`] = `#c0000${d}`;
  globalThis.window = { devicePixelRatio: 2 };
  globalThis.matchMedia = () => ({ addEventListener() {}, removeEventListener() {} });
  globalThis.document = { addEventListener() {}, removeEventListener() {}, documentElement: {} };
  globalThis.getComputedStyle = () => ({ getPropertyValue: (name) => vars[name] ?? '' });
  globalThis.ResizeObserver = class {
    observe() {}
    disconnect() {}
  };
  globalThis.requestAnimationFrame = (fn) => frames.push(fn);
  globalThis.cancelAnimationFrame = () => {};
  return {
    /** Runs the frames asked for so far; -> how many there were. */
    frames() {
      const due = frames.splice(0);
      for (const fn of due) fn();
      return due.length;
    },
  };
}

/** A canvas that records its listeners, attributes and every drawing call (method name and arguments). */
function fakeCanvas(width = 200, height = 200) {
  const calls = [];
  const state = {};
  const ctx = new Proxy(state, {
    get: (target, prop) =>
      prop in target
        ? target[prop]
        : prop === 'measureText'
          ? (s) => ({ width: 6 * String(s).length })
          : (...args) => calls.push([prop, ...args]),
    set: (target, prop, value) => {
      target[prop] = value;
      calls.push([`=${String(prop)}`, value]);
      return true;
    },
  });
  const listeners = {};
  const attrs = {};
  return {
    calls,
    clientWidth: width,
    clientHeight: height,
    width: 0,
    height: 0,
    isConnected: true,
    dataset: {},
    style: {},
    tabIndex: -1,
    classList: { add() {} },
    captured: null,
    getContext: () => ctx,
    setAttribute: (k, v) => {
      attrs[k] = String(v);
    },
    getAttribute: (k) => attrs[k] ?? null,
    hasAttribute: (k) => k in attrs,
    setPointerCapture(id) {
      this.captured = id;
    },
    addEventListener: (type, fn) => {
      listeners[type] = fn;
    },
    removeEventListener: (type) => {
      delete listeners[type];
    },
    /** Calls the listener for `type` with a plain event; -> the event (defaultPrevented says if it was used). */
    fire(type, props = {}) {
      const e = { type, defaultPrevented: false, preventDefault: () => (e.defaultPrevented = true), ...props };
      listeners[type]?.(e);
      return e;
    },
    listening: () => Object.keys(listeners),
  };
}

const { Scatter3d } = await import('../../www/charts/scatter3d.js');

test('the view is a focusable control named with how to turn it, and keys turn it', () => {
  const browser = fakeBrowser();
  const canvas = fakeCanvas();
  const seen = [];
  const view = new Scatter3d(canvas, {
    label: 'The curve in 3-D',
    rotation: { yaw: 30, pitch: 20 },
    onRotate: (r) => seen.push(r),
  });
  assert.equal(canvas.tabIndex, 0);
  assert.equal(canvas.getAttribute('role'), 'application');
  assert.equal(canvas.getAttribute('aria-roledescription'), '3-D view');
  assert.match(canvas.getAttribute('aria-label'), /^The curve in 3-D\. .*arrow keys.*Home/);
  assert.equal(canvas.style.touchAction, 'none', 'a finger turns the view instead of scrolling');

  let e = canvas.fire('keydown', { key: 'ArrowRight' });
  assert.ok(e.defaultPrevented, 'the arrow key is used, not scrolled with');
  assert.deepEqual(view.rotation, { yaw: 30 + KEY_STEP, pitch: 20 });
  canvas.fire('keydown', { key: 'ArrowUp', shiftKey: true });
  assert.deepEqual(view.rotation, { yaw: 30 + KEY_STEP, pitch: 20 - KEY_STEP_LARGE });
  assert.equal(canvas.dataset.rotation, `${(30 + KEY_STEP).toFixed(1)},${(20 - KEY_STEP_LARGE).toFixed(1)}`);
  e = canvas.fire('keydown', { key: 'Home' });
  assert.ok(e.defaultPrevented);
  assert.deepEqual(view.rotation, { yaw: 30, pitch: 20 });
  assert.equal(canvas.fire('keydown', { key: 'Tab' }).defaultPrevented, false, 'Tab still leaves the view');
  assert.equal(canvas.fire('keydown', { key: 'ArrowLeft', ctrlKey: true }).defaultPrevented, false);
  assert.equal(seen.length, 3, 'onRotate after each key that turned it');

  view.setRotation({ yaw: -60 });
  assert.deepEqual(view.rotation, { yaw: -60, pitch: 20 }, 'setRotation keeps what it is not given');
  canvas.fire('dblclick');
  assert.deepEqual(view.rotation, { yaw: 30, pitch: 20 }, 'a double-click turns it back');
  browser.frames();
  view.destroy();
  assert.deepEqual(canvas.listening(), [], 'destroy removes every listener');
});

test('a drag turns the view by DRAG_STEP per pixel, and many moves paint once per frame', () => {
  const browser = fakeBrowser();
  const canvas = fakeCanvas();
  const seen = [];
  const view = new Scatter3d(canvas, { label: 'Cloud', rotation: { yaw: 0, pitch: 0 }, onRotate: (r) => seen.push(r) });
  view.setPoints(Float32Array.of(0, 0, 0, 1, 1, 1, 2, 0, 1));
  browser.frames();

  canvas.fire('pointerdown', { pointerId: 7, pointerType: 'touch', button: 0, clientX: 100, clientY: 100 });
  assert.equal(canvas.captured, 7, 'the pointer is captured, so the drag goes on outside the canvas');
  for (let i = 1; i <= 10; i++) canvas.fire('pointermove', { pointerId: 7, clientX: 100 + 4 * i, clientY: 100 + i });
  canvas.fire('pointermove', { pointerId: 8, clientX: 0, clientY: 0 }); // a second finger does not turn it
  assert.deepEqual(view.rotation, { yaw: 40 * DRAG_STEP, pitch: 10 * DRAG_STEP });
  assert.equal(seen.length, 0, 'onRotate waits for the end of the drag');
  const painted = canvas.calls.length;
  assert.equal(browser.frames(), 1, 'eleven moves, one frame');
  assert.ok(canvas.calls.length > painted, 'the frame painted');
  canvas.fire('pointerup', { pointerId: 7 });
  assert.deepEqual(seen, [{ yaw: 40 * DRAG_STEP, pitch: 10 * DRAG_STEP }]);
  canvas.fire('pointermove', { pointerId: 7, clientX: 500, clientY: 500 });
  assert.deepEqual(view.rotation, { yaw: 40 * DRAG_STEP, pitch: 10 * DRAG_STEP }, 'no turning after the drag');
  canvas.fire('pointerdown', { pointerId: 1, pointerType: 'mouse', button: 2, clientX: 0, clientY: 0 });
  canvas.fire('pointermove', { pointerId: 1, clientX: 50, clientY: 0 });
  assert.deepEqual(view.rotation, { yaw: 40 * DRAG_STEP, pitch: 10 * DRAG_STEP }, 'the right button does not turn it');
  view.destroy();
});

test('the canvas paints points far to near, all inside it, and says what it shows', () => {
  const browser = fakeBrowser();
  const canvas = fakeCanvas(150, 100);
  const view = new Scatter3d(canvas, { label: 'Cloud', axes: ['a', 'b', 'c'], rotation: { yaw: 0, pitch: 0 } });
  // At rest depth is −z: the point at z = 5 is nearest, z = −5 farthest. Labels 0, 1, 2.
  view.setPoints(Float32Array.of(0, 0, 5, 1, 1, -5, 2, 0, 0), Uint8Array.of(0, 1, 2), { labelNames: ['p', 'q', 'r'] });
  browser.frames();
  assert.equal(canvas.width, 300, 'the backing store is the CSS box × devicePixelRatio');
  assert.equal(canvas.height, 200);
  // The points are the small arcs (radius 2.6 CSS px = 5.2 backing px), in the order they were painted.
  const arcs = canvas.calls.filter(([name, , , r]) => name === 'arc' && Math.abs(r - 5.2) < 1e-9);
  assert.equal(arcs.length, 3);
  // x maps left to right, so far (x = 1, z = −5), middle (x = 2, z = 0), near (x = 0, z = 5) reads as
  // a middle, a right and a left pixel column.
  const xs = arcs.map(([, x]) => x);
  assert.ok(xs[2] < xs[0] && xs[0] < xs[1], `painted far, middle, near: ${xs}`);
  for (const [, x, y] of arcs) assert.ok(x > 0 && x < 300 && y > 0 && y < 200, `inside: ${x}, ${y}`);
  // Each point in its label's colour.
  const fills = canvas.calls.filter(([name]) => name === '=fillStyle').map(([, v]) => v);
  for (const c of ['#c00001', '#c00002', '#c00000']) assert.ok(fills.includes(c), `${c} used`);
  // The axis names and the legend are written.
  const texts = canvas.calls.filter(([name]) => name === 'fillText').map(([, s]) => s);
  for (const s of ['a', 'b', 'c', 'p', 'q', 'r']) assert.ok(texts.includes(s), `"${s}" written`);
  assert.equal(canvas.dataset.painted, 'true');
  assert.equal(canvas.dataset.points, '3');

  assert.match(view.words(), /^3 points, coloured by label \(p, q, r\); axes a, b and c, turned 0° about b/);
  view.setSecond(Float32Array.of(0, 0, 4, 1, 1, -4, 2, 0, 1), { name: 'reconstructions' });
  view.setPlane({
    mean: [1, 0.5, 0],
    basis: [
      [1, 0, 0],
      [0, 1, 0],
    ],
    name: 'PCA’s plane',
  });
  view.setRotation({ yaw: 30, pitch: 20 });
  assert.match(
    view.words(),
    /3 reconstructions as rings, each joined to its point; PCA’s plane as a see-through plane/,
  );
  assert.match(view.words(), /turned 30° about b and tilted 20°\.$/);
  canvas.calls.length = 0;
  browser.frames();
  const rings = canvas.calls.filter(([name, , , r]) => name === 'arc' && Math.abs(r - 4.8) < 1e-9);
  assert.equal(rings.length, 3, 'the second cloud is drawn as rings');
  assert.ok(
    canvas.calls.some(([name]) => name === 'closePath'),
    'the plane is drawn',
  );

  // The plane z = 0 seen from the front: the point behind it is painted before it, the one in front after.
  view.setSecond(null);
  view.setPoints(Float32Array.of(-1, -1, 1, 1, 1, -1));
  view.setPlane({
    mean: [0, 0, 0],
    basis: [
      [1, 0, 0],
      [0, 1, 0],
    ],
  });
  view.setRotation({ yaw: 0, pitch: 0 });
  canvas.calls.length = 0;
  browser.frames();
  const dots = canvas.calls.map(([name, x, , r], i) => name === 'arc' && Math.abs(r - 5.2) < 1e-9 && { x, i });
  const plane = canvas.calls.findIndex(([name]) => name === 'closePath');
  const [back, front] = dots.filter(Boolean).sort((a, b) => a.i - b.i);
  assert.ok(back.x > front.x, 'x = 1 (z −1, behind) painted first');
  assert.ok(back.i < plane && plane < front.i, `behind ${back.i}, plane ${plane}, front ${front.i}`);

  assert.throws(() => view.setPoints(new Float32Array(4)), /3 numbers \(x, y, z\) per point, got 4/);
  assert.throws(() => view.setPoints(new Float32Array(6), new Uint8Array(3)), /2 points but 3 labels/);
  view.setPoints(new Float32Array(0));
  assert.equal(view.words(), 'no points yet.');
  view.destroy();
});
