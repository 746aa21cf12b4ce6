// Pictures (www/lessons/kit/pictures.js) share out the page's time: one task
// paints for at most SLICE_MS, the rest wait for the next tasks, in the order
// asked, and only a canvas's last paint is done. The canvases here are stand-ins
// (the paints are functions that take time), and the theme's CSS is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.document ??= { documentElement: {} };
globalThis.getComputedStyle ??= () => ({ getPropertyValue: () => '' });
const { Pictures, SLICE_MS } = await import('../../www/lessons/kit/pictures.js');

/** A paint that takes `ms` of the processor and records its canvas's name in `log`. */
const busy = (log, name, ms) => () => {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
  log.push(name);
};
const nextTask = () => new Promise((r) => setTimeout(r, 0));

test('a cheap picture paints at once; what a canvas shows is known at once', async () => {
  await nextTask(); // a fresh task: no slice spent
  const painted = [];
  const pics = new Pictures({ step: () => 7, onPaint: (c) => painted.push(c) });
  const canvas = { isConnected: true };
  const pixels = new Float32Array(784).fill(0.5);
  pics.draw(canvas, () => {}, { pixels });
  assert.deepEqual(painted, [canvas]);
  assert.equal(pics.shownOn(canvas).step, 7);
});

test(`one task paints for about ${SLICE_MS} ms; the rest follow in later tasks, in order, each once`, async () => {
  await nextTask();
  const log = [];
  const pics = new Pictures();
  const canvases = Array.from({ length: 30 }, (_, i) => ({ isConnected: true, i }));
  const started = performance.now();
  for (const c of canvases) pics.draw(c, busy(log, c.i, 2));
  const inFirstTask = log.length;
  assert.ok(performance.now() - started < SLICE_MS + 10, 'the asking task was not held up by 60 ms of painting');
  assert.ok(inFirstTask >= 1 && inFirstTask < 30, `${inFirstTask} of 30 painted in the first task`);
  // Every picture asked for is known at once, painted or not.
  for (const c of canvases) assert.ok(pics.shownOn(c));
  for (let t = 0; t < 100 && log.length < 30; t++) await nextTask();
  assert.deepEqual(
    log,
    canvases.map((c) => c.i),
  );
});

test('a canvas asked for again while it waits gets only its last paint', async () => {
  await nextTask();
  const log = [];
  const pics = new Pictures();
  const first = { isConnected: true };
  const later = { isConnected: true };
  pics.draw(first, busy(log, 'first', SLICE_MS + 2)); // spends this task's slice
  pics.draw(later, busy(log, 'old', 0));
  pics.draw(later, busy(log, 'new', 0));
  assert.deepEqual(log, ['first']);
  for (let t = 0; t < 20 && log.length < 2; t++) await nextTask();
  await nextTask();
  assert.deepEqual(log, ['first', 'new']);
});
