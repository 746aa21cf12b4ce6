// The draw pad's MNIST preprocessing (www/draw/draw-pad.js), on synthetic drawings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mnistFromGray, centreOfMass, SIZE, BOX } from '../../www/draw/draw-pad.js';

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
