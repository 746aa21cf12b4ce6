// The draw pad's MNIST preprocessing (www/draw/draw-pad.js), on synthetic drawings, and the pads' pointer strokes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mnistFromGray, centreOfMass, SIZE, BOX } from '../../www/draw/draw-pad.js';
import { pointerStrokes } from '../../www/draw/pointer-strokes.js';

/** A w×h image with a filled ellipse (centre cx, cy; radii rx, ry) of intensity 1. */
function ellipse(w, h, cx, cy, rx, ry) {
  const img = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = (x + 0.5 - cx) / rx;
      const dy = (y + 0.5 - cy) / ry;
      if (dx * dx + dy * dy <= 1) img[y * w + x] = 1;
    }
  }
  return img;
}

/** Bounding box of the non-zero pixels of a 28×28 image. */
function bbox(img) {
  let x0 = SIZE,
    y0 = SIZE,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      if (img[y * SIZE + x] > 0) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return { w: x1 - x0 + 1, h: y1 - y0 + 1, x0, y0, x1, y1 };
}

test('an empty drawing gives null', () => {
  assert.equal(mnistFromGray(new Float32Array(100 * 100), 100, 100), null);
  assert.equal(mnistFromGray(new Float32Array(0), 0, 0), null);
});

test('an off-centre blob is scaled to a 20 px box with its centre of mass at (14, 14)', () => {
  // A wide blob hugging the top-right corner of a 280×280 pad.
  const img = ellipse(280, 280, 230, 40, 40, 25);
  const out = mnistFromGray(img, 280, 280);
  assert.equal(out.length, SIZE * SIZE);
  const box = bbox(out);
  assert.equal(Math.max(box.w, box.h), BOX, `bounding box ${box.w}×${box.h}`);
  // Aspect ratio kept: 80×50 source -> 20×13 (rounded; edge pixels may hold partial ink).
  assert.ok(Math.abs(box.h - 12.5) <= 1, `height ${box.h}`);
  const c = centreOfMass(out, SIZE, SIZE);
  assert.ok(Math.abs(c.x - 14) <= 0.5, `centre x ${c.x}`);
  assert.ok(Math.abs(c.y - 14) <= 0.5, `centre y ${c.y}`);
  for (const v of out) assert.ok(v >= 0 && v <= 1);
});

test('a lopsided shape is centred by mass, not by its box', () => {
  // An "L": heavy vertical bar plus a thin foot; the mass sits left of the box centre.
  const w = 200,
    h = 200;
  const img = new Float32Array(w * h);
  for (let y = 20; y < 180; y++) for (let x = 20; x < 60; x++) img[y * w + x] = 1;
  for (let y = 130; y < 180; y++) for (let x = 60; x < 180; x++) img[y * w + x] = 1;
  const out = mnistFromGray(img, w, h);
  const c = centreOfMass(out, SIZE, SIZE);
  assert.ok(Math.abs(c.x - 14) <= 0.5, `centre x ${c.x}`);
  assert.ok(Math.abs(c.y - 14) <= 0.5, `centre y ${c.y}`);
  const box = bbox(out);
  assert.equal(box.h, BOX);
  assert.ok(box.x0 > 4, 'the box moved right of the box-centred position so the mass is centred');
});

test('an extremely lopsided shape is shifted as far as possible but never cut off', () => {
  // Almost all mass in a left bar: centring its mass would push the box 10 px right, past the edge.
  const w = 200,
    h = 200;
  const img = new Float32Array(w * h);
  for (let y = 20; y < 180; y++) for (let x = 20; x < 60; x++) img[y * w + x] = 1;
  for (let y = 170; y < 180; y++) for (let x = 60; x < 180; x++) img[y * w + x] = 1;
  const out = mnistFromGray(img, w, h);
  const box = bbox(out);
  assert.equal(box.x1, SIZE - 1, 'pushed against the right edge');
  assert.equal(Math.max(box.w, box.h), BOX, 'nothing was cut off');
  const c = centreOfMass(out, SIZE, SIZE);
  assert.ok(c.x < 14 && c.x > 11, `centre x ${c.x}`);
});

test('a small drawing is scaled up and a thin stroke keeps its aspect', () => {
  const w = 300,
    h = 300;
  const img = new Float32Array(w * h);
  for (let y = 100; y < 200; y++) for (let x = 50; x < 60; x++) img[y * w + x] = 1; // 10×100 bar
  const out = mnistFromGray(img, w, h);
  const box = bbox(out);
  assert.equal(box.h, BOX);
  assert.equal(box.w, 2);
  const c = centreOfMass(out, SIZE, SIZE);
  assert.ok(Math.abs(c.x - 14) <= 0.5 && Math.abs(c.y - 14) <= 0.5, `centre ${c.x}, ${c.y}`);
});

test('faint noise below the threshold does not move the crop', () => {
  const img = ellipse(100, 100, 50, 50, 20, 30);
  img[0] = 0.01; // a speck in the corner
  const a = mnistFromGray(img, 100, 100);
  img[0] = 0;
  const b = mnistFromGray(img, 100, 100);
  assert.deepEqual(bbox(a), bbox(b));
});

// The pads' pointer handling (www/draw/pointer-strokes.js) on a stand-in canvas: an EventTarget
// with a box 100×50 CSS pixels at (10, 20), and animation frames run by hand.
function fakeCanvas() {
  const canvas = new EventTarget();
  canvas.captured = [];
  canvas.setPointerCapture = (id) => canvas.captured.push(id);
  canvas.getBoundingClientRect = () => ({ left: 10, top: 20, width: 100, height: 50 });
  return canvas;
}

function pointer(type, { id = 1, kind = 'mouse', button = 0, x = 0, y = 0, coalesced = [] } = {}) {
  const e = new Event(type, { cancelable: true });
  Object.assign(e, { pointerId: id, pointerType: kind, button, clientX: x, clientY: y });
  if (coalesced.length) e.getCoalescedEvents = () => coalesced.map(([cx, cy]) => ({ clientX: cx, clientY: cy }));
  return e;
}

test('pointer strokes: positions in the pad’s units, coalesced moves kept, one change a frame and one at the end', () => {
  const frames = [];
  globalThis.requestAnimationFrame = (fn) => frames.push(fn);
  globalThis.cancelAnimationFrame = () => frames.splice(0);
  const canvas = fakeCanvas();
  const segments = [];
  const log = [];
  const strokes = pointerStrokes(canvas, {
    units: () => ({ width: 28, height: 14 }),
    onStart: () => log.push('start'),
    onSegment: (a, b) => segments.push([a, b]) > 0,
    onChange: () => log.push('change'),
  });
  canvas.dispatchEvent(pointer('pointerdown', { x: 10, y: 20 }));
  assert.deepEqual(canvas.captured, [1]);
  assert.deepEqual(segments[0], [
    { x: 0, y: 0 },
    { x: 0, y: 0 },
  ]);
  canvas.dispatchEvent(
    pointer('pointermove', {
      x: 110,
      y: 70,
      coalesced: [
        [60, 45],
        [110, 70],
      ],
    }),
  );
  assert.deepEqual(segments.slice(1), [
    [
      { x: 0, y: 0 },
      { x: 14, y: 7 },
    ],
    [
      { x: 14, y: 7 },
      { x: 28, y: 14 },
    ],
  ]);
  assert.equal(frames.length, 1, 'one change scheduled for the frame');
  frames.shift()();
  canvas.dispatchEvent(pointer('pointermove', { id: 2, x: 50, y: 50 }));
  assert.equal(segments.length, 3, 'a second pointer is ignored during a stroke');
  canvas.dispatchEvent(pointer('pointerup'));
  assert.deepEqual(log, ['start', 'change', 'change']);
  canvas.dispatchEvent(pointer('pointermove', { x: 50, y: 50 }));
  canvas.dispatchEvent(pointer('pointerdown', { button: 2 }));
  assert.equal(segments.length, 3, 'no stroke after the end, none with the right mouse button');
  strokes.destroy();
  canvas.dispatchEvent(pointer('pointerdown', { kind: 'pen' }));
  assert.equal(segments.length, 3, 'no listening after destroy');
});

test('pointer strokes: a segment that changes nothing asks for no redraw', () => {
  const frames = [];
  globalThis.requestAnimationFrame = (fn) => frames.push(fn);
  globalThis.cancelAnimationFrame = () => frames.splice(0);
  const canvas = fakeCanvas();
  const changes = [];
  pointerStrokes(canvas, { units: () => canvas, onSegment: () => false, onChange: () => changes.push(1) });
  canvas.dispatchEvent(pointer('pointerdown', { kind: 'touch', x: 30, y: 30 }));
  canvas.dispatchEvent(pointer('pointermove', { kind: 'touch', x: 40, y: 30 }));
  assert.equal(frames.length, 0);
  canvas.dispatchEvent(pointer('pointercancel'));
  assert.equal(changes.length, 1, 'the stroke still ends with one change');
});

test('every box size gives finite pixels: the area taps never reach past the drawing (a NaN row in Firefox)', () => {
  // 20/bh in floating point can put the last tap's end a hair past the box; that tap read outside the rows.
  const bad = [];
  for (let bw = 1; bw <= 90; bw++) {
    for (const bh of [1, 2, 3, 7, 13, 29, 41, 47, 53, 61, 67, 71, 83, 89, bw]) {
      const width = bw + 3;
      const height = bh + 5;
      const gray = new Float32Array(width * height);
      for (let y = 2; y < 2 + bh; y++) for (let x = 1; x < 1 + bw; x++) gray[y * width + x] = 1;
      const out = mnistFromGray(gray, width, height);
      if (!out.every(Number.isFinite)) bad.push(`${bw}×${bh}`);
    }
  }
  assert.deepEqual(bad, []);
});
